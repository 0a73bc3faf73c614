"""Conversations with their history, and the notification inbox."""

from __future__ import annotations

from aiohttp import web

from domain.services import conversations, notifications
from domain.services.common import parse
from domain.views import ConversationOut, MessageOut, NotificationOut, render, render_list
from realtime.api.core import (
    ApiRoutes,
    current_user_id,
    deps_of,
    json_ok,
    parse_query,
    read_json,
)
from realtime.api.schemas import (
    ConversationList,
    HistoryQuery,
    InboxQuery,
    MarkedOut,
    MessageList,
    NotificationList,
    NotificationsReadInput,
)

routes = ApiRoutes(tag="conversations")


@routes.get("/conversations", response=ConversationList)
async def list_conversations(request: web.Request) -> web.Response:
    """The signed-in user's conversations, latest activity first, with unread counts."""
    actor_id = await current_user_id(request)
    pairs = await conversations.list_conversations(actor_id)
    return json_ok({"items": [render(ConversationOut, c, unread=unread) for c, unread in pairs]})


@routes.get("/conversations/{id}/messages", query=HistoryQuery, response=MessageList)
async def history(request: web.Request) -> web.Response:
    """Messages with seq greater than `after_seq`, in seq order (participants only)."""
    actor_id = await current_user_id(request)
    query = parse_query(request, HistoryQuery)
    items = await conversations.history(actor_id, request.match_info["id"], query.after_seq,
                                        query.limit)
    return json_ok(render_list(MessageOut, items))


@routes.get("/notifications", query=InboxQuery, response=NotificationList)
async def inbox(request: web.Request) -> web.Response:
    """The signed-in user's notifications, newest first."""
    actor_id = await current_user_id(request)
    query = parse_query(request, InboxQuery)
    items = await notifications.inbox(actor_id, query.unread_only, query.limit)
    return json_ok(render_list(NotificationOut, items))


@routes.post("/notifications/read", body=NotificationsReadInput, response=MarkedOut)
async def mark_read(request: web.Request) -> web.Response:
    """Mark notifications read."""
    actor_id = await current_user_id(request)
    form = parse(NotificationsReadInput, await read_json(request))
    marked = await notifications.mark_read(deps_of(request), actor_id, form.ids)
    return json_ok({"marked": marked})
