"""Reaching people who are away: a message or notification that nobody saw within
``SEEN_WITHIN`` (no socket online, not read) goes to the channels the person prefers; all
that waited for one person becomes one digest mail, at most one per ``DIGEST_GAP``.

Chat platforms (Telegram, Discord, Slack) deliver live; a delivery there calls
``mark_reached`` so the same thing is never mailed as well. ``deliver_due_digests`` is the
job a worker (or ``serve``'s in-process loop) runs every minute or so.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from html import escape

from pymongo.errors import DuplicateKeyError

from domain.deps import Deps
from domain.errors import MailFailed
from domain.events import MessageSent, NotificationCreated
from domain.models.alerts import AlertState, Channel, PendingAlert
from domain.models.chat import Conversation, Message, Notification
from domain.models.common import new_id, utcnow
from domain.models.users import User
from domain.services.mail import send_to_user, web_link
from domain.services.notification_preferences import MESSAGE, unsubscribe_link_token, wants

log = logging.getLogger(__name__)
SEEN_WITHIN = timedelta(minutes=5)
DIGEST_GAP = timedelta(minutes=10)
MAX_ITEMS = 20
BATCH = 5000  # alerts looked at per run; the rest wait for the next one
KEEP_SETTLED = timedelta(days=7)  # then settled alerts are deleted


async def _mail_reachable(user_id: str, kind: str) -> bool:
    # Runs per message and recipient: the three fields it asks about, not the whole user.
    user = await User.get_pymongo_collection().find_one(
        {"_id": user_id}, {"email": 1, "email_verified": 1, "deleted_at": 1})
    return bool(user and user.get("email") and user.get("email_verified")
                and user.get("deleted_at") is None
                and await wants(user_id, kind, Channel.EMAIL))


async def _queue(alert: PendingAlert) -> None:
    try:
        await alert.insert()
    except DuplicateKeyError:
        pass  # the same event handled again (a retry): one alert is enough


async def on_notification(event: NotificationCreated) -> None:
    note = await Notification.get(event.notification_id)
    if note is None or not await _mail_reachable(note.user_id, note.kind):
        return
    challenge_id = note.data.get("challenge_id")
    link = f"/challenges/{challenge_id}" if challenge_id else "/notifications"
    await _queue(PendingAlert(user_id=note.user_id, ref=f"notification:{note.id}",
                              kind=note.kind, text=note.text, link=link,
                              created_at=note.created_at, due_at=note.created_at + SEEN_WITHIN))


async def on_message(event: MessageSent) -> None:
    # The event carries the message and the sender's name; older events are read back.
    if event.message is not None:
        body = event.message["body"]
        created_at = datetime.fromisoformat(event.message["created_at"])
    else:
        message = await Message.get(event.message_id)
        if message is None:
            return
        body, created_at = message.body, message.created_at
    name = event.sender_name
    for user_id in event.participant_ids:
        if user_id == event.sender_id or not await _mail_reachable(user_id, MESSAGE):
            continue
        if name is None:
            sender = await User.get(event.sender_id)
            name = sender.display_name if sender else "someone"
        await _queue(PendingAlert(
            user_id=user_id, ref=f"message:{event.message_id}", kind=MESSAGE,
            text=f"{name}: {body[:300]}", link=f"/chat/{event.conversation_id}",
            conversation_id=event.conversation_id, seq=event.seq,
            created_at=created_at, due_at=created_at + SEEN_WITHIN))


def subscribe_offline_delivery(deps: Deps) -> None:
    deps.bus.subscribe(NotificationCreated, on_notification)
    deps.bus.subscribe(MessageSent, on_message)


async def mark_reached(user_id: str, ref: str, channel: Channel | str) -> None:
    """A chat platform delivered ``ref`` (``notification:<id>`` / ``message:<id>``) to
    ``user_id``: it is not mailed again. Called by the bots' delivery after a DM.

    It may run before the alert is queued (both hear the same event): then it leaves the
    alert in its final state already, and queueing finds it there and adds nothing."""
    now = utcnow()
    try:
        await PendingAlert.get_pymongo_collection().update_one(
            {"user_id": user_id, "ref": ref, "state": AlertState.PENDING},
            {"$set": {"state": AlertState.REACHED.value},
             "$addToSet": {"reached_on": str(channel)},
             "$setOnInsert": {"_id": new_id(), "kind": "", "text": "", "link": "",
                              "digest_id": None, "created_at": now, "due_at": now}},
            upsert=True)
    except DuplicateKeyError:
        pass  # already mailed or settled: nothing to change


async def _seen(alert: PendingAlert, read_seqs: dict[str, dict[str, int]]) -> bool:
    if alert.ref.startswith("notification:"):
        note = await Notification.get(alert.ref.split(":", 1)[1])
        return note is None or note.read
    if alert.conversation_id is None or alert.seq is None:
        return True
    if alert.conversation_id not in read_seqs:
        conversation = await Conversation.get(alert.conversation_id)
        read_seqs[alert.conversation_id] = conversation.read_seqs if conversation else {}
    return read_seqs[alert.conversation_id].get(alert.user_id, 0) >= alert.seq


async def _set_state(alerts: list[PendingAlert], state: AlertState) -> None:
    if alerts:
        await PendingAlert.find({"_id": {"$in": [a.id for a in alerts]},
                                 "state": AlertState.PENDING}).update({"$set": {"state": state}})


async def _recently_mailed(user_id: str, now: datetime) -> bool:
    last = await PendingAlert.find_one({"user_id": user_id, "state": AlertState.SENT,
                                        "sent_at": {"$gt": now - DIGEST_GAP}})
    return last is not None


async def _online(deps: Deps, user_ids: list[str]) -> dict[str, bool]:
    if deps.presence is None or not user_ids:
        return {}
    try:
        return await deps.presence.online(user_ids)
    except Exception as exc:  # presence is best effort: unknown counts as away
        log.warning("presence unavailable for offline delivery: %s", exc)
        return {}


async def deliver_due_digests(deps: Deps, now: datetime | None = None) -> int:
    """Mail one digest to each person with alerts past their due time; returns how many."""
    now = now or utcnow()
    due = await PendingAlert.find({"state": AlertState.PENDING, "due_at": {"$lte": now}}
                                  ).sort("created_at").limit(BATCH).to_list()
    by_user: dict[str, list[PendingAlert]] = defaultdict(list)
    for alert in due:
        by_user[alert.user_id].append(alert)
    online = await _online(deps, list(by_user))
    read_seqs: dict[str, dict[str, int]] = {}
    sent = 0
    for user_id, alerts in by_user.items():
        if online.get(user_id):
            await _set_state(alerts, AlertState.SEEN)
            continue
        unseen = [a for a in alerts if not await _seen(a, read_seqs)]
        await _set_state([a for a in alerts if a not in unseen], AlertState.SEEN)
        wanted = [a for a in unseen if await _mail_reachable(user_id, a.kind)]
        await _set_state([a for a in unseen if a not in wanted], AlertState.SKIPPED)
        if wanted and not await _recently_mailed(user_id, now):
            sent += await _send_digest(deps, user_id, wanted, now)
    # Kept a while so a retried event finds its alert settled; a crash between claiming and
    # mailing leaves an alert "sending" (never mailed twice), and it goes here too.
    await PendingAlert.find({"state": {"$nin": [AlertState.PENDING]},
                             "created_at": {"$lt": now - KEEP_SETTLED}}).delete()
    return sent


async def _claim(alerts: list[PendingAlert]) -> tuple[str, list[PendingAlert]]:
    """Mark the alerts as taken by one digest; another worker running at the same moment
    gets none of them, so nothing is mailed twice."""
    digest_id = uuid.uuid4().hex
    await PendingAlert.find({"_id": {"$in": [a.id for a in alerts]},
                             "state": AlertState.PENDING}).update(
        {"$set": {"state": AlertState.SENDING, "digest_id": digest_id}})
    return digest_id, await PendingAlert.find({"digest_id": digest_id}).sort(
        "created_at").to_list()


def _items(alerts: list[PendingAlert]) -> list[PendingAlert]:
    """One line per conversation (its latest message) and per notification."""
    latest: dict[str, PendingAlert] = {}
    for alert in alerts:
        latest[alert.conversation_id or alert.ref] = alert
    return list(latest.values())[-MAX_ITEMS:]


async def _send_digest(deps: Deps, user_id: str, alerts: list[PendingAlert],
                       now: datetime) -> int:
    digest_id, claimed = await _claim(alerts)
    user = await User.get(user_id)
    if not claimed or user is None:
        return 0
    counts: dict[str, int] = defaultdict(int)
    for alert in claimed:
        counts[alert.conversation_id or alert.ref] += 1
    lines, html_lines = [], []
    for item in _items(claimed):
        more = counts[item.conversation_id or item.ref] - 1
        suffix = f" (+{more} more)" if more else ""
        link = web_link(deps, item.link)
        lines.append(f"- {item.text}{suffix}\n  {link}")
        html_lines.append(f"<li><a href=\"{escape(link)}\">{escape(item.text)}</a>"
                          f"{escape(suffix)}</li>")
    token = await unsubscribe_link_token(user_id, sorted({a.kind for a in claimed}))
    one_click = web_link(deps, "/api/v1/unsubscribe", token=token)
    try:
        await send_to_user(
            deps, user, "digest",
            {"count": len(claimed), "items": "\n".join(lines), "link": web_link(deps, "/"),
             "preferences": web_link(deps, "/settings/notifications"),
             "unsubscribe": web_link(deps, "/unsubscribe", token=token)},
            html_values={"items": "".join(html_lines)},
            headers=(("List-Unsubscribe", f"<{one_click}>"),
                     ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")))
    except MailFailed as exc:
        log.warning("digest for user %s failed (%s); it is tried again later", user_id, exc)
        await PendingAlert.find({"digest_id": digest_id}).update(
            {"$set": {"state": AlertState.PENDING, "digest_id": None}})
        return 0
    await PendingAlert.find({"digest_id": digest_id}).update(
        {"$set": {"state": AlertState.SENT, "sent_at": now}})
    return 1
