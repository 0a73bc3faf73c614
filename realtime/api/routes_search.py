"""Search and matching over HTTP: autocomplete, recommended solvers and challenges, the
posting assist, match alerts. Each handler calls one domain service."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

from aiohttp import web
from pydantic import Field

from domain.models.challenges import Difficulty
from domain.services import matching, posting_assist, search
from domain.services.inputs import StrictInput, Text
from domain.views import ChallengeOut, Out, UserPublic, render
from realtime.api.core import (
    ApiRoutes,
    add_api_routes,
    current_user_id,
    deps_of,
    json_ok,
    parse_query,
    read_json,
)
from realtime.keys import DEPS

log = logging.getLogger(__name__)
routes = ApiRoutes(tag="search")


class SuggestQuery(StrictInput):
    q: Text(100, min_length=0) = ""


class SuggestionOut(Out):
    text: str
    challenge_id: str


class SuggestOut(Out):
    suggestions: list[SuggestionOut]


class MatchQuery(StrictInput):
    limit: Annotated[int, Field(ge=1, le=50)] = 10


class SolverMatchOut(Out):
    user: UserPublic
    score: float = Field(description="0-1, higher is a better match")
    reasons: list[str]


class SolverMatchList(Out):
    items: list[SolverMatchOut]


class ChallengeMatchOut(Out):
    challenge: ChallengeOut
    score: float
    reasons: list[str]


class ChallengeMatchList(Out):
    items: list[ChallengeMatchOut]


class MetadataSuggestionOut(Out):
    category: str
    tags: list[str]
    difficulty: Difficulty
    source: str = Field(description="model (a chat model answered) or heuristic")
    optional: bool = Field(True, description="a suggestion only; the poster decides")


class MatchAlertsOut(Out):
    enabled: bool


@routes.get("/search/suggest", auth="none", query=SuggestQuery, response=SuggestOut)
async def suggest(request: web.Request) -> web.Response:
    """Autocomplete: titles of open challenges matching a (possibly misspelt) prefix."""
    form = parse_query(request, SuggestQuery)
    found = await search.suggest(deps_of(request), form.q)
    return json_ok({"suggestions": [{"text": s.text, "challenge_id": s.challenge_id}
                                    for s in found]})


@routes.get("/challenges/{id}/matches", query=MatchQuery, response=SolverMatchList)
async def challenge_matches(request: web.Request) -> web.Response:
    """Recommended solvers for a challenge (its owner, moderators), with the reasons."""
    actor_id = await current_user_id(request)
    form = parse_query(request, MatchQuery)
    found = await matching.matches_for_challenge(deps_of(request), actor_id,
                                                 request.match_info["id"], form.limit)
    return json_ok({"items": [{"user": render(UserPublic, m.user), "score": m.score,
                               "reasons": m.reasons} for m in found]})


@routes.get("/me/matches", query=MatchQuery, response=ChallengeMatchList)
async def my_matches(request: web.Request) -> web.Response:
    """Open challenges that suit me, with the reasons."""
    actor_id = await current_user_id(request)
    form = parse_query(request, MatchQuery)
    found = await matching.matches_for_me(deps_of(request), actor_id, form.limit)
    return json_ok({"items": [{"challenge": render(ChallengeOut, m.challenge),
                               "score": m.score, "reasons": m.reasons} for m in found]})


@routes.route("PUT", "/me/match-alerts", body=matching.MatchAlertsInput, response=MatchAlertsOut)
async def match_alerts(request: web.Request) -> web.Response:
    """Opt in to (or out of) a DM when a newly posted challenge matches me well."""
    actor_id = await current_user_id(request)
    alerts = await matching.set_match_alerts(actor_id, await read_json(request))
    return json_ok({"enabled": alerts.enabled})


@routes.post("/challenges/suggest-metadata", body=posting_assist.AssistInput,
             response=MetadataSuggestionOut)
async def suggest_metadata(request: web.Request) -> web.Response:
    """Suggest a category, tags and difficulty for a draft challenge (optional to use)."""
    actor_id = await current_user_id(request)
    found = await posting_assist.suggest_metadata(deps_of(request), actor_id,
                                                  await read_json(request))
    return json_ok(render(MetadataSuggestionOut, found))


async def _catch_up(app: web.Application) -> None:
    """Bring the index level with the store (a node that was down, an in-memory index)."""
    try:
        count = await search.catch_up(app[DEPS])
        if count:
            log.info("search index caught up: %d challenges indexed", count)
    except Exception:  # search must not keep the node from serving; listings still work
        log.exception("search catch-up failed; `openchance reindex` rebuilds the index")


def setup_search_api(app: web.Application) -> None:
    add_api_routes(app, routes)

    async def start(app: web.Application) -> None:
        app[CATCH_UP] = asyncio.create_task(_catch_up(app))

    async def stop(app: web.Application) -> None:
        task = app.get(CATCH_UP)
        if task is not None:
            task.cancel()
        index = app[DEPS].search
        if index is not None:
            await index.close()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)


CATCH_UP = web.AppKey("search_catch_up", asyncio.Task)
