"""A payment-gateway stand-in that wraps a real one (offline or Stripe over HTTP) and can
delay every call and crash at each step of a movement, as a dying process would."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from domain.ports import Checkout, Movement, PaymentGateway


class Crash(BaseException):
    """Raised where the process dies. A BaseException, so no ``except Exception`` of the code
    under test can swallow it, as none could swallow a real crash."""


@dataclass
class FaultyGateway:
    inner: PaymentGateway
    latency: float = 0.0
    # "transfer" / "refund": crash before the call reaches the gateway (nothing moves) ...
    crash_before: set[str] = field(default_factory=set)
    # ... or after the gateway moved the money, before its answer is used.
    crash_after: set[str] = field(default_factory=set)
    # The gateway's read side is down: it cannot say what happened.
    reads_down: bool = False
    # (kind, idempotency key) of every money call that reached the gateway.
    calls: list[tuple[str, str]] = field(default_factory=list)

    async def _pause(self) -> None:
        if self.latency:
            await asyncio.sleep(self.latency)

    async def start_funding(self, **kwargs: Any) -> Checkout:
        await self._pause()
        return await self.inner.start_funding(**kwargs)

    async def _move(self, kind: str, kwargs: dict[str, Any]) -> str:
        await self._pause()
        if kind in self.crash_before:
            raise Crash(f"died before the {kind} call")
        self.calls.append((kind, kwargs["idempotency_key"]))
        method = self.inner.transfer if kind == "transfer" else self.inner.refund
        reference: str = await method(**kwargs)
        if kind in self.crash_after:
            raise Crash(f"died after the {kind} call")
        return reference

    async def transfer(self, **kwargs: Any) -> str:
        return await self._move("transfer", kwargs)

    async def refund(self, **kwargs: Any) -> str:
        return await self._move("refund", kwargs)

    async def create_payee_account(self, **kwargs: Any) -> str:
        return await self.inner.create_payee_account(**kwargs)

    async def create_onboarding_link(self, **kwargs: Any) -> str:
        return await self.inner.create_onboarding_link(**kwargs)

    async def escrow_of_payment(self, **kwargs: Any) -> str | None:
        return await self.inner.escrow_of_payment(**kwargs)

    async def movements(self, **kwargs: Any) -> list[Movement]:
        await self._pause()
        if self.reads_down:
            raise ConnectionError("the payment provider is unreachable")
        return await self.inner.movements(**kwargs)

    def heal(self) -> None:
        self.crash_before.clear()
        self.crash_after.clear()
        self.reads_down = False
