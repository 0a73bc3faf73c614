"""/post: a step-by-step wizard, a preview, and a confirm button. The answers are only shaped
here; the domain validates them when the person confirms, and a refused field is asked again."""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bots.core import grammar
from bots.core.caller import Caller
from bots.core.grammar import UsageError
from bots.core.presenters import money
from bots.core.verbs import posting
from bots.telegram.callbacks import PostCb
from bots.telegram.replies import answer_press
from bots.telegram.states import PostForm
from domain.errors import ValidationFailed

QUESTIONS: dict[State, str] = {
    PostForm.title: "Step 1/6 — the <b>title</b> (3 to 120 characters)?",
    PostForm.description: "Step 2/6 — <b>describe</b> the problem: what is wanted, how you "
                          "will judge it.",
    PostForm.category: "Step 3/6 — a <b>category</b> (for example engineering, design, "
                       "writing)?",
    PostForm.tags: "Step 4/6 — <b>tags</b>, separated by commas or spaces (or <i>skip</i>).",
    PostForm.reward: "Step 5/6 — the <b>reward</b>: amount and currency, like <i>150 USD</i> "
                     "or <i>99.50 eur</i>.",
    PostForm.milestones: "Step 6/6 — <b>milestones</b>, one per line as <i>title: amount</i> "
                         "(they must add up to the reward), or <i>skip</i> to pay it at once.",
}
ORDER = list(QUESTIONS)
STEP_FIELD = {PostForm.title: "title", PostForm.description: "description",
              PostForm.category: "category", PostForm.tags: "tags", PostForm.reward: "reward",
              PostForm.milestones: "milestones"}
# Which step to ask again when the domain refuses a field.
FIELD_STEP = {field: step for step, field in STEP_FIELD.items()}
PREVIEW_BUTTONS = InlineKeyboardMarkup(inline_keyboard=[[
    InlineKeyboardButton(text="✅ Post it", callback_data=PostCb(action="confirm").pack()),
    InlineKeyboardButton(text="↺ Start over", callback_data=PostCb(action="restart").pack()),
    InlineKeyboardButton(text="Cancel", callback_data=PostCb(action="cancel").pack())]])


async def begin(message: Message, state: FSMContext, caller: Caller) -> None:
    await posting.may_post(caller)
    await state.clear()
    await state.set_state(PostForm.title)
    await message.answer("Let's post a challenge. /cancel stops at any time.\n\n"
                         + QUESTIONS[PostForm.title])


def _read(step: State, text: str, data: dict[str, Any]) -> dict[str, Any]:
    """The answer as form fields (the core's grammar raises UsageError if unreadable)."""
    text = text.strip()
    if step in (PostForm.title, PostForm.description, PostForm.category):
        return {STEP_FIELD[step]: text}
    if step == PostForm.tags:
        return {"tags": grammar.tags(text)}
    if step == PostForm.reward:
        return {"reward": grammar.reward(text)}
    return {"milestones": grammar.milestones(text, data["reward"]["currency"])}


def preview(data: dict[str, Any]) -> str:
    reward = data["reward"]
    lines = ["<b>Preview</b>", "", f"<b>{escape(data['title'])}</b>",
             f"{money(reward['amount'], reward['currency'])} · {escape(data['category'])}", "",
             escape(data["description"])]
    if data.get("tags"):
        lines += ["", " ".join(f"#{escape(t)}" for t in data["tags"])]
    for i, plan in enumerate(data.get("milestones") or [], start=1):
        lines.append(f"{i}. {escape(plan['title'])} — {money(plan['amount'], reward['currency'])}")
    return "\n".join(lines)


async def answer_step(message: Message, state: FSMContext) -> None:
    step_name = await state.get_state()
    step = next(s for s in ORDER if s.state == step_name)
    data = await state.get_data()
    try:
        read = _read(step, message.text or "", data)
    except UsageError as exc:
        await message.answer(f"⚠️ {escape(exc.problem)}\n\n{QUESTIONS[step]}")
        return
    data = await state.update_data(**read)
    following = [s for s in ORDER[ORDER.index(step) + 1:] if STEP_FIELD[s] not in data]
    if following:
        await state.set_state(following[0])
        await message.answer(QUESTIONS[following[0]])
        return
    await state.set_state(PostForm.preview)
    await message.answer(preview(data), reply_markup=PREVIEW_BUTTONS)


def _form(data: dict[str, Any]) -> dict[str, Any]:
    form = {key: data[key] for key in ("title", "description", "category", "tags", "reward")}
    if data.get("milestones"):
        form["milestones"] = data["milestones"]
    return form


async def confirm(query: CallbackQuery, state: FSMContext, caller: Caller, bot: Bot) -> None:
    assert isinstance(query.message, Message)
    data = await state.get_data()
    try:
        posted = await posting.post(caller, _form(data))
    except ValidationFailed as exc:
        step = FIELD_STEP.get(posting.refused_field(exc.details) or "", PostForm.title)
        await state.set_data({k: v for k, v in data.items() if k != STEP_FIELD[step]})
        await state.set_state(step)
        await query.answer()
        await query.message.answer(f"⚠️ {escape(exc.message)}\n\n{QUESTIONS[step]}")
        return
    await state.clear()
    await answer_press(query, bot, posted)


async def restart(query: CallbackQuery, state: FSMContext) -> None:
    assert isinstance(query.message, Message)
    await state.set_data({})
    await state.set_state(PostForm.title)
    await query.answer()
    await query.message.answer(QUESTIONS[PostForm.title])


async def cancel(query: CallbackQuery, state: FSMContext) -> None:
    assert isinstance(query.message, Message)
    await state.clear()
    await query.answer("Cancelled")
    await query.message.edit_text("Cancelled — nothing was posted.")


async def stale_preview(query: CallbackQuery) -> None:
    await query.answer("This preview is no longer active; send /post to start again.",
                       show_alert=True)


def build() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(begin, Command("post"))
    router.message.register(answer_step, StateFilter(*ORDER), F.text,
                            ~F.text.startswith("/"))
    router.callback_query.register(confirm, PostCb.filter(F.action == "confirm"),
                                   StateFilter(PostForm.preview))
    router.callback_query.register(restart, PostCb.filter(F.action == "restart"))
    router.callback_query.register(cancel, PostCb.filter(F.action == "cancel"))
    router.callback_query.register(stale_preview, PostCb.filter())
    return router
