"""/apply ID [proposal], and the proposal step when the proposal did not come with it (also
after the Apply button)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bots.core import grammar
from bots.core.caller import Caller
from bots.core.verbs import applying
from bots.telegram.render import text_of
from bots.telegram.replies import answer
from bots.telegram.states import ApplyForm

CANCEL_HINT = " /cancel stops."


async def ask_proposal(message: Message, state: FSMContext, caller: Caller,
                       challenge_id: str) -> None:
    challenge = await applying.apply_target(caller, challenge_id)
    await state.set_state(ApplyForm.proposal)
    await state.update_data(challenge_id=challenge.id)
    await message.answer(text_of(applying.proposal_prompt(challenge)) + CANCEL_HINT)


async def apply_command(message: Message, command: CommandObject, state: FSMContext,
                        caller: Caller, bot: Bot) -> None:
    challenge_id = grammar.words(command.args, "apply", 1, "The challenge ID")[0]
    proposal = grammar.rest_after(command.args, 1)
    if not proposal:
        await ask_proposal(message, state, caller, challenge_id)
        return
    await answer(message, bot, await applying.apply(caller, challenge_id, proposal))


async def proposal_received(message: Message, state: FSMContext, caller: Caller,
                            bot: Bot) -> None:
    data = await state.get_data()
    await state.clear()
    await answer(message, bot, await applying.apply(caller, data["challenge_id"],
                                                    message.text or ""))


def build() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(apply_command, Command("apply"))
    router.message.register(proposal_received, StateFilter(ApplyForm.proposal), F.text,
                            ~F.text.startswith("/"))
    return router
