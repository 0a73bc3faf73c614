"""Challenges: post, list (filters, sorts, cursor), read, edit, cancel; and their reviews."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from domain.services import challenges, reviews
from domain.services.inputs import ChallengeEdit, ChallengeInput, ChallengeQuery, ReviewInput
from domain.views import ChallengeOut, ReviewOut, render
from realtime.api.core import (
    ApiRoutes,
    current_user_id,
    deps_of,
    json_ok,
    optional_user,
    read_json,
)
from realtime.api.listing_cache import LISTING_CACHE
from realtime.api.schemas import ChallengePage

routes = ApiRoutes(tag="challenges")


@routes.get("/challenges", auth="optional", query=ChallengeQuery, response=ChallengePage)
async def list_challenges(request: web.Request) -> web.Response:
    """Search and page through challenges (open ones unless `state` says otherwise).

    With words (`q`) the search index ranks them (typo tolerant, prefix aware) and the page
    also carries `found`, `facets` and `highlights`."""
    viewer = await optional_user(request)
    cache = request.app[LISTING_CACHE]
    # Moderators may list removed challenges, so they get their own entries; so does a viewer
    # filtering by owner or solver (their own unlisted challenges are in the answer).
    personal = viewer.id if viewer and {"owner_id", "solver_id"} & request.query.keys() else ""
    key = f"{int(bool(viewer and viewer.is_moderator))}{personal}?{request.query_string}"
    body = cache.get(key)
    if body is None:
        page = await challenges.search_listing(deps_of(request), dict(request.query), viewer)
        data: dict[str, Any] = {"items": [render(ChallengeOut, c) for c in page.items],
                                "next_cursor": page.next_cursor}
        if request.query.get("q", "").strip():
            data.update(found=page.found, facets=page.facets, highlights=page.highlights)
        body = orjson.dumps(data)
        cache.put(key, body)
    return web.Response(body=body, content_type="application/json")


@routes.post("/challenges", body=ChallengeInput, response=ChallengeOut, status=201)
async def post_challenge(request: web.Request) -> web.Response:
    """Post a challenge; it starts open."""
    actor_id = await current_user_id(request)
    challenge = await challenges.post_challenge(deps_of(request), actor_id,
                                                await read_json(request))
    return json_ok(render(ChallengeOut, challenge), status=201)


@routes.get("/challenges/{id}", auth="optional", response=ChallengeOut)
async def get_challenge(request: web.Request) -> web.Response:
    """One challenge."""
    viewer = await optional_user(request)
    challenge = await challenges.get_challenge(request.match_info["id"], viewer)
    return json_ok(render(ChallengeOut, challenge))


@routes.patch("/challenges/{id}", body=ChallengeEdit, response=ChallengeOut)
async def edit_challenge(request: web.Request) -> web.Response:
    """Edit a challenge (its owner, while open and before anyone applies)."""
    actor_id = await current_user_id(request)
    challenge = await challenges.edit_challenge(deps_of(request), actor_id,
                                                request.match_info["id"],
                                                await read_json(request))
    return json_ok(render(ChallengeOut, challenge))


@routes.delete("/challenges/{id}", response=ChallengeOut)
async def cancel_challenge(request: web.Request) -> web.Response:
    """Cancel a challenge (its owner, before a solver is accepted)."""
    actor_id = await current_user_id(request)
    challenge = await challenges.cancel_challenge(deps_of(request), actor_id,
                                                  request.match_info["id"])
    return json_ok(render(ChallengeOut, challenge))


@routes.post("/challenges/{id}/reviews", body=ReviewInput, response=ReviewOut, status=201)
async def post_review(request: web.Request) -> web.Response:
    """Rate the other side of a completed challenge (1-5), once."""
    actor_id = await current_user_id(request)
    review = await reviews.post_review(deps_of(request), actor_id, request.match_info["id"],
                                       await read_json(request))
    return json_ok(render(ReviewOut, review), status=201)
