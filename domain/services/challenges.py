"""Challenges: post, read, edit, cancel, list."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from beanie import SortDirection

from domain.deps import Deps
from domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from domain.events import ChallengePosted, ChallengeUpdated
from domain.models.challenges import Challenge, ChallengeState, MilestonePlan, Visibility
from domain.models.common import utcnow
from domain.models.escrow import Escrow, EscrowState
from domain.models.users import User
from domain.ports import SearchFilters
from domain.services.common import get_or_404, load_actor, parse, update_where
from domain.services.inputs import ChallengeEdit, ChallengeInput, ChallengeQuery, MilestoneInput
from domain.services.pagination import after_filter, encode_cursor
from domain.services.search import SearchPage, search_challenges
from domain.services.validated_cache import ValidatedCache
from domain.state_machines import CHALLENGE, ensure, sources

# Sort name -> (field, descending). Challenges without a deadline sort after every dated one.
SORTS = {
    "newest": ("created_at", True),
    "reward": ("reward.amount", True),
    "deadline": ("deadline_key", False),
    "popular": ("application_count", True),
}
NO_DEADLINE = datetime(9999, 12, 31, tzinfo=UTC)


def _milestones(reward_amount: int, plans: list[MilestoneInput] | None) -> list[MilestonePlan]:
    if not plans:
        return [MilestonePlan(title="Whole reward", amount=reward_amount)]
    total = sum(p.amount for p in plans)
    if total != reward_amount:
        raise ValidationFailed(f"milestone amounts add up to {total}, not the reward "
                               f"{reward_amount}", fields={"milestones": "must sum to reward"})
    return [MilestonePlan(title=p.title, amount=p.amount) for p in plans]


async def post_challenge(deps: Deps, actor_id: str, data: Mapping[str, Any]) -> Challenge:
    actor = await load_actor(actor_id)
    form = parse(ChallengeInput, data)
    challenge = Challenge(
        owner_id=actor.id, title=form.title, description=form.description,
        category=form.category.lower(), tags=sorted(set(form.tags)), difficulty=form.difficulty,
        reward=form.reward, milestones=_milestones(form.reward.amount, form.milestones),
        deadline=form.deadline, deadline_key=form.deadline or NO_DEADLINE,
        visibility=form.visibility, community_id=form.community_id,
    )
    await challenge.insert()
    await deps.bus.publish(ChallengePosted(challenge_id=challenge.id))
    return challenge


def can_see(challenge: Challenge, viewer: User | None) -> bool:
    if challenge.state != ChallengeState.REMOVED:
        return True
    return viewer is not None and (viewer.id == challenge.owner_id or viewer.is_moderator)


async def get_challenge(challenge_id: str, viewer: User | None = None) -> Challenge:
    challenge = await get_or_404(Challenge, challenge_id, "challenge")
    if not can_see(challenge, viewer):
        raise NotFound("challenge not found")
    return challenge


async def edit_challenge(deps: Deps, actor_id: str, challenge_id: str,
                         data: Mapping[str, Any]) -> Challenge:
    actor = await load_actor(actor_id)
    challenge = await get_challenge(challenge_id, actor)
    if challenge.owner_id != actor.id:
        raise Forbidden("only the challenger can edit this challenge")
    form = parse(ChallengeEdit, data)
    changes: dict[str, Any] = form.model_dump(exclude_none=True, exclude={"reward", "milestones"})
    if not changes and form.reward is None and form.milestones is None:
        raise ValidationFailed("nothing to change")
    if form.reward is not None or form.milestones is not None:
        if await Escrow.find_one({"challenge_id": challenge.id}) is not None:
            raise Conflict("the reward is fixed once funding has started")
        reward = form.reward or challenge.reward
        changes["reward"] = reward.model_dump()
        plans = _milestones(reward.amount, form.milestones)
        changes["milestones"] = [m.model_dump() for m in plans]
    if "tags" in changes:
        changes["tags"] = sorted(set(changes["tags"]))
    if "category" in changes:
        changes["category"] = changes["category"].lower()
    if "deadline" in changes:
        changes["deadline_key"] = changes["deadline"]
    changes["updated_at"] = utcnow()
    updated = await update_where(
        Challenge, {"_id": challenge.id, "state": {"$in": ["draft", "open"]},
                    "application_count": 0},
        {"$set": changes})
    if updated is None:
        raise Conflict("a challenge can only be edited while open and before anyone applies")
    await deps.bus.publish(ChallengeUpdated(challenge_id=updated.id, state=updated.state))
    return updated


async def set_state(deps: Deps, challenge: Challenge, target: ChallengeState,
                    extra: Mapping[str, Any] | None = None,
                    condition: Mapping[str, Any] | None = None) -> Challenge:
    """Move a challenge along its state machine with one conditional update."""
    ensure(CHALLENGE, challenge.state, target, "challenge")
    query = {"_id": challenge.id, "state": {"$in": sources(CHALLENGE, target)}, **(condition or {})}
    updated = await update_where(Challenge, query, {"$set": {"state": target,
                                                             "updated_at": utcnow(),
                                                             **(extra or {})}})
    if updated is None:
        raise Conflict("the challenge changed meanwhile; reload and try again")
    await deps.bus.publish(ChallengeUpdated(challenge_id=updated.id, state=updated.state))
    return updated


async def cancel_challenge(deps: Deps, actor_id: str, challenge_id: str) -> Challenge:
    actor = await load_actor(actor_id)
    challenge = await get_challenge(challenge_id, actor)
    if challenge.owner_id != actor.id:
        raise Forbidden("only the challenger can cancel this challenge")
    if challenge.state not in (ChallengeState.DRAFT, ChallengeState.OPEN):
        raise Conflict(f"a challenge that is {challenge.state} cannot be cancelled; "
                       "refund the escrow instead")
    escrow = await Escrow.find_one({"challenge_id": challenge.id})
    if escrow is not None and escrow.state != EscrowState.AWAITING_FUNDING:
        # Cancelling must not strand money: the refund cancels the challenge itself.
        raise Conflict(f"the escrow is {escrow.state}; refund it to cancel the challenge")
    return await set_state(deps, challenge, ChallengeState.CANCELLED,
                           condition={"state": {"$in": ["draft", "open"]}})


_LISTED = ValidatedCache(Challenge)


def _listing_condition(form: ChallengeQuery, viewer: User | None) -> dict[str, Any]:
    """Who may see what in a listing: the one place these rules live (the search index gets
    the same rules as filters, and its hits are re-checked against this condition)."""
    condition: dict[str, Any] = {}
    if form.state:
        states = [s.strip() for s in form.state.split(",") if s.strip()]
        valid = {str(s) for s in ChallengeState}
        if not states or not set(states) <= valid:
            raise ValidationFailed(f"state must be one of {sorted(valid)}")
        if "removed" in states and not (viewer and viewer.is_moderator):
            raise ValidationFailed("only moderators may list removed challenges")
        condition["state"] = {"$in": states}
    else:
        condition["state"] = "open"
    # Unlisted and community challenges are listed only to the person the filter names (their
    # own challenges) and to moderators; every other listing shows public ones.
    filtered = bool(form.owner_id or form.solver_id)
    own = viewer is not None and viewer.id in {form.owner_id, form.solver_id}
    if not (filtered and (own or (viewer is not None and viewer.is_moderator))):
        condition["visibility"] = Visibility.PUBLIC
    for name in ("owner_id", "solver_id", "currency"):
        value = getattr(form, name)
        if value:
            condition["reward.currency" if name == "currency" else name] = value
    if form.category:
        condition["category"] = form.category.lower()
    if form.tag:
        condition["tags"] = form.tag
    if form.difficulty:
        condition["difficulty"] = form.difficulty
    for field_name, low, high in (("reward.amount", form.min_reward, form.max_reward),
                                  ("deadline", form.deadline_after, form.deadline_before)):
        bounds = {op: v for op, v in (("$gte", low), ("$lte", high)) if v is not None}
        if bounds:
            condition[field_name] = bounds
    return condition


def _search_filters(form: ChallengeQuery, condition: Mapping[str, Any]) -> SearchFilters:
    """The listing condition as the index's filters (narrowing only; the store re-checks)."""
    state = condition["state"]
    return SearchFilters(
        states=tuple(state["$in"]) if isinstance(state, dict) else (state,),
        visibilities=(Visibility.PUBLIC,) if "visibility" in condition else None,
        owner_id=form.owner_id or None, category=condition.get("category"),
        tags=(form.tag,) if form.tag else (), difficulty=form.difficulty,
        currency=form.currency, min_reward=form.min_reward, max_reward=form.max_reward,
        deadline_before=None if form.deadline_before is None
        else int(form.deadline_before.timestamp()),
        deadline_after=None if form.deadline_after is None
        else int(form.deadline_after.timestamp()))


def _uses_index(form: ChallengeQuery, deps: Deps | None) -> bool:
    # The index knows no solver, so "my accepted challenges" stays a store query.
    return bool(form.q and form.q.strip()) and deps is not None and deps.search is not None \
        and not form.solver_id


async def search_listing(deps: Deps, query: Mapping[str, Any],
                         viewer: User | None = None) -> SearchPage:
    """The listing with words (``q``) ranked by the search index: typo tolerant, with facets
    and highlights. Without ``q`` it is the plain listing (found: the page's size)."""
    form = parse(ChallengeQuery, query)
    condition = _listing_condition(form, viewer)
    if not _uses_index(form, deps):
        items, next_cursor = await _store_listing(form, condition)
        return SearchPage(items=items, next_cursor=next_cursor, found=len(items))
    return await search_challenges(
        deps, form.q or "", _search_filters(form, condition), condition,
        sort=form.sort or "relevance", limit=form.limit, cursor=form.cursor)


async def list_challenges(query: Mapping[str, Any], viewer: User | None = None, *,
                          deps: Deps | None = None) -> tuple[list[Challenge], str | None]:
    """Challenges a viewer may list. With ``q`` and ``deps`` the search index ranks them
    (every interface should pass ``deps``); without ``deps``, ``q`` is a plain substring."""
    if deps is not None:
        page = await search_listing(deps, query, viewer)
        return page.items, page.next_cursor
    form = parse(ChallengeQuery, query)
    return await _store_listing(form, _listing_condition(form, viewer))


async def _store_listing(form: ChallengeQuery,
                         condition: dict[str, Any]) -> tuple[list[Challenge], str | None]:
    if form.q:
        pattern = re.escape(form.q)
        condition["$and"] = [{"$or": [{"title": {"$regex": pattern, "$options": "i"}},
                                      {"description": {"$regex": pattern, "$options": "i"}}]}]
    field, descending = SORTS[form.sort if form.sort in SORTS else "newest"]
    page = after_filter(field, descending, form.cursor)
    if page:
        condition.setdefault("$and", []).append(page)
    direction = SortDirection.DESCENDING if descending else SortDirection.ASCENDING
    # Read as stored and validated through the cache: a page's challenges are mostly the
    # ones the previous pages validated already.
    found = Challenge.get_pymongo_collection().find(
        condition, sort=[(field, direction.value), ("_id", direction.value)],
        limit=form.limit + 1)
    items = [_LISTED.load(raw) async for raw in found]
    next_cursor = None
    if len(items) > form.limit:
        items = items[: form.limit]
        last = items[-1]
        last_value: Any = (last.reward.amount if field == "reward.amount"
                           else getattr(last, field))
        next_cursor = encode_cursor(last_value, last.id)
    return items, next_cursor
