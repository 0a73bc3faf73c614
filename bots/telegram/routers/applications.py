"""/apply ID [proposal], the proposal step, the applications list, accept / reject buttons,
and the button that opens the conversation about an application."""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bots.telegram.args import rest_after, words
from bots.telegram.callbacks import ApplicationCb, ChallengeCb
from bots.telegram.render import application_line
from bots.telegram.states import ApplyForm, ChatForm
from domain.deps import Deps
from domain.models.challenges import Application, ApplicationState
from domain.models.users import User
from domain.services import applications, challenges, conversations

APPLIED = "📨 Applied. The challenger has been told.\n"


def decision_buttons(application: Application) -> list[list[InlineKeyboardButton]]:
    def button(text: str, action: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(text=text, callback_data=ApplicationCb(
            action=action, application_id=application.id).pack())

    row = [button("💬 Message", "chat")]
    if application.state == ApplicationState.PENDING:
        row = [button("✅ Accept", "accept"), button("✖️ Reject", "reject"), *row]
    return [row]


async def _ask_proposal(message: Message, state: FSMContext, actor: User,
                        challenge_id: str) -> None:
    challenge = await challenges.get_challenge(challenge_id, actor)
    await state.set_state(ApplyForm.proposal)
    await state.update_data(challenge_id=challenge.id)
    await message.answer(f"Applying to <b>{escape(challenge.title)}</b>. Send your proposal: "
                         "how you would solve it and by when. /cancel stops.")


async def apply_command(message: Message, command: CommandObject, state: FSMContext,
                        deps: Deps, actor: User) -> None:
    challenge_id = words(command, "apply", 1, "The challenge ID")[0]
    proposal = rest_after(command, 1)
    if not proposal:
        await _ask_proposal(message, state, actor, challenge_id)
        return
    application = await applications.apply(deps, actor.id, challenge_id, {"proposal": proposal})
    await message.answer(APPLIED + application_line(application))


async def apply_button(query: CallbackQuery, callback_data: ChallengeCb, state: FSMContext,
                       actor: User) -> None:
    assert isinstance(query.message, Message)
    await query.answer()
    await _ask_proposal(query.message, state, actor, callback_data.challenge_id)


async def proposal_received(message: Message, state: FSMContext, deps: Deps,
                            actor: User) -> None:
    data = await state.get_data()
    await state.clear()
    application = await applications.apply(deps, actor.id, data["challenge_id"],
                                           {"proposal": message.text or ""})
    await message.answer(APPLIED + application_line(application))


async def list_for_challenge(query: CallbackQuery, callback_data: ChallengeCb,
                             actor: User) -> None:
    assert isinstance(query.message, Message)
    found = await applications.list_applications(actor.id, callback_data.challenge_id)
    await query.answer()
    if not found:
        await query.message.answer("No applications yet.")
        return
    for application in found:
        # Decision buttons only under other people's applications: one's own cannot be decided.
        keyboard = (InlineKeyboardMarkup(inline_keyboard=decision_buttons(application))
                    if application.solver_id != actor.id else None)
        await query.message.answer(application_line(application), reply_markup=keyboard)


async def decide(query: CallbackQuery, callback_data: ApplicationCb, deps: Deps,
                 actor: User) -> None:
    assert isinstance(query.message, Message)
    if callback_data.action == "accept":
        decided = await applications.accept(deps, actor.id, callback_data.application_id)
        follow_up = (f"\n\nNext: fund the escrow with /fund {decided.challenge_id} — the solver "
                     "starts once the money is held.")
    else:
        decided = await applications.reject(deps, actor.id, callback_data.application_id)
        follow_up = ""
    await query.answer(f"Application {decided.state}")
    await query.message.edit_text(f"{application_line(decided)}{follow_up}",
                                  reply_markup=InlineKeyboardMarkup(
                                      inline_keyboard=decision_buttons(decided)))


async def open_chat(query: CallbackQuery, callback_data: ApplicationCb, state: FSMContext,
                    deps: Deps, actor: User) -> None:
    assert isinstance(query.message, Message)
    conversation = await conversations.open_conversation(
        deps, actor.id, {"application_id": callback_data.application_id})
    await state.set_state(ChatForm.body)
    await state.update_data(conversation_id=conversation.id)
    await query.answer()
    await query.message.answer("Write your message; it goes to the same conversation the web "
                               "app shows. /cancel stops.")


def build() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(apply_command, Command("apply"))
    router.message.register(proposal_received, StateFilter(ApplyForm.proposal), F.text,
                            ~F.text.startswith("/"))
    router.callback_query.register(apply_button, ChallengeCb.filter(F.action == "apply"))
    router.callback_query.register(list_for_challenge, ChallengeCb.filter(F.action == "apps"))
    router.callback_query.register(decide, ApplicationCb.filter(F.action.in_({"accept",
                                                                               "reject"})))
    router.callback_query.register(open_chat, ApplicationCb.filter(F.action == "chat"))
    return router
