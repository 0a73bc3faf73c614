"""Refusals: moderator commands from members, announcements switched by a non-admin, buttons
pressed by someone they were not for (a forwarded DM, a confirmation), and commands that
cannot be read. Each is explained to the person alone and changes nothing."""

from __future__ import annotations

from domain.models.challenges import Application, Challenge
from domain.models.escrow import Escrow
from domain.models.social import Community
from domain.models.users import PlatformIdentity, Role, User
from domain.services.common import update_where
from tests.bots.slack.conftest import CHANNEL, Person, Slack
from tests.bots.slack.fake_slack_api import FakeSlackApi


async def post_and_apply(slack: Slack) -> tuple[Challenge, Person, Person]:
    carol, dave = slack.person("U0CAROL", "Carol"), slack.person("U0DAVE", "Dave")
    await carol.command("post")
    await carol.fill(title="Index the archive", description="Full-text search for it.",
                     category="engineering", reward="120 eur")
    challenge = (await Challenge.find({}).to_list())[0]
    await dave.command(f"apply {challenge.id}")
    await dave.fill(proposal="SQLite FTS5, done by Friday.")
    return challenge, carol, dave


async def test_moderator_commands_are_refused_to_members(slack: Slack) -> None:
    challenge, carol, dave = await post_and_apply(slack)
    for text in ("ban <@U0CAROL|carol> spam", "unban <@U0CAROL|carol>",
                 f"remove {challenge.id} spam", "reports"):
        answer = await dave.ask(text, mod=True)
        assert answer.visible_to == dave.id and "⛔" in answer.readable, answer.readable
    assert not (await User.find({"banned": True}).to_list())
    assert (await Challenge.get(challenge.id)).state == "open"

    # The same command from an OpenChance moderator (roles are the domain's, not Slack's).
    identity = await PlatformIdentity.find_one({"external_id": f"T0001:{dave.id}"})
    await update_where(User, {"_id": identity.user_id}, {"$set": {"role": Role.MODERATOR}})
    banned = await dave.ask("ban <@U0CAROL|carol> spam", mod=True)
    assert "is banned" in banned.readable
    carol_user = await PlatformIdentity.find_one({"external_id": f"T0001:{carol.id}"})
    assert (await User.get(carol_user.user_id)).banned
    refused = await carol.ask("my")
    assert "⛔" in refused.readable and "banned" in refused.readable, refused.readable


async def test_announcements_need_a_workspace_admin(slack: Slack) -> None:
    member = slack.person("U0MEM", "Mem")
    answer = await member.ask("announce on", channel=CHANNEL)
    assert "only admins" in answer.readable and answer.visible_to == member.id
    assert await Community.find({}).count() == 0


async def test_buttons_pressed_by_the_wrong_person_are_refused(
        slack: Slack, slack_api: FakeSlackApi) -> None:
    challenge, carol, _ = await post_and_apply(slack)
    eve = slack.person("U0EVE", "Eve")
    # Carol's DM with the Accept button, forwarded to Eve (its button carries only ids).
    dm, accept = carol.find("Accept")
    [refusal] = await eve.press_button(dm, accept)
    assert refusal.visible_to == eve.id and "⛔" in refusal.readable
    assert (await Application.find_one({})).state == "pending"
    assert slack_api.messages[dm.ts].edits == 0  # Carol's DM is untouched

    # A money confirmation meant for Carol, pressed by Eve.
    await carol.press("Accept", dm)
    confirm = await carol.ask(f"fund {challenge.id}")
    fund = next(b for b in confirm.buttons() if "Fund" in b["text"]["text"])
    [refusal] = await eve.press_button(confirm, fund)
    assert "⛔" in refusal.readable and await Escrow.find_one({}) is None
    assert slack_api.messages[confirm.ts].edits == 0


async def test_unreadable_commands_repeat_their_usage(slack: Slack) -> None:
    ann = slack.person("U0ANN", "Ann")
    submit = await ann.ask("submit")
    assert "is missing" in submit.readable and "Usage: /challenge submit ID N NOTE" in \
        submit.readable
    unknown = await ann.ask("frobnicate")
    assert "frobnicate" in unknown.readable and "/challenge help" in unknown.readable
    missing = await ann.ask("show nosuchid")
    assert "🔎" in missing.readable and "/challenge list" in missing.readable
