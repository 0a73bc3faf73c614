"""What we hold about a person: the export (JSON of all of it) and deleting the account.

Deleting keeps the user record as an anonymous "Deleted user", so conversations and reviews
still read sensibly for the people on the other side; everything that identifies the person
(email, password, second factor, chat accounts, sessions, inbox) goes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from beanie import Document

from domain.deps import Deps
from domain.errors import Conflict, DomainError, ValidationFailed
from domain.models.account_tokens import AccountToken
from domain.models.alerts import NotificationPreferences, PendingAlert
from domain.models.challenges import Application, ApplicationState, Challenge, ChallengeState
from domain.models.chat import Conversation, Message, Notification
from domain.models.common import utcnow
from domain.models.escrow import Escrow, EscrowState
from domain.models.payouts import PayoutAccount
from domain.models.social import Report, Review
from domain.models.users import AuthToken, LinkCode, PlatformIdentity, User
from domain.passwords import verify_password
from domain.services import applications, challenges
from domain.services.account_inputs import PasswordConfirmInput
from domain.services.common import load_actor, parse, update_where
from domain.services.notification_preferences import preferences

DELETED_NAME = "Deleted user"
# Secrets are never exported: they prove nothing to the person and would help an attacker.
_SECRET_FIELDS = {"password_hash", "totp_secret", "totp_pending_secret",
                  "recovery_code_hashes", "token_hash", "code_hash", "idempotency_key"}
_HOLDING = (EscrowState.FUNDED, EscrowState.PARTIALLY_RELEASED, EscrowState.DISPUTED)


def _plain(doc: Document) -> dict[str, Any]:
    return {k: v for k, v in doc.model_dump(mode="json", by_alias=False).items()
            if k not in _SECRET_FIELDS}


async def _all(model: type[Document], condition: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [_plain(d) for d in await model.find(dict(condition)).to_list()]


async def export(actor_id: str) -> dict[str, Any]:
    user = await load_actor(actor_id)
    me = user.id
    conversations = await Conversation.find({"participant_ids": me}).to_list()
    return {
        "exported_at": utcnow().isoformat(),
        "user": _plain(user) | {"two_factor_enabled": user.two_factor_enabled},
        "identities": await _all(PlatformIdentity, {"user_id": me}),
        "sessions": await _all(AuthToken, {"user_id": me}),
        "notification_preferences": await preferences(me),
        "challenges": await _all(Challenge, {"owner_id": me}),
        "applications": await _all(Application, {"solver_id": me}),
        "escrows": await _all(Escrow, await _escrow_condition(me)),
        "payout_accounts": await _all(PayoutAccount, {"user_id": me}),
        "conversations": [_plain(c) for c in conversations],
        "messages_sent": await _all(Message, {"sender_id": me}),
        "notifications": await _all(Notification, {"user_id": me}),
        "reviews_written": await _all(Review, {"author_id": me}),
        "reviews_received": await _all(Review, {"subject_id": me}),
        "reports_filed": await _all(Report, {"reporter_id": me}),
    }


async def _escrow_condition(user_id: str) -> dict[str, Any]:
    """Escrows of challenges the person posted or works on (the solver is on the challenge)."""
    mine = await Challenge.find({"$or": [{"owner_id": user_id}, {"solver_id": user_id}]}
                                ).to_list()
    return {"$or": [{"payer_id": user_id}, {"payee_id": user_id},
                    {"challenge_id": {"$in": [c.id for c in mine]}}]}


async def _money_held(user_id: str) -> Escrow | None:
    """An escrow that holds money for the person, or whose payment has started."""
    return await Escrow.find_one({"$and": [
        await _escrow_condition(user_id),
        {"$or": [{"state": {"$in": list(_HOLDING)}},
                 {"state": EscrowState.AWAITING_FUNDING, "checkout_reference": {"$ne": None}}]},
    ]})


async def _close_open_work(deps: Deps, user_id: str) -> None:
    """Cancel the person's challenges nobody works on, withdraw their pending applications."""
    for challenge in await Challenge.find({"owner_id": user_id, "state": {
            "$in": [ChallengeState.DRAFT, ChallengeState.OPEN]}}).to_list():
        try:
            await challenges.cancel_challenge(deps, user_id, challenge.id)
        except DomainError:
            pass  # changed meanwhile (e.g. an escrow started): the money check decides
    for application in await Application.find({"solver_id": user_id,
                                               "state": ApplicationState.PENDING}).to_list():
        try:
            await applications.withdraw(deps, user_id, application.id)
        except DomainError:
            pass


async def delete_account(deps: Deps, actor_id: str, data: Mapping[str, Any]) -> None:
    user = await load_actor(actor_id)
    form = parse(PasswordConfirmInput, data)
    if user.password_hash is None or not await verify_password(
            deps.password_hasher, user.password_hash, form.password):
        raise ValidationFailed("wrong password", fields={"password": "wrong password"})
    held = await _money_held(user.id)
    if held is not None:
        raise Conflict("money is still held in escrow for one of your challenges "
                       f"({held.challenge_id}); release or refund it before deleting",
                       challenge_id=held.challenge_id)
    await _close_open_work(deps, user.id)
    anonymised = await update_where(User, {"_id": user.id, "deleted_at": None}, {"$set": {
        "email": None, "password_hash": None, "email_verified": False,
        "display_name": DELETED_NAME, "bio": "", "skills": [], "totp_secret": None,
        "totp_pending_secret": None, "recovery_code_hashes": [], "deleted_at": utcnow()}})
    if anonymised is None:
        raise Conflict("this account is already deleted")
    me = user.id
    for model, condition in ((AuthToken, {"user_id": me}), (PlatformIdentity, {"user_id": me}),
                             (AccountToken, {"user_id": me}), (LinkCode, {"user_id": me}),
                             (Notification, {"user_id": me}), (PendingAlert, {"user_id": me}),
                             (NotificationPreferences, {"_id": me})):
        await model.find(condition).delete()
