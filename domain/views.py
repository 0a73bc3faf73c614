"""The public shape of domain objects: what leaves the server, on every interface.

The HTTP API, the Socket.IO pushes and the bots render through these models, so a challenge,
a message or an escrow looks the same whichever way it reaches a client. A field that is not
here (password_hash, token hashes, internal sort keys, other people's read positions) is never
rendered. The HTTP API's OpenAPI document is generated from them too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from domain.models.challenges import ApplicationState, ChallengeState, Difficulty, Visibility
from domain.models.chat import ConversationKind
from domain.models.escrow import Escrow, EscrowState, LedgerKind, MilestoneState
from domain.models.social import ReportState, ReportTarget
from domain.models.users import Role


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class MoneyOut(Out):
    amount: int = Field(description="minor units (cents)")
    currency: str = Field(description="lower-case ISO 4217 code")


class ReputationOut(Out):
    average: float
    count: int


class UserPublic(Out):
    id: str
    display_name: str
    bio: str
    skills: list[str]
    role: Role
    reputation: ReputationOut
    created_at: datetime


class UserPrivate(UserPublic):
    """The signed-in user's own profile."""

    email: str | None
    banned: bool
    ban_reason: str | None
    email_verified: bool = False
    two_factor_enabled: bool = False
    locale: str = "en"


class ModeratedUserOut(UserPublic):
    """A user as moderators see one after a ban or unban."""

    banned: bool
    ban_reason: str | None


class ReviewOut(Out):
    id: str
    challenge_id: str
    author_id: str
    subject_id: str
    rating: int
    text: str
    created_at: datetime


class ProfileOut(UserPublic):
    """A public profile: reputation and the latest reviews received."""

    reviews: list[ReviewOut]


class MilestoneOut(Out):
    title: str
    amount: int


class ChallengeOut(Out):
    id: str
    owner_id: str
    title: str
    description: str
    category: str
    tags: list[str]
    difficulty: Difficulty
    reward: MoneyOut
    milestones: list[MilestoneOut]
    deadline: datetime | None
    visibility: Visibility
    community_id: str | None
    state: ChallengeState
    accepted_application_id: str | None
    solver_id: str | None
    application_count: int
    created_at: datetime
    updated_at: datetime


class ApplicationOut(Out):
    id: str
    challenge_id: str
    solver_id: str
    proposal: str
    state: ApplicationState
    created_at: datetime
    decided_at: datetime | None


class ReportOut(Out):
    id: str
    reporter_id: str
    target_type: ReportTarget
    target_id: str
    reason: str
    state: ReportState
    created_at: datetime


class ConversationOut(Out):
    id: str
    kind: ConversationKind
    participant_ids: list[str]
    subject_id: str | None
    last_seq: int
    unread: int = 0
    created_at: datetime
    updated_at: datetime


class MessageOut(Out):
    id: str
    conversation_id: str
    seq: int
    sender_id: str
    body: str
    client_id: str
    created_at: datetime


class NotificationOut(Out):
    id: str
    kind: str
    text: str
    data: dict[str, Any]
    read: bool
    created_at: datetime


def render(model: type[Out], obj: Any, **extra: Any) -> dict[str, Any]:
    """``obj`` (a document, or anything with those attributes) as JSON-ready data of ``model``."""
    if extra:
        data = {name: getattr(obj, name) for name in model.model_fields if name not in extra}
        validated = model.model_validate({**data, **extra}, from_attributes=True)
        return validated.model_dump(mode="json")
    if isinstance(obj, BaseModel):
        # A model holds its fields in __dict__; read there, a listing page does not pay a
        # (Beanie document's) attribute lookup per field. Anything else (properties) is read
        # as attributes. What model_validate and model_dump call, without their wrappers:
        # this runs for every item of a page and every chat message.
        values = obj.__dict__
        fields = model.model_fields
        if fields.keys() <= values.keys():
            data = {name: values[name] for name in fields}
            validated = model.__pydantic_validator__.validate_python(data, from_attributes=True)
            return model.__pydantic_serializer__.to_python(  # type: ignore[no-any-return]
                validated, mode="json")
    return model.model_validate(obj, from_attributes=True).model_dump(mode="json")


def render_list(model: type[Out], objs: list[Any]) -> dict[str, Any]:
    return {"items": [render(model, obj) for obj in objs]}


class EscrowMilestoneOut(Out):
    n: int = Field(description="numbered from 1, in the order the challenge gave")
    title: str
    amount: int
    state: MilestoneState
    note: str | None
    submitted_at: datetime | None
    released_at: datetime | None


class LedgerEntryOut(Out):
    kind: LedgerKind
    amount: int
    fee: int = Field(description="of a release: the platform fee kept from it")
    milestone: int | None
    reference: str | None = Field(description="the payment provider's id for this movement")
    at: datetime


class DisputeOut(Out):
    opened_by: str
    reason: str
    opened_at: datetime
    card_dispute: bool
    resolved_by: str | None
    resolution: dict[str, int] | None


class EscrowOut(Out):
    id: str
    challenge_id: str
    payer_id: str
    payee_id: str | None
    amount: MoneyOut
    held: MoneyOut = Field(description="what the platform still holds, by the ledger")
    state: EscrowState
    milestones: list[EscrowMilestoneOut]
    ledger: list[LedgerEntryOut]
    dispute: DisputeOut | None
    created_at: datetime
    updated_at: datetime


class SessionOut(Out):
    """One signed-in device; ``current`` is the session making the request."""

    id: str
    device: str
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime | None
    current: bool = False


class AuditEntryOut(Out):
    id: str
    actor_id: str = Field(description='a user id, or "console" for the command line')
    action: str
    target_type: str
    target_id: str
    details: dict[str, Any]
    at: datetime


class PayoutAccountOut(Out):
    account_ref: str | None
    payouts_enabled: bool
    details_submitted: bool


def render_escrow(escrow: Escrow) -> dict[str, Any]:
    money = {"currency": escrow.currency}
    data = EscrowOut.model_validate({
        **{name: getattr(escrow, name) for name in EscrowOut.model_fields
           if name not in ("amount", "held", "milestones", "ledger", "dispute")},
        "amount": {**money, "amount": escrow.amount},
        "held": {**money, "amount": escrow.held},
        "milestones": [m.model_dump() for m in escrow.milestones],
        "ledger": [e.model_dump() for e in escrow.ledger],
        "dispute": escrow.dispute.model_dump() if escrow.dispute else None,
    })
    return data.model_dump(mode="json")


# ---- shorthands for the objects the live interfaces push ------------------------------------

def render_message(message: Any) -> dict[str, Any]:
    return render(MessageOut, message)


def render_conversation(conversation: Any, viewer_id: str) -> dict[str, Any]:
    """A conversation as ``viewer_id`` sees it: with their own unread count only."""
    unread = max(0, conversation.last_seq - conversation.read_seqs.get(viewer_id, 0))
    return render(ConversationOut, conversation, unread=unread)


def render_notification(notification: Any) -> dict[str, Any]:
    return render(NotificationOut, notification)


def render_challenge(challenge: Any) -> dict[str, Any]:
    return render(ChallengeOut, challenge)
