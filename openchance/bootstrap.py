"""Builds the domain's collaborators once per process: the adapter behind each port."""

from __future__ import annotations

import secrets

from domain.adapters.login_attempts import build_login_attempts
from domain.adapters.offline_gateway import OfflineGateway
from domain.adapters.outbox_mailer import OutboxMailer
from domain.adapters.search_select import build_chat_model, build_embedder, build_search_index
from domain.adapters.stripe_signature import StripeSignatures
from domain.deps import Deps
from domain.events import EventBus
from domain.models.users import User
from domain.notifier import subscribe_notifier
from domain.passwords import make_hasher
from domain.ports import Mailer, PaymentGateway
from domain.services.matching import subscribe_search
from domain.services.offline_delivery import subscribe_offline_delivery
from openchance.settings import Settings


def _payment_gateway(settings: Settings, public_url: str) -> PaymentGateway:
    if not settings.stripe_secret_key:
        return OfflineGateway(public_url=public_url)
    from domain.adapters.stripe_gateway import StripeGateway
    from domain.services.payouts import payee_account_ref

    return StripeGateway(settings.stripe_secret_key, payee_account=payee_account_ref,
                         public_url=public_url, api_base=settings.stripe_api_base)


def _mailer(settings: Settings) -> Mailer:
    if not settings.smtp_url:
        return OutboxMailer()
    from domain.adapters.smtp_mailer import SmtpMailer

    return SmtpMailer(settings.smtp_url)


def build_deps(settings: Settings, gateway: PaymentGateway | None = None) -> Deps:
    public_url = settings.openchance_public_url or "http://127.0.0.1:8080"
    chosen = gateway or _payment_gateway(settings, public_url)
    deps = Deps(
        bus=EventBus(),
        gateway=chosen,
        signatures=StripeSignatures(),
        simulated_payments=isinstance(chosen, OfflineGateway),
        platform_fee_bps=settings.platform_fee_bps,
        auto_refund_days=settings.auto_refund_days,
        public_url=public_url,
        password_hasher=make_hasher(settings.password_hash_profile),
        login_attempts=build_login_attempts(settings.redis_url),
        # Without Stripe, the offline gateway signs its simulated events with a secret of
        # this process's own, so nothing outside it can forge a "payment".
        webhook_secret=settings.stripe_webhook_secret or (
            None if settings.stripe_secret_key else f"whsec_sim_{secrets.token_hex(24)}"),
        mailer=_mailer(settings),
    )
    User.moderators_need_2fa = settings.require_moderator_2fa
    deps.search, deps.embedder = build_search_index(settings), build_embedder(settings)
    deps.chat_model = build_chat_model(settings)
    subscribe_notifier(deps)  # the domain's own reaction to its events, in every process
    subscribe_offline_delivery(deps)
    subscribe_search(deps)
    return deps
