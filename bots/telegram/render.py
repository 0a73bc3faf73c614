"""How domain objects look in Telegram (HTML parse mode): cards, lists, escrow summaries."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bots.telegram.callbacks import CancelCb, ChallengeCb, MoneyCb
from domain.models.challenges import Application, Challenge, ChallengeState
from domain.models.escrow import Escrow, MilestoneState
from domain.money import format_money as money

STATE_LABEL = {
    ChallengeState.DRAFT: "📝 draft", ChallengeState.OPEN: "🟢 open",
    ChallengeState.IN_PROGRESS: "🛠 in progress", ChallengeState.COMPLETED: "✅ completed",
    ChallengeState.CANCELLED: "✖️ cancelled", ChallengeState.REMOVED: "⛔ removed",
}


def challenge_summary(challenge: Challenge) -> str:
    reward = money(challenge.reward.amount, challenge.reward.currency)
    return (f"<b>{escape(challenge.title)}</b> — {reward}"
            f" · {STATE_LABEL.get(challenge.state, challenge.state)}\n<code>{challenge.id}</code>")


def challenge_card(challenge: Challenge) -> str:
    lines = [f"<b>{escape(challenge.title)}</b>",
             f"{STATE_LABEL.get(challenge.state, challenge.state)} · "
             f"{money(challenge.reward.amount, challenge.reward.currency)} · "
             f"{escape(challenge.category)} · {challenge.difficulty}",
             "", escape(challenge.description[:1500])]
    if challenge.tags:
        lines += ["", " ".join(f"#{escape(t)}" for t in challenge.tags)]
    if len(challenge.milestones) > 1:
        lines += ["", "<b>Milestones</b>"]
        lines += [f"{i}. {escape(m.title)} — {money(m.amount, challenge.reward.currency)}"
                  for i, m in enumerate(challenge.milestones, start=1)]
    if challenge.deadline:
        lines.append(f"\nDeadline: {challenge.deadline:%Y-%m-%d %H:%M} UTC")
    lines.append(f"\n{challenge.application_count} application(s) · ID <code>{challenge.id}</code>")
    return "\n".join(lines)


def challenge_buttons(challenge: Challenge, deep_link: str | None = None) -> InlineKeyboardMarkup:
    """In a private chat the buttons act; in a group, ``deep_link`` sends people to the bot."""
    rows: list[list[InlineKeyboardButton]] = []
    if challenge.state == ChallengeState.OPEN:
        if deep_link:
            rows.append([InlineKeyboardButton(text="Apply in private chat", url=deep_link)])
        else:
            rows.append([InlineKeyboardButton(
                text="Apply", callback_data=ChallengeCb(action="apply",
                                                        challenge_id=challenge.id).pack())])
    if not deep_link:
        rows.append([InlineKeyboardButton(
            text="Applications", callback_data=ChallengeCb(
                action="apps", challenge_id=challenge.id).pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def application_line(application: Application, title: str | None = None) -> str:
    about = f" to <b>{escape(title)}</b>" if title else ""
    return (f"• {application.state}{about}: {escape(application.proposal[:300])}\n"
            f"  <code>{application.id}</code>")


def escrow_text(escrow: Escrow) -> str:
    lines = [f"<b>Escrow</b> · {escrow.state.replace('_', ' ')} · "
             f"{money(escrow.amount, escrow.currency)} (held now: "
             f"{money(escrow.held, escrow.currency)})"]
    for m in escrow.milestones:
        note = f" — “{escape(m.note[:200])}”" if m.note else ""
        lines.append(f"{m.n}. {escape(m.title)} — {money(m.amount, escrow.currency)} · "
                     f"{m.state}{note}")
    return "\n".join(lines)


def release_buttons(escrow: Escrow, challenge_id: str) -> InlineKeyboardMarkup:
    """One button per milestone that can still be paid; each leads to a confirmation."""
    rows = [[InlineKeyboardButton(
        text=f"Release {m.n}: {money(m.amount, escrow.currency)}",
        callback_data=MoneyCb(step="release", challenge_id=challenge_id, n=m.n).pack())]
        for m in escrow.milestones if m.state in (MilestoneState.PENDING, MilestoneState.SUBMITTED)]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def confirm_buttons(step: str, challenge_id: str, label: str, n: int = 0) -> InlineKeyboardMarkup:
    go = MoneyCb(step=step, challenge_id=challenge_id, n=n, go=True).pack()
    return InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=f"✅ {label}", callback_data=go),
        InlineKeyboardButton(text="Cancel", callback_data=CancelCb().pack())]])
