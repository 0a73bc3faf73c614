"""The collaborators every service receives, built once per process by the composition root
(openchance/bootstrap.py), which picks the adapters behind each port."""

from __future__ import annotations

from dataclasses import dataclass, field

from argon2 import PasswordHasher

from domain.events import EventBus
from domain.ports import (
    ChatModel,
    Embedder,
    LoginAttempts,
    Mailer,
    PaymentGateway,
    Presence,
    SearchIndex,
    WebhookSignatures,
)


@dataclass
class Deps:
    bus: EventBus
    gateway: PaymentGateway
    signatures: WebhookSignatures
    # True when ``gateway`` is the offline one whose checkout pages say "simulated".
    simulated_payments: bool = False
    platform_fee_bps: int = 0
    auto_refund_days: int = 14
    public_url: str = "http://127.0.0.1:8080"
    # Secret that signs the payment provider's webhooks (Stripe's, or the offline gateway's own).
    webhook_secret: str | None = None
    password_hasher: PasswordHasher = field(default_factory=PasswordHasher)
    # Accounts and offline delivery (issue 15): SMTP or the store's outbox; who is online.
    mailer: Mailer | None = None
    presence: Presence | None = None
    extras: dict[str, object] = field(default_factory=dict)
    # Failed sign-ins per account (None: no per-account throttling).
    login_attempts: LoginAttempts | None = None
    # Search and matching (issue 14); bootstrap always sets ``search`` and ``embedder``.
    search: SearchIndex | None = None
    embedder: Embedder | None = None
    chat_model: ChatModel | None = None  # None: the posting assist uses its heuristic
