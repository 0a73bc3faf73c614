"""Turns domain events into inbox notifications for the people they concern."""

from __future__ import annotations

from domain.deps import Deps
from domain.events import (
    ApplicationDecided,
    ApplicationSubmitted,
    EscrowChanged,
    MilestoneSubmitted,
    ReviewPosted,
)
from domain.models.challenges import Challenge
from domain.services.notifications import notify

_ESCROW_TEXT = {
    "funded": "The escrow for “{title}” is funded.",
    "refunded": "The escrow for “{title}” was refunded.",
    "disputed": "A dispute was opened on “{title}”; the escrow is frozen.",
    "resolved": "A moderator resolved the dispute on “{title}”.",
}


async def _title(challenge_id: str) -> str:
    challenge = await Challenge.get(challenge_id)
    return challenge.title if challenge else "a challenge"


def subscribe_notifier(deps: Deps) -> None:
    bus = deps.bus

    async def on_application(event: ApplicationSubmitted) -> None:
        title = await _title(event.challenge_id)
        await notify(deps, event.owner_id, "application.received",
                     f"New application on “{title}”.",
                     {"challenge_id": event.challenge_id, "application_id": event.application_id})

    async def on_decision(event: ApplicationDecided) -> None:
        if event.state == "withdrawn":
            recipient, text = event.owner_id, "An applicant withdrew from “{title}”."
        else:
            recipient, text = event.solver_id, "Your application to “{title}” was {state}."
        title = await _title(event.challenge_id)
        await notify(deps, recipient, f"application.{event.state}",
                     text.format(title=title, state=event.state),
                     {"challenge_id": event.challenge_id, "application_id": event.application_id})

    async def on_escrow(event: EscrowChanged) -> None:
        title = await _title(event.challenge_id)
        if event.change.startswith("released:"):
            text = f"Milestone {event.change.split(':')[1]} of “{title}” was released."
        elif event.change in _ESCROW_TEXT:
            text = _ESCROW_TEXT[event.change].format(title=title)
        else:
            return
        for user_id in event.participant_ids:
            await notify(deps, user_id, f"escrow.{event.change.split(':')[0]}", text,
                         {"challenge_id": event.challenge_id, "escrow_id": event.escrow_id})

    async def on_submission(event: MilestoneSubmitted) -> None:
        title = await _title(event.challenge_id)
        await notify(deps, event.owner_id, "milestone.submitted",
                     f"Milestone {event.milestone} of “{title}” was submitted for review.",
                     {"challenge_id": event.challenge_id, "milestone": event.milestone})

    async def on_review(event: ReviewPosted) -> None:
        title = await _title(event.challenge_id)
        await notify(deps, event.subject_id, "review.received",
                     f"You were reviewed for “{title}”.",
                     {"challenge_id": event.challenge_id, "review_id": event.review_id})

    bus.subscribe(ApplicationSubmitted, on_application)
    bus.subscribe(ApplicationDecided, on_decision)
    bus.subscribe(EscrowChanged, on_escrow)
    bus.subscribe(MilestoneSubmitted, on_submission)
    bus.subscribe(ReviewPosted, on_review)
