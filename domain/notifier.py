"""Turns domain events into inbox notifications for the people they concern.

It runs in the process where the event happened, right after the state change (the same
place, and the same crash window, as appending the event to the durable log), so a reader of
the inbox sees the notification as soon as the action's answer. Delivering a notification
(sockets, bot DMs, mail) is what goes through the durable log, as ``NotificationCreated``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.deps import Deps
from domain.events import (
    ApplicationDecided,
    ApplicationSubmitted,
    ChallengeExpired,
    DeadlineApproaching,
    DisputeOpened,
    DisputeResolved,
    EscrowFunded,
    EscrowRefunded,
    Event,
    MilestoneReleased,
    MilestoneSubmitted,
    ReviewPosted,
)
from domain.models.challenges import Challenge
from domain.models.notification_kind import NotificationKind as Kind
from domain.services.notifications import notify

Note = tuple[str, Kind, str, dict[str, Any]]  # recipient, kind, text ({title} filled in), data


def _escrow_data(event: Any) -> dict[str, Any]:
    return {"challenge_id": event.challenge_id, "escrow_id": event.escrow_id}


def _to_participants(event: Any, kind: Kind, text: str) -> list[Note]:
    return [(user_id, kind, text, _escrow_data(event)) for user_id in event.participant_ids]


def _application(event: ApplicationSubmitted) -> list[Note]:
    return [(event.owner_id, Kind.APPLICATION_RECEIVED, "New application on “{title}”.",
             {"challenge_id": event.challenge_id, "application_id": event.application_id})]


def _decision(event: ApplicationDecided) -> list[Note]:
    data = {"challenge_id": event.challenge_id, "application_id": event.application_id}
    if event.state == "withdrawn":
        return [(event.owner_id, Kind.APPLICATION_WITHDRAWN,
                 "An applicant withdrew from “{title}”.", data)]
    kind = Kind.APPLICATION_ACCEPTED if event.state == "accepted" else Kind.APPLICATION_REJECTED
    return [(event.solver_id, kind, f"Your application to “{{title}}” was {event.state}.", data)]


def _submitted(event: MilestoneSubmitted) -> list[Note]:
    return [(event.owner_id, Kind.MILESTONE_SUBMITTED,
             f"Milestone {event.milestone} of “{{title}}” was submitted for review.",
             {"challenge_id": event.challenge_id, "milestone": event.milestone})]


def _review(event: ReviewPosted) -> list[Note]:
    return [(event.subject_id, Kind.REVIEW_RECEIVED, "You were reviewed for “{title}”.",
             {"challenge_id": event.challenge_id, "review_id": event.review_id})]


def _expired(event: ChallengeExpired) -> list[Note]:
    text = "“{title}” passed its deadline with no accepted solver and was closed."
    if event.refunded:
        text += " The escrow was refunded."
    return [(event.owner_id, Kind.CHALLENGE_EXPIRED, text,
             {"challenge_id": event.challenge_id})]


def _reminder(event: DeadlineApproaching) -> list[Note]:
    return [(user_id, Kind.DEADLINE_REMINDER, "“{title}” reaches its deadline within 24 hours.",
             {"challenge_id": event.challenge_id, "deadline": event.deadline})
            for user_id in event.recipient_ids]


NOTES: dict[type[Event], Callable[[Any], list[Note]]] = {
    ApplicationSubmitted: _application,
    ApplicationDecided: _decision,
    MilestoneSubmitted: _submitted,
    ReviewPosted: _review,
    ChallengeExpired: _expired,
    DeadlineApproaching: _reminder,
    EscrowFunded: lambda e: _to_participants(e, Kind.ESCROW_FUNDED,
                                             "The escrow for “{title}” is funded."),
    MilestoneReleased: lambda e: _to_participants(
        e, Kind.ESCROW_RELEASED, f"Milestone {e.milestone} of “{{title}}” was released."),
    EscrowRefunded: lambda e: _to_participants(e, Kind.ESCROW_REFUNDED,
                                               "The escrow for “{title}” was refunded."),
    DisputeOpened: lambda e: _to_participants(
        e, Kind.ESCROW_DISPUTED, "A dispute was opened on “{title}”; the escrow is frozen."),
    DisputeResolved: lambda e: _to_participants(
        e, Kind.ESCROW_RESOLVED, "A moderator resolved the dispute on “{title}”."),
}


async def _title(challenge_id: str) -> str:
    challenge = await Challenge.get(challenge_id)
    return challenge.title if challenge else "a challenge"


async def notify_about(deps: Deps, event: Event, key: str | None = None) -> None:
    """Create the notifications ``event`` calls for. With ``key`` (a job that may run again,
    naming this occurrence of the event), each notification is created once."""
    notes = NOTES.get(type(event), lambda _: [])(event)
    if not notes:
        return
    title = await _title(notes[0][3]["challenge_id"])
    for recipient, kind, text, data in notes:
        await notify(deps, recipient, kind, text.replace("{title}", title), data,
                     dedupe_key=f"{key}:{recipient}:{kind}" if key else None)


def subscribe_notifier(deps: Deps) -> None:
    async def on_event(event: Event) -> None:
        await notify_about(deps, event)

    for event_type in NOTES:
        deps.bus.subscribe(event_type, on_event)
