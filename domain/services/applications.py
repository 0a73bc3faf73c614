"""Applications: a solver applies; the challenger accepts one or rejects; the solver withdraws."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from beanie import SortDirection
from pymongo.errors import DuplicateKeyError

from domain.deps import Deps
from domain.errors import Conflict, Forbidden
from domain.events import ApplicationDecided, ApplicationSubmitted, ChallengeUpdated
from domain.models.challenges import Application, ApplicationState, Challenge, ChallengeState
from domain.models.common import utcnow
from domain.services.challenges import get_challenge
from domain.services.common import get_or_404, load_actor, parse, update_where
from domain.services.inputs import ApplyInput
from domain.state_machines import APPLICATION, ensure, sources


async def apply(deps: Deps, actor_id: str, challenge_id: str,
                data: Mapping[str, Any]) -> Application:
    actor = await load_actor(actor_id)
    form = parse(ApplyInput, data)
    challenge = await get_challenge(challenge_id, actor)
    if challenge.owner_id == actor.id:
        raise Forbidden("you cannot apply to your own challenge")
    counted = await update_where(Challenge, {"_id": challenge.id, "state": "open"},
                                 {"$inc": {"application_count": 1}})
    if counted is None:
        raise Conflict(f"this challenge is {challenge.state}, not open for applications")
    application = Application(challenge_id=challenge.id, solver_id=actor.id,
                              proposal=form.proposal)
    try:
        await application.insert()
    except DuplicateKeyError:
        await update_where(Challenge, {"_id": challenge.id}, {"$inc": {"application_count": -1}})
        raise Conflict("you have already applied to this challenge") from None
    await deps.bus.publish(ApplicationSubmitted(
        application_id=application.id, challenge_id=challenge.id, solver_id=actor.id,
        owner_id=challenge.owner_id))
    return application


async def list_applications(actor_id: str, challenge_id: str) -> list[Application]:
    """The challenger and moderators see every application; anyone else only their own."""
    actor = await load_actor(actor_id)
    challenge = await get_challenge(challenge_id, actor)
    condition: dict[str, Any] = {"challenge_id": challenge.id}
    if challenge.owner_id != actor.id and not actor.is_moderator:
        condition["solver_id"] = actor.id
    return await Application.find(condition).sort("created_at").to_list()


async def my_applications(actor_id: str) -> list[Application]:
    actor = await load_actor(actor_id)
    return await (Application.find({"solver_id": actor.id})
                  .sort([("created_at", SortDirection.DESCENDING),
                         ("_id", SortDirection.DESCENDING)]).limit(200).to_list())


async def _decide(deps: Deps, application: Application, challenge: Challenge,
                  target: ApplicationState) -> Application:
    ensure(APPLICATION, application.state, target, "application")
    decided = await update_where(
        Application, {"_id": application.id, "state": {"$in": sources(APPLICATION, target)}},
        {"$set": {"state": target, "decided_at": utcnow()}})
    if decided is None:
        raise Conflict("the application changed meanwhile; reload and try again")
    await deps.bus.publish(ApplicationDecided(
        application_id=decided.id, challenge_id=challenge.id, solver_id=decided.solver_id,
        owner_id=challenge.owner_id, state=decided.state))
    return decided


async def _application_for_owner(actor_id: str, application_id: str
                                 ) -> tuple[Application, Challenge]:
    actor = await load_actor(actor_id)
    application = await get_or_404(Application, application_id, "application")
    challenge = await get_or_404(Challenge, application.challenge_id, "challenge")
    if challenge.owner_id != actor.id:
        raise Forbidden("only the challenger decides on applications")
    return application, challenge


async def accept(deps: Deps, actor_id: str, application_id: str) -> Application:
    application, challenge = await _application_for_owner(actor_id, application_id)
    ensure(APPLICATION, application.state, ApplicationState.ACCEPTED, "application")
    # Claiming the challenge first is what makes exactly one of many concurrent accepts win.
    claimed = await update_where(
        Challenge, {"_id": challenge.id, "state": "open", "accepted_application_id": None},
        {"$set": {"state": ChallengeState.IN_PROGRESS, "accepted_application_id": application.id,
                  "solver_id": application.solver_id, "updated_at": utcnow()}})
    if claimed is None:
        raise Conflict("this challenge already has an accepted solver or is not open")
    try:
        accepted = await _decide(deps, application, claimed, ApplicationState.ACCEPTED)
    except Conflict:
        await update_where(
            Challenge, {"_id": challenge.id, "accepted_application_id": application.id,
                        "state": ChallengeState.IN_PROGRESS},
            {"$set": {"state": ChallengeState.OPEN, "accepted_application_id": None,
                      "solver_id": None, "updated_at": utcnow()}})
        raise
    await deps.bus.publish(ChallengeUpdated(challenge_id=claimed.id, state=claimed.state))
    others = await Application.find({"challenge_id": challenge.id, "state": "pending"}).to_list()
    for other in others:
        try:
            await _decide(deps, other, claimed, ApplicationState.REJECTED)
        except Conflict:
            continue  # withdrawn meanwhile: nothing to reject
    return accepted


async def reject(deps: Deps, actor_id: str, application_id: str) -> Application:
    application, challenge = await _application_for_owner(actor_id, application_id)
    return await _decide(deps, application, challenge, ApplicationState.REJECTED)


async def withdraw(deps: Deps, actor_id: str, application_id: str) -> Application:
    actor = await load_actor(actor_id)
    application = await get_or_404(Application, application_id, "application")
    if application.solver_id != actor.id:
        raise Forbidden("only the applicant can withdraw an application")
    challenge = await get_or_404(Challenge, application.challenge_id, "challenge")
    return await _decide(deps, application, challenge, ApplicationState.WITHDRAWN)
