"""Conversation states kept in the FSM storage (memory, or Redis when REDIS_URL is set)."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class PostForm(StatesGroup):
    title = State()
    description = State()
    category = State()
    tags = State()
    reward = State()
    milestones = State()
    preview = State()


class ApplyForm(StatesGroup):
    proposal = State()


class ChatForm(StatesGroup):
    body = State()
