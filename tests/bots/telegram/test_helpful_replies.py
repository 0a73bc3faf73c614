"""Unknown IDs, wrong numbers, commands in the wrong chat, linking, and the wizard's re-asks:
each gets a reply that says what went wrong and how to do it, and changes nothing."""

from __future__ import annotations

from domain.models.challenges import Challenge
from domain.models.escrow import Escrow
from domain.models.social import Community
from domain.models.users import PlatformIdentity
from domain.services import accounts, applications, challenges, escrow
from tests.bots.telegram.conftest import Telegram
from tests.bots.telegram.fake_bot_api import FakeBotApi
from tests.conftest import challenge_data

GROUP = {"id": -100900, "type": "group", "title": "Chatters"}
UNKNOWN_ID = "0123456789abcdef01234567"


async def test_unknown_ids_and_missing_arguments(telegram: Telegram) -> None:
    kim = telegram.person(5001, "Kim")
    missing = await kim.send("/challenge")
    assert "The challenge ID is missing" in missing.text and "Usage: /challenge ID" in missing.text
    for command in (f"/challenge {UNKNOWN_ID}", f"/apply {UNKNOWN_ID} hi", "/fund nope",
                    f"/release {UNKNOWN_ID}", f"/review {UNKNOWN_ID} 5 ok"):
        answer = await kim.send(command)
        assert "not found" in answer.text and "/challenges lists" in answer.text, command
    assert "I don't know /frobnicate" in (await kim.send("/frobnicate")).text
    assert "/help" in (await kim.send("hello there")).text


async def test_wrong_numbers(telegram: Telegram, users, deps) -> None:
    owner, solver = await users.make("owner"), await users.make("solver")
    challenge = await challenges.post_challenge(deps, owner.id, challenge_data())
    await accounts.redeem_link_code(deps, "telegram", "5101",
                                    await accounts.create_link_code(deps, owner.id))
    await accounts.redeem_link_code(deps, "telegram", "5102",
                                    await accounts.create_link_code(deps, solver.id))
    application = await applications.apply(deps, solver.id, challenge.id, {"proposal": "me"})
    await applications.accept(deps, owner.id, application.id)
    held, _ = await escrow.start_funding(deps, owner.id, challenge.id)
    await escrow.confirm_funding(deps, held.id, amount=held.amount, currency=held.currency,
                                 reference=held.checkout_reference)
    boss, worker = telegram.person(5101, "Boss"), telegram.person(5102, "Worker")
    await telegram.settle()  # the "escrow funded" DMs first, so each answer below is the last

    assert "milestone 7 does not exist" in (await boss.send(f"/release {challenge.id} 7")).text
    answer = await boss.send(f"/release {challenge.id} two")
    assert "is not a milestone number" in answer.text and "Usage: /release" in answer.text
    answer = await worker.send(f"/submit {challenge.id} first the plan")
    assert "milestone number must be an integer" in answer.text
    assert "Usage: /submit" in answer.text
    assert "Add a note" in (await worker.send(f"/submit {challenge.id} 1")).text
    answer = await boss.send(f"/review {challenge.id} five great")
    assert "rating" in answer.text and "Usage: /review" in answer.text
    assert "reviews open once the challenge is completed" in (
        await boss.send(f"/review {challenge.id} 5 great")).text
    answer = await worker.send(f"/release {challenge.id} 1")
    assert "only the challenger releases" not in answer.text  # the confirmation only asks ...
    await worker.press("Release 100.00 USD")  # ... the domain refuses when it would pay
    assert bot_api_alert(telegram) == "⛔ only the challenger releases milestones."
    assert (await Escrow.find_one({})).held == 30_000  # nothing moved


def bot_api_alert(telegram: Telegram) -> str:
    return [c for c in telegram.api.calls if c.method == "answerCallbackQuery"][-1].params["text"]


async def test_commands_in_the_wrong_chat(telegram: Telegram, bot_api: FakeBotApi) -> None:
    lee = telegram.person(5201, "Lee")
    for command in ("/post", "/fund x", "/link ABCD1234", "/my"):
        answer = await lee.send(command, chat=GROUP)
        assert "send it to me in a private chat" in answer.text, command
        assert "t.me/openchance_test_bot" in answer.text
    assert not lee.texts()  # nothing went to Lee privately either
    refused = await lee.send("/community on", chat=GROUP)
    assert "only admins of “Chatters”" in refused.text
    answer = await lee.send("/community on")
    assert "name the channel" in answer.text
    assert not await Community.find({}).to_list()
    # From a private chat, the admin of a channel opts the channel in.
    bot_api.chats["@lee_news"] = {"id": -100901, "type": "channel", "title": "Lee News"}
    bot_api.chat_members[(-100901, lee.id)] = "administrator"
    assert "announced in Lee News" in (await lee.send("/community on @lee_news")).text
    assert [c.external_id for c in await Community.find({}).to_list()] == ["-100901"]
    assert "cannot see @nobody" in (await lee.send("/community on @nobody")).text


async def test_link_joins_the_telegram_account_to_a_web_account(
        telegram: Telegram, users, deps) -> None:
    web_user = await users.make("webby")
    await challenges.post_challenge(deps, web_user.id, challenge_data(title="Posted on the web"))
    max_ = telegram.person(5301, "Max")
    wrong = await max_.send("/link WRONGCODE")
    assert "unknown, used or expired" in wrong.text
    code = await accounts.create_link_code(deps, web_user.id)
    assert "now acts as webby" in (await max_.send(f"/link {code}")).text
    identity = await PlatformIdentity.find_one({"platform": "telegram", "external_id": "5301"})
    assert identity.user_id == web_user.id
    assert "Posted on the web" in (await max_.send("/my")).text
    assert "unknown, used or expired" in (await max_.send(f"/link {code}")).text


async def test_wizard_reasks_what_the_domain_refuses(telegram: Telegram) -> None:
    uma = telegram.person(5401, "Uma")
    await uma.send("/post")
    for answer in ("Hi", "Too short a title, the domain will say", "design", "skip"):
        await uma.send(answer)
    unreadable = await uma.send("12.345 usd")
    assert "could not read 12.345" in unreadable.text
    await uma.send("12 usd")
    await uma.send("Half: 5\nOther half: 5")
    calls = await uma.press("Post it")
    asked = next(c for c in calls if c.method == "sendMessage")
    assert "title" in asked.text and "Step 1/6" in asked.text  # "Hi" is under 3 characters
    preview = await uma.send("Hi there")  # the other answers are kept: straight to preview
    assert "Preview" in preview.text
    calls = await uma.press("Post it")
    asked = next(c for c in calls if c.method == "sendMessage")
    assert "milestone amounts add up to 1000, not the reward 1200" in asked.text
    assert "Step 6/6" in asked.text
    preview = await uma.send("Half: 6\nOther half: 6")
    assert "Preview" in preview.text
    await uma.press("Post it")
    assert [c.title for c in await Challenge.find({}).to_list()] == ["Hi there"]
    assert "no longer active" in (await _press_stale(uma, telegram))


async def _press_stale(person, telegram: Telegram) -> str:
    await person.press("Post it")
    return [c for c in telegram.api.calls if c.method == "answerCallbackQuery"][-1].params["text"]
