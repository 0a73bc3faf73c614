"""Packaging hook (the rest is in pyproject.toml): the built web client goes into the wheel.

``serve`` looks for the client next to its own package (realtime/web_dist) when installed from
a wheel, and in web/dist in a source checkout. Without this, a non-editable install (the Docker
image) answered "The web client is not built". Build the client first (scripts/build-web).
"""

import shutil
import warnings
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

WEB_DIST = Path(__file__).resolve().parent / "web" / "dist"


class BuildPyWithWebClient(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install serves web/dist from the checkout
            return
        if not (WEB_DIST / "index.html").is_file():
            warnings.warn("web/dist is not built: this wheel has no web client "
                          "(run scripts/build-web first)", stacklevel=1)
            return
        target = Path(self.build_lib) / "realtime" / "web_dist"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(WEB_DIST, target)


setup(cmdclass={"build_py": BuildPyWithWebClient})
