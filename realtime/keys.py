"""Typed slots on the aiohttp application for what the process built once."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from domain.deps import Deps
from openchance.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
DEPS = web.AppKey("deps", Deps)
STORAGE = web.AppKey("storage", Any)
