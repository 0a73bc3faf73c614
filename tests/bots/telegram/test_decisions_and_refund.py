"""Inline buttons for a challenger on Telegram: list applications, reject, accept, message
the applicant; and a refund that happens only after its confirmation button."""

from __future__ import annotations

from domain.models.challenges import Application, Challenge
from domain.models.escrow import Escrow
from domain.services import escrow
from tests.bots.telegram.conftest import Telegram
from tests.bots.telegram.fake_bot_api import FakeBotApi

GROUP = {"id": -100321, "type": "supergroup", "title": "Guild"}


async def _post(person, title: str) -> Challenge:
    await person.send("/post")
    for answer in (title, "Details.", "design", "skip", "50 eur", "skip"):
        await person.send(answer)
    await person.press("Post it")
    return await Challenge.find_one({"title": title})


async def test_reject_accept_message_and_refund(telegram: Telegram, bot_api: FakeBotApi,
                                                deps) -> None:
    gil, hal, ida = (telegram.person(7001, "Gil"), telegram.person(7002, "Hal"),
                     telegram.person(7003, "Ida"))
    bot_api.chat_members[(GROUP["id"], gil.id)] = "creator"
    await gil.send("/community on", chat=GROUP)
    challenge = await _post(gil, "Draw a fox")
    await hal.send(f"/apply {challenge.id} A fox in ink.")
    await ida.send(f"/apply {challenge.id} A fox in watercolour.")

    shown = await gil.send(f"/challenge {challenge.id}")
    assert "2 application(s)" in shown.text
    calls = await gil.press("Applications")
    listed = [c for c in calls if c.method == "sendMessage"]
    assert len(listed) == 2 and "ink" in listed[0].text and "watercolour" in listed[1].text
    # Reject the first (its buttons are on the first listed message).
    hal_app = await Application.find_one({"proposal": "A fox in ink."})
    reject = next(b for b in listed[0].buttons() if b["text"].endswith("Reject"))
    assert hal_app.id in reject["callback_data"]
    await _press_data(telegram, gil, reject["callback_data"])
    assert (await Application.get(hal_app.id)).state == "rejected"
    assert "was rejected" in hal.last().text
    await gil.press("Accept")  # the newest message with Accept: Ida's application
    assert "was accepted" in ida.last().text
    # Message the accepted applicant from the button; it reaches her as a DM.
    await gil.press("Message")
    await gil.send("Welcome aboard!")
    assert "Welcome aboard!" in ida.last().text and "Gil" in ida.last().text

    # Fund (completed by the gateway's confirmation), then a refund: cancel first, then confirm.
    await gil.send(f"/fund {challenge.id}")
    await gil.press("Fund 50.00 EUR")
    held = await Escrow.find_one({})
    await escrow.confirm_funding(deps, held.id, amount=held.amount, currency=held.currency,
                                 reference=held.checkout_reference)
    await telegram.settle()
    asked = await gil.send(f"/refund {challenge.id}")
    assert "50.00 EUR still held goes back" in asked.text
    calls = await gil.press("Cancel")
    assert any("nothing was changed" in c.text for c in calls)
    assert (await Escrow.find_one({})).state == "funded"
    await gil.send(f"/refund {challenge.id}")
    confirm_message, confirm_button = gil.find_button("Refund 50.00 EUR")
    stale = {**confirm_message}  # what a second, quick tap would still carry
    calls = await gil.press("Refund 50.00 EUR")
    assert any("Refunded" in c.text for c in calls)
    assert (await Escrow.find_one({})).state == "refunded"
    assert (await Challenge.get(challenge.id)).state == "cancelled"
    assert "was refunded" in ida.last().text
    card = [m for (chat, _), m in bot_api.messages.items() if chat == GROUP["id"]][-1]
    assert "cancelled" in card["text"]
    # A second tap of the same confirmation is the same decision: its first result, no money.
    await telegram.feed({"callback_query": {"id": "again", "from": gil.user,
                                            "chat_instance": "ci", "message": stale,
                                            "data": confirm_button["callback_data"]}})
    alert = [c for c in bot_api.calls if c.method == "answerCallbackQuery"][-1]
    assert alert.params["callback_query_id"] == "again" and "Refunded" in alert.params["text"]
    assert (await Escrow.find_one({})).total("refund") == 5_000


async def _press_data(telegram: Telegram, person, data: str) -> None:
    message = next(m for (chat, _), m in reversed(telegram.api.messages.items())
                   if chat == person.id and data in str(m.get("reply_markup")))
    await telegram.feed({"callback_query": {"id": "press", "from": person.user,
                                            "chat_instance": "ci", "message": message,
                                            "data": data}})
