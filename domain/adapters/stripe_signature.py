"""Stripe webhook signatures (``Stripe-Signature: t=...,v1=...``), by the stripe SDK's own code.

The offline gateway signs its simulated events with the same scheme, so one verification path
serves real Stripe, the Stripe CLI's forwarding and the embedded checkout page.
"""

from __future__ import annotations

import json
import time
from typing import Any

import stripe

from domain.ports import BadSignature

DEFAULT_TOLERANCE_SECONDS = 300


__all__ = ["BadSignature", "StripeSignatures", "sign", "verify"]


def verify(payload: bytes, header: str | None, secret: str,
           tolerance: int = DEFAULT_TOLERANCE_SECONDS) -> dict[str, Any]:
    """Check the signature (and its timestamp) and return the decoded event. ``secret`` may
    list several secrets separated by commas: Stripe signs the platform's endpoint and the
    Connect endpoint (events of connected accounts) with different ones."""
    problem = "no webhook secret is configured"
    for candidate in (s.strip() for s in secret.split(",") if s.strip()):
        try:
            stripe.WebhookSignature.verify_header(payload, header, candidate, tolerance)
            break
        except stripe.SignatureVerificationError as exc:
            problem = str(exc).split(".")[0]
    else:
        raise BadSignature(problem)
    try:
        event = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        raise BadSignature("the payload is not JSON") from None
    if not isinstance(event, dict):
        raise BadSignature("the payload is not an event object")
    return event


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header for ``payload``."""
    header: str = stripe.WebhookSignature.generate_signature_header(
        payload, secret, timestamp=timestamp if timestamp is not None else int(time.time()))
    return header


class StripeSignatures:
    """``verify`` and ``sign`` as the domain's WebhookSignatures port."""

    def verify(self, payload: bytes, header: str | None, secret: str) -> dict[str, Any]:
        return verify(payload, header, secret)

    def sign(self, payload: str, secret: str, timestamp: int | None = None) -> str:
        return sign(payload, secret, timestamp)
