"""One router per feature; each module's ``build()`` returns a fresh ``Router(name=__name__)``
(a router can belong to one dispatcher only, and tests build several). Order matters only for
the fallback, which must come last."""

from __future__ import annotations

from bots.telegram.routers import (
    applications,
    browse,
    buttons,
    chat,
    communities,
    escrow,
    fallback,
    moderation,
    my,
    post,
    reviews,
    settings,
    start,
)

ROUTER_MODULES = (start, post, browse, applications, escrow, reviews, my, settings,
                  moderation, communities, chat, buttons, fallback)
