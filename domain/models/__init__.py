"""Beanie documents of the domain, and the list that storage registers."""

from domain.models.account_tokens import AccountToken
from domain.models.alerts import NotificationPreferences, PendingAlert
from domain.models.announcements import Announcement
from domain.models.base import cheap_private_defaults
from domain.models.challenges import Application, Challenge
from domain.models.chat import Conversation, Message, Notification
from domain.models.escrow import Escrow, Submission
from domain.models.installations import OAuthState, PlatformInstallation
from domain.models.mail import OutboxMail
from domain.models.matching import MatchAlerts, MatchVector
from domain.models.outbox import OutboxEntry
from domain.models.payment_events import StripeEvent
from domain.models.payment_operations import MoneyFlag, PaymentOperation
from domain.models.payouts import PayoutAccount
from domain.models.receipts import DeliveryReceipt
from domain.models.social import AuditEntry, Community, Report, Review
from domain.models.users import AuthToken, LinkCode, PlatformIdentity, User

ALL_DOCUMENTS = (
    User, PlatformIdentity, AuthToken, LinkCode,
    Challenge, Application,
    Escrow, PaymentOperation, MoneyFlag, Submission, StripeEvent, PayoutAccount,
    Review, Report, AuditEntry, Community,
    Conversation, Message, Notification,
    Announcement, DeliveryReceipt, OutboxEntry,
    AccountToken, OutboxMail, NotificationPreferences, PendingAlert,
    MatchVector, MatchAlerts,
    PlatformInstallation, OAuthState,
)

__all__ = [d.__name__ for d in ALL_DOCUMENTS] + ["ALL_DOCUMENTS"]

cheap_private_defaults(ALL_DOCUMENTS)
