"""What the API answers (and the few inputs the domain takes as plain arguments).

The response models decide which fields of a document leave the server: a field that is not
here (password_hash, token hashes, internal sort keys) is never rendered. They also feed the
OpenAPI document, so the description and the answers cannot drift apart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from domain.models.challenges import ApplicationState, ChallengeState, Difficulty, Visibility
from domain.models.chat import ConversationKind
from domain.models.social import ReportState, ReportTarget
from domain.models.users import Role
from domain.services.inputs import StrictInput, Text


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ErrorBody(Out):
    code: str
    message: str
    fields: dict[str, str] | None = None


class ErrorOut(Out):
    error: ErrorBody


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


class AuthOut(Out):
    token: str
    user: UserPrivate


class LinkCodeOut(Out):
    code: str = Field(description="send `/link CODE` to a bot within 15 minutes")


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


class ChallengePage(Out):
    items: list[ChallengeOut]
    next_cursor: str | None


class ApplicationOut(Out):
    id: str
    challenge_id: str
    solver_id: str
    proposal: str
    state: ApplicationState
    created_at: datetime
    decided_at: datetime | None


class ApplicationList(Out):
    items: list[ApplicationOut]


class ReportOut(Out):
    id: str
    reporter_id: str
    target_type: ReportTarget
    target_id: str
    reason: str
    state: ReportState
    created_at: datetime


class ReportList(Out):
    items: list[ReportOut]


class ConversationOut(Out):
    id: str
    kind: ConversationKind
    participant_ids: list[str]
    subject_id: str | None
    last_seq: int
    unread: int = 0
    created_at: datetime
    updated_at: datetime


class ConversationList(Out):
    items: list[ConversationOut]


class MessageOut(Out):
    id: str
    conversation_id: str
    seq: int
    sender_id: str
    body: str
    client_id: str
    created_at: datetime


class MessageList(Out):
    items: list[MessageOut]


class NotificationOut(Out):
    id: str
    kind: str
    text: str
    data: dict[str, Any]
    read: bool
    created_at: datetime


class NotificationList(Out):
    items: list[NotificationOut]


class MarkedOut(Out):
    marked: int = Field(description="how many notifications changed from unread to read")


class OkOut(Out):
    ok: bool


# ---- inputs the services take as plain arguments (parsed here, at the edge) --------------

class NotificationsReadInput(StrictInput):
    ids: Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]],
                   Field(min_length=1, max_length=200)]


class RemoveInput(StrictInput):
    reason: Text(500) = "removed by a moderator"


class HistoryQuery(StrictInput):
    after_seq: Annotated[int, Field(ge=0, le=2**53)] = 0
    limit: Annotated[int, Field(ge=1, le=500)] = 100


class InboxQuery(StrictInput):
    unread_only: bool = False
    limit: Annotated[int, Field(ge=1, le=200)] = 50


class ReportsQuery(StrictInput):
    state: ReportState = ReportState.OPEN


def render(model: type[Out], obj: Any, **extra: Any) -> dict[str, Any]:
    """``obj`` (a document, or anything with those attributes) as JSON-ready data of ``model``."""
    if extra:
        data = {name: getattr(obj, name) for name in model.model_fields if name not in extra}
        validated = model.model_validate({**data, **extra}, from_attributes=True)
        return validated.model_dump(mode="json")
    return model.model_validate(obj, from_attributes=True).model_dump(mode="json")


def render_list(model: type[Out], objs: list[Any]) -> dict[str, Any]:
    return {"items": [render(model, obj) for obj in objs]}
