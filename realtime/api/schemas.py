"""What the HTTP API answers beyond the domain's views (errors, pages, tokens), and the few
inputs the domain takes as plain arguments. Objects render through ``domain.views``, which every
interface shares; these models also feed the OpenAPI document."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from domain.models.social import ReportState
from domain.services.inputs import StrictInput, Text
from domain.views import (
    ApplicationOut,
    ChallengeOut,
    ConversationOut,
    MessageOut,
    NotificationOut,
    Out,
    ReportOut,
    UserPrivate,
)


class ErrorBody(Out):
    code: str
    message: str
    fields: dict[str, str] | None = None


class ErrorOut(Out):
    error: ErrorBody


class AuthOut(Out):
    token: str
    user: UserPrivate


class LinkCodeOut(Out):
    code: str = Field(description="send `/link CODE` to a bot within 15 minutes")


class ChallengePage(Out):
    items: list[ChallengeOut]
    next_cursor: str | None
    # Only when searching for words (q):
    found: int | None = Field(None, description="how many challenges the search matched")
    facets: dict[str, dict[str, int]] | None = Field(
        None, description="field -> value -> count: category, tags, difficulty, currency")
    highlights: dict[str, dict[str, str]] | None = Field(
        None, description="challenge id -> field -> text with <mark>matches</mark>")


class ApplicationList(Out):
    items: list[ApplicationOut]


class ReportList(Out):
    items: list[ReportOut]


class ConversationList(Out):
    items: list[ConversationOut]


class MessageList(Out):
    items: list[MessageOut]


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


