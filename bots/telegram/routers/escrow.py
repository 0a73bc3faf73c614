"""/fund, /release, /refund (each behind a confirm button) and /submit. The first press shows
what will happen and reads the amounts from the domain; only the confirm button moves money."""

from __future__ import annotations

from html import escape
from urllib.parse import urlparse

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bots.telegram.args import number_or_text, rest_after, words
from bots.telegram.callbacks import CancelCb, MoneyCb
from bots.telegram.render import confirm_buttons, escrow_text, money, release_buttons
from bots.telegram.texts import UsageError
from domain.deps import Deps
from domain.models.escrow import Escrow
from domain.models.users import User
from domain.services import challenges, escrow, escrow_settlement
from domain.services.escrow_core import milestone_index

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}


async def fund_command(message: Message, command: CommandObject, actor: User) -> None:
    challenge_id = words(command, "fund", 1, "The challenge ID")[0]
    challenge = await challenges.get_challenge(challenge_id, actor)
    amount = money(challenge.reward.amount, challenge.reward.currency)
    await message.answer(
        f"Fund <b>{escape(challenge.title)}</b>: you pay {amount} into escrow. It is held by "
        "the platform and paid to the solver only when you release milestones.",
        reply_markup=confirm_buttons("fund", challenge.id, f"Fund {amount}"))


def _pay_button(url: str, label: str) -> InlineKeyboardMarkup | None:
    # Telegram refuses URL buttons to local addresses; the link in the text still works there.
    if (urlparse(url).hostname or "") in LOCAL_HOSTS:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=label, url=url)]])


async def fund_confirmed(query: CallbackQuery, callback_data: MoneyCb, deps: Deps,
                         actor: User) -> None:
    assert isinstance(query.message, Message)
    held, checkout_url = await escrow.start_funding(deps, actor.id, callback_data.challenge_id)
    label = f"Pay {money(held.amount, held.currency)}"
    simulated = " (simulated payment)" if "/simulated-checkout/" in checkout_url else ""
    await query.answer()
    await query.message.edit_text(
        f"💳 {label}{simulated}: <a href=\"{escape(checkout_url)}\">{escape(checkout_url)}</a>\n"
        "You will get a message here once the payment is confirmed.",
        reply_markup=_pay_button(checkout_url, label))


async def release_command(message: Message, command: CommandObject, actor: User) -> None:
    parts = words(command, "release", 1, "The challenge ID")
    held = await escrow.get_escrow(actor.id, parts[0])
    if len(parts) == 1:
        await message.answer(escrow_text(held) + "\n\nWhich milestone do you release?",
                             reply_markup=release_buttons(held, held.challenge_id))
        return
    n = number_or_text(parts[1])
    if not isinstance(n, int):
        raise UsageError("release", f"“{escape(parts[1])}” is not a milestone number.")
    await _ask_release(message, held.challenge_id, n, held)


async def _ask_release(message: Message, challenge_id: str, n: int, held: Escrow) -> None:
    milestone = next((m for m in held.milestones if m.n == n), None)
    if milestone is None:
        # Let the domain say it: the same words as every other interface.
        milestone_index(held, n)
        return
    amount = money(milestone.amount, held.currency)
    await message.answer(
        f"Release milestone {n} “{escape(milestone.title)}”: {amount} goes to the solver. "
        "This cannot be undone.",
        reply_markup=confirm_buttons("release", challenge_id, f"Release {amount}", n))


async def release_chosen(query: CallbackQuery, callback_data: MoneyCb, actor: User) -> None:
    assert isinstance(query.message, Message)
    held = await escrow.get_escrow(actor.id, callback_data.challenge_id)
    await query.answer()
    await _ask_release(query.message, callback_data.challenge_id, callback_data.n, held)


async def release_confirmed(query: CallbackQuery, callback_data: MoneyCb, deps: Deps,
                            actor: User) -> None:
    assert isinstance(query.message, Message)
    held = await escrow.release_milestone(deps, actor.id, callback_data.challenge_id,
                                          callback_data.n)
    await query.answer("Released")
    await query.message.edit_text(f"💸 Milestone {callback_data.n} released.\n\n"
                                  + escrow_text(held))


async def refund_command(message: Message, command: CommandObject, actor: User) -> None:
    challenge_id = words(command, "refund", 1, "The challenge ID")[0]
    held = await escrow.get_escrow(actor.id, challenge_id)
    amount = money(held.held, held.currency)
    await message.answer(
        escrow_text(held) + f"\n\nRefund: the {amount} still held goes back to the challenger "
        "and the challenge closes.",
        reply_markup=confirm_buttons("refund", held.challenge_id, f"Refund {amount}"))


async def refund_confirmed(query: CallbackQuery, callback_data: MoneyCb, deps: Deps,
                           actor: User) -> None:
    assert isinstance(query.message, Message)
    held = await escrow_settlement.refund(deps, actor.id, callback_data.challenge_id,
                                          "refund requested from Telegram")
    await query.answer("Refunded")
    await query.message.edit_text("↩️ Refunded.\n\n" + escrow_text(held))


async def submit_command(message: Message, command: CommandObject, deps: Deps,
                         actor: User) -> None:
    challenge_id, n_text = words(command, "submit", 2, "The challenge ID or milestone number")[:2]
    note = rest_after(command, 2)
    if not note:
        raise UsageError("submit", "Add a note: what you hand in and where to find it.")
    milestone = await escrow.submit_milestone(deps, actor.id, challenge_id,
                                              number_or_text(n_text), {"note": note})
    await message.answer(f"📤 Milestone {milestone.n} “{escape(milestone.title)}” submitted. "
                         "The challenger has been told.")


async def cancelled(query: CallbackQuery) -> None:
    assert isinstance(query.message, Message)
    await query.answer("Cancelled")
    await query.message.edit_text("Cancelled — nothing was changed.")


def build() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(fund_command, Command("fund"))
    router.message.register(release_command, Command("release"))
    router.message.register(refund_command, Command("refund"))
    router.message.register(submit_command, Command("submit"))
    router.callback_query.register(fund_confirmed, MoneyCb.filter((F.step == "fund") & F.go))
    router.callback_query.register(release_chosen, MoneyCb.filter((F.step == "release") & ~F.go))
    router.callback_query.register(release_confirmed,
                                   MoneyCb.filter((F.step == "release") & F.go))
    router.callback_query.register(refund_confirmed, MoneyCb.filter((F.step == "refund") & F.go))
    router.callback_query.register(cancelled, CancelCb.filter())
    return router
