"""The API and realtime suites' fixtures, for the hardening tests that need both."""

from tests.api.conftest import client, members  # noqa: F401
from tests.realtime.conftest import pair, server  # noqa: F401
