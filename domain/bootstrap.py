"""Builds the domain's collaborators once per process, from the settings."""

from __future__ import annotations

from domain.adapters.offline_gateway import OfflineGateway
from domain.deps import Deps
from domain.events import EventBus
from domain.notifier import subscribe_notifier
from domain.ports import PaymentGateway
from domain.settings import Settings


def build_deps(settings: Settings, gateway: PaymentGateway | None = None) -> Deps:
    public_url = settings.openchance_public_url or "http://127.0.0.1:8080"
    deps = Deps(
        bus=EventBus(),
        gateway=gateway or OfflineGateway(public_url=public_url),
        platform_fee_bps=settings.platform_fee_bps,
        auto_refund_days=settings.auto_refund_days,
        public_url=public_url,
    )
    subscribe_notifier(deps)
    return deps
