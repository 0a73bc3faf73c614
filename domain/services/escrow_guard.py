"""Refuse to hold real money on a store that forgets it."""

from __future__ import annotations


def ephemeral_money_refusal(*, real_payments: bool, durable_store: bool,
                            allow_ephemeral_money: bool) -> str | None:
    """Why ``serve`` must not start, or None. With a Stripe key the payments are real (test
    mode included: they live in a Stripe account), while the in-memory store loses every
    escrow, ledger and idempotency record on exit: Stripe would keep money no record
    explains, and a retried call could no longer be recognised as a retry."""
    if not real_payments or durable_store or allow_ephemeral_money:
        return None
    return ("Refusing to start: STRIPE_SECRET_KEY is set but MONGODB_URL is not, so escrows, "
            "ledgers and idempotency records would live only in this process's memory and be "
            "lost on exit while Stripe keeps the money. Set MONGODB_URL, or unset "
            "STRIPE_SECRET_KEY for simulated payments, or pass --allow-ephemeral-money if you "
            "accept losing those records (a throw-away test-mode run).")
