"""How domain objects read in any chat: cards, one-line summaries, escrow summaries, and the
DMs for notifications and chat messages with the buttons that act on them."""

from __future__ import annotations

from bots.core.actions import Action
from bots.core.caller import Commands
from bots.core.results import Button, Card, Reply, Rows, Tone
from bots.core.rich import Rich, bold, code, italic, lines, rich
from domain.models.challenges import Application, ApplicationState, Challenge, ChallengeState
from domain.models.escrow import Escrow, MilestoneState
from domain.money import format_money

STATE_LABEL = {
    ChallengeState.DRAFT: "📝 draft", ChallengeState.OPEN: "🟢 open",
    ChallengeState.IN_PROGRESS: "🛠 in progress", ChallengeState.COMPLETED: "✅ completed",
    ChallengeState.CANCELLED: "✖️ cancelled", ChallengeState.REMOVED: "⛔ removed",
}
REMOVED_TEXT = "⛔ This challenge was removed by a moderator."
DESCRIPTION_SHOWN = 1500


def money(amount: int, currency: str) -> str:
    return format_money(amount, currency)


def state_label(challenge: Challenge) -> str:
    return STATE_LABEL.get(challenge.state, str(challenge.state))


def card_buttons(challenge: Challenge, in_community: bool) -> Rows:
    """Privately the buttons act; in a community only Apply shows, and the platform sends
    the person somewhere private to do it (a deep link, an ephemeral modal)."""
    rows: list[tuple[Button, ...]] = []
    if challenge.state == ChallengeState.OPEN:
        rows.append((Button("Apply", Action("apply", challenge.id), tone=Tone.PRIMARY),))
    if not in_community:
        rows.append((Button("Applications", Action("apps", challenge.id)),))
    return tuple(rows)


def card(challenge: Challenge, *, in_community: bool = False) -> Card:
    currency = challenge.reward.currency
    return Card(
        challenge_id=challenge.id, title=challenge.title, status=state_label(challenge),
        facts=(money(challenge.reward.amount, currency), challenge.category,
               str(challenge.difficulty)),
        description=challenge.description[:DESCRIPTION_SHOWN], tags=tuple(challenge.tags),
        milestones=tuple(f"{i}. {m.title} — {money(m.amount, currency)}"
                         for i, m in enumerate(challenge.milestones, start=1))
        if len(challenge.milestones) > 1 else (),
        deadline=f"{challenge.deadline:%Y-%m-%d %H:%M} UTC" if challenge.deadline else None,
        footer=f"{challenge.application_count} application(s)",
        buttons=card_buttons(challenge, in_community), in_community=in_community,
        removed=challenge.state == ChallengeState.REMOVED)


def removed_card(challenge_id: str) -> Card:
    return Card(challenge_id=challenge_id, title=REMOVED_TEXT, status="", facts=(),
                description="", removed=True)


def summary(challenge: Challenge) -> Rich:
    reward = money(challenge.reward.amount, challenge.reward.currency)
    return rich(bold(challenge.title), f" — {reward} · {state_label(challenge)}\n",
                code(challenge.id))


def application_line(application: Application, title: str | None = None) -> Rich:
    about = rich(" to ", bold(title)) if title else ()
    return rich(f"• {application.state}", about, f": {application.proposal[:300]}\n  ",
                code(application.id))


def decision_buttons(application: Application) -> Rows:
    chat = Button("💬 Message", Action("chat", application.id))
    if application.state != ApplicationState.PENDING:
        return ((chat,),)
    return ((Button("✅ Accept", Action("accept", application.id), tone=Tone.PRIMARY),
             Button("✖️ Reject", Action("reject", application.id), tone=Tone.DANGER), chat),)


def escrow_summary(escrow: Escrow) -> Rich:
    head = rich(bold("Escrow"), f" · {escrow.state.replace('_', ' ')} · "
                f"{money(escrow.amount, escrow.currency)} (held now: "
                f"{money(escrow.held, escrow.currency)})")
    rows = [rich(f"{m.n}. {m.title} — {money(m.amount, escrow.currency)} · {m.state}",
                 f" — “{m.note[:200]}”" if m.note else "") for m in escrow.milestones]
    return lines(head, *rows)


def release_choices(escrow: Escrow) -> Rows:
    """One button per milestone that can still be paid; each leads to a confirmation."""
    return tuple((Button(f"Release {m.n}: {money(m.amount, escrow.currency)}",
                         Action("release", escrow.challenge_id, m.n)),)
                 for m in escrow.milestones
                 if m.state in (MilestoneState.PENDING, MilestoneState.SUBMITTED))


def view_button(challenge_id: str) -> tuple[Button, ...]:
    return (Button("View challenge", Action("view", challenge_id)),)


def notification_dm(kind: str, text: str, data: dict[str, object], commands: Commands,
                    application: Application | None = None) -> Reply:
    """The DM for one notification, with the buttons that act on it."""
    body, rows = rich(f"🔔 {text}"), list[tuple[Button, ...]]()
    challenge_id = str(data.get("challenge_id") or "")
    if kind == "application.received" and application is not None:
        body = rich(body, f"\n\n“{application.proposal[:DESCRIPTION_SHOWN]}”")
        rows += decision_buttons(application)
    elif kind == "milestone.submitted":
        n = int(str(data.get("milestone", 1)))
        rows.append((Button(f"Release milestone {n}…", Action("release", challenge_id, n)),))
    elif kind == "escrow.funded":
        submit = commands.get("submit", "submit").replace("{id}", challenge_id)
        release = commands.get("release", "release").replace("{id}", challenge_id)
        body = rich(body, f"\nThe solver hands work in with {submit}; the challenger pays "
                          f"each milestone with {release}.")
    elif kind == "application.accepted":
        body = rich(body, "\nYou will hear from me when the escrow is funded.")
    if challenge_id:
        rows.append(view_button(challenge_id))
    return Reply(body, tuple(rows))


def message_dm(sender_name: str, body: str, conversation_id: str, how_to_answer: str) -> Reply:
    return Reply(rich("💬 ", bold(sender_name), f": {body}\n\n", italic(how_to_answer)),
                 ((Button("↩️ Reply", Action("reply", conversation_id)),),))
