"""The marketplace through the core alone: verbs, presses, confirmations, and what the
delivery consumer sends through the platform port (DMs, cards edited in place)."""

from __future__ import annotations

import pytest

from bots.core.actions import Action
from bots.core.errors import explain
from bots.core.press import press
from bots.core.results import Confirm, Place, Reply, as_replies
from bots.core.rich import plain
from bots.core.verbs import applying, communities, escrow, posting, reviews
from domain.errors import DomainError, Forbidden
from domain.models.escrow import Escrow
from domain.models.social import Community
from domain.services import escrow as escrow_service
from tests.bots.core.conftest import Chat
from tests.conftest import challenge_data

GUILD_CHANNEL = Place("777", "#makers", private=False, server_id="70")


def buttons(reply: Reply) -> dict[str, Action]:
    rows = reply.buttons + (reply.card.buttons if reply.card else ())
    return {b.label: b.action for row in rows for b in row if b.action is not None}


async def test_post_apply_accept_fund_submit_release_review(chat: Chat, deps) -> None:
    carol, dave = await chat.person("c1", "Carol"), await chat.person("d1", "Dave")
    chat.platform.admins.add((GUILD_CHANNEL.external_id, "c1"))
    opted = await communities.announcements(carol, chat.platform, GUILD_CHANNEL, on=True)
    assert "announced in #makers" in plain(opted.body)

    posted = await posting.post(carol, challenge_data(title="Port the parser"))
    assert posted.card is not None and posted.card.facts[0] == "300.00 USD"
    await chat.settle()
    [(where, ref)] = list(chat.platform.cards)
    assert where == "777" and chat.platform.cards[(where, ref)].in_community
    assert list(buttons(Reply(card=chat.platform.cards[(where, ref)]))) == ["Apply"]
    challenge_id = posted.card.challenge_id

    applied = await applying.apply(dave, challenge_id, "I wrote three parsers.")
    assert "Applied" in plain(applied.body)
    await chat.settle()
    to, dm = chat.platform.dms[-1]
    assert to == "c1" and "three parsers" in plain(dm.body)
    accept = buttons(dm)["✅ Accept"]
    decided = as_replies(await press(carol, accept))[0]
    assert decided.replaces and "escrow fund id:" in plain(decided.body)
    await chat.settle()
    assert any("was accepted" in t for t in chat.platform.dm_texts("d1"))
    assert "in progress" in chat.platform.cards[(where, ref)].status  # edited in place

    asked = await escrow.ask_fund(carol, challenge_id)
    assert isinstance(asked, Confirm) and asked.label == "Fund 300.00 USD"
    assert await Escrow.find_one({}) is None  # asking moved nothing
    [checkout] = as_replies(await press(carol, asked.action))
    pay = [b for row in checkout.buttons for b in row if b.url]
    assert pay and "simulated" in plain(checkout.body)
    held = await Escrow.find_one({})
    await escrow_service.confirm_funding(deps, held.id, amount=held.amount,
                                         currency=held.currency,
                                         reference=held.checkout_reference)
    await chat.settle()
    funded = [t for t in chat.platform.dm_texts("d1") if "escrow for" in t]
    assert funded and f"/escrow submit id:{challenge_id}" in funded[0]

    await escrow.submit(dave, challenge_id, 1, "Plan at https://example.org/plan")
    await chat.settle()
    to, dm = chat.platform.dms[-1]
    assert to == "c1" and "submitted for review" in plain(dm.body)
    [ask] = await press(carol, buttons(dm)["Release milestone 1…"])
    assert isinstance(ask, Confirm) and "100.00 USD goes to the solver" in plain(ask.text)
    [released] = as_replies(await press(carol, ask.action))
    assert "Milestone 1 released" in plain(released.body)
    ask = await escrow.ask_release(carol, challenge_id, 2)
    assert isinstance(ask, Confirm)
    await press(carol, ask.action)
    assert (await Escrow.find_one({})).state == "released"
    await chat.settle()
    assert "completed" in chat.platform.cards[(where, ref)].status

    assert "5/5" in plain((await reviews.review(carol, challenge_id, 5, "Careful")).body)
    assert "4/5" in plain((await reviews.review(dave, challenge_id, 4, "Clear")).body)


async def test_refusals_change_nothing(chat: Chat, deps) -> None:
    owner, solver = await chat.person("o1", "Owner"), await chat.person("s1", "Solver")
    stranger = await chat.person("x1", "Stranger")
    with pytest.raises(Forbidden, match="only admins of “#makers”"):
        await communities.announcements(stranger, chat.platform, GUILD_CHANNEL, on=True)
    assert await Community.count() == 0

    challenge_id = (await posting.post(owner, challenge_data())).card.challenge_id
    application = await applying.apply(solver, challenge_id, "me")
    accept = Action("accept", plain(application.body).split()[-1])
    with pytest.raises(Forbidden):
        await press(stranger, accept)  # someone else's button
    await press(owner, accept)
    with pytest.raises(DomainError) as stale:  # the same button, after the state moved on
        await press(owner, accept)
    assert explain(stale.value, chat.platform.commands).text.startswith("⏳")

    fund = (await escrow.ask_fund(owner, challenge_id)).action
    with pytest.raises(Forbidden):
        await press(stranger, fund)
    await press(owner, fund)
    held = await Escrow.find_one({})
    await escrow_service.confirm_funding(deps, held.id, amount=held.amount,
                                         currency=held.currency,
                                         reference=held.checkout_reference)
    release = (await escrow.ask_release(owner, challenge_id, 1)).action
    refund = (await escrow.ask_refund(owner, challenge_id)).action
    for pressed_by_someone_else in (release, refund):
        with pytest.raises(Forbidden) as refused:
            await press(solver, pressed_by_someone_else)
        assert explain(refused.value, {}).text.startswith("⛔")
    assert (await Escrow.find_one({})).held == 30_000


async def test_unreachable_people_and_communities_are_skipped(chat: Chat, deps) -> None:
    owner, solver = await chat.person("o2", "Owner"), await chat.person("s2", "Solver")
    chat.platform.admins.add(("gone", "o2"))
    await communities.announcements(owner, chat.platform, Place("gone", "Gone", False), on=True)
    chat.platform.unreachable |= {"gone", "o2"}
    challenge_id = (await posting.post(owner, challenge_data())).card.challenge_id
    await applying.apply(solver, challenge_id, "me")
    await chat.settle()
    assert not chat.platform.cards and not chat.platform.dms


async def test_an_event_handled_twice_posts_one_card(chat: Chat, deps) -> None:
    owner = await chat.person("o3", "Owner")
    chat.platform.admins.add(("777", "o3"))
    await communities.announcements(owner, chat.platform, GUILD_CHANNEL, on=True)
    challenge_id = (await posting.post(owner, challenge_data())).card.challenge_id
    await chat.settle()
    from bots.core.delivery import Delivery
    from domain.events import ChallengePosted

    await Delivery(chat.platform).handle(ChallengePosted(challenge_id=challenge_id), "1-0")
    assert len(chat.platform.cards) == 1


async def test_preferences_decide_the_dm_and_a_dm_is_not_mailed_again(chat: Chat,
                                                                        deps) -> None:
    from domain.models.alerts import PendingAlert
    from domain.services import conversations, notification_preferences

    owner, solver = await chat.person("o4", "Owner"), await chat.person("s4", "Solver")
    await notification_preferences.set_choices(
        owner.user.id, {"application.received": {"discord": False}})
    challenge_id = (await posting.post(owner, challenge_data())).card.challenge_id
    application = await applying.apply(solver, challenge_id, "me")
    await chat.settle()
    assert not chat.platform.dm_texts("o4")  # off on Discord (still in the inbox)

    conversation_id = await applying.open_chat(owner, plain(application.body).split()[-1])
    sent = await conversations.send_message(deps, owner.user.id, {
        "conversation_id": conversation_id, "body": "Hi", "client_id": "c-1"})
    await chat.settle()
    assert any("Hi" in t for t in chat.platform.dm_texts("s4"))
    alert = await PendingAlert.find_one({"user_id": solver.user.id,
                                         "ref": f"message:{sent.id}"})
    assert alert is not None and alert.state == "reached" and alert.reached_on == ["discord"]
    await conversations.send_message(deps, solver.user.id, {
        "conversation_id": conversation_id, "body": "Hello back", "client_id": "c-2"})
    await chat.settle()
    assert chat.platform.dm_texts("o4") == ["💬 Solver: Hello back\n\nPress Reply to answer."]


async def test_settings_from_a_chat(chat: Chat) -> None:
    from bots.core.grammar import UsageError
    from bots.core.verbs import settings
    from domain.services import notification_preferences

    pia = await chat.person("p5", "Pia")
    shown = plain((await settings.settings(pia)).body)
    assert "• message: on here, on by email" in shown
    await settings.settings(pia, *settings.read("messages off"))
    await settings.settings(pia, *settings.read("email all off"))
    assert not await notification_preferences.wants(pia.user.id, "message", "discord")
    assert await notification_preferences.wants(pia.user.id, "escrow.funded", "discord")
    assert not await notification_preferences.wants(pia.user.id, "escrow.funded", "email")
    for wrong in ("messages", "nonsense off", "discord all fast off"):
        with pytest.raises(UsageError):
            settings.read(wrong)
