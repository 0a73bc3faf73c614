"""The HTTP API under /api/v1 (see realtime/api/core.py for how modules add routes)."""
