"""Reviews: after completion, each side rates the other once; reputation follows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo.errors import DuplicateKeyError

from domain.deps import Deps
from domain.errors import Conflict, Forbidden
from domain.events import ReviewPosted
from domain.models.challenges import ChallengeState
from domain.models.social import Review
from domain.models.users import User
from domain.services import challenges as challenge_service
from domain.services.common import load_actor, parse, update_where
from domain.services.inputs import ReviewInput


async def post_review(deps: Deps, actor_id: str, challenge_id: str,
                      data: Mapping[str, Any]) -> Review:
    actor = await load_actor(actor_id)
    form = parse(ReviewInput, data)
    challenge = await challenge_service.get_challenge(challenge_id, actor)
    if actor.id == challenge.owner_id:
        subject_id = challenge.solver_id
    elif actor.id == challenge.solver_id:
        subject_id = challenge.owner_id
    else:
        raise Forbidden("only the challenger and the accepted solver review each other")
    if challenge.state != ChallengeState.COMPLETED or subject_id is None:
        raise Conflict(f"reviews open once the challenge is completed; it is {challenge.state}")
    review = Review(challenge_id=challenge.id, author_id=actor.id, subject_id=subject_id,
                    rating=form.rating, text=form.text)
    try:
        await review.insert()
    except DuplicateKeyError:
        raise Conflict("you have already reviewed this challenge") from None
    await update_where(User, {"_id": subject_id},
                       {"$inc": {"rating_sum": form.rating, "rating_count": 1}})
    await deps.bus.publish(ReviewPosted(review_id=review.id, challenge_id=challenge.id,
                                        author_id=actor.id, subject_id=subject_id))
    return review


async def reviews_of_challenge(challenge_id: str) -> list[Review]:
    return await Review.find({"challenge_id": challenge_id}).sort("created_at").to_list()
