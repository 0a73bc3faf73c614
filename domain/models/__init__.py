"""Beanie documents of the domain, and the list that storage registers."""

from domain.models.challenges import Application, Challenge
from domain.models.chat import Conversation, Message, Notification
from domain.models.escrow import Escrow, PaymentOperation, Submission
from domain.models.social import AuditEntry, Community, Report, Review
from domain.models.users import AuthToken, LinkCode, PlatformIdentity, User

ALL_DOCUMENTS = (
    User, PlatformIdentity, AuthToken, LinkCode,
    Challenge, Application,
    Escrow, PaymentOperation, Submission,
    Review, Report, AuditEntry, Community,
    Conversation, Message, Notification,
)

__all__ = [d.__name__ for d in ALL_DOCUMENTS] + ["ALL_DOCUMENTS"]
