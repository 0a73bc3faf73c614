"""Refusals from Discord: a member's /mod ban, a non-admin's channel opt-in, money buttons
pressed by someone else, a stale button after the state moved on. Each gets a clear answer
only that person sees (ephemeral), and changes nothing."""

from __future__ import annotations

import copy
from typing import Any

from domain.models.challenges import Application
from domain.models.escrow import Escrow
from domain.models.social import Community
from domain.models.users import Platform, User
from domain.services import accounts, applications, challenges, escrow
from tests.bots.discord.conftest import GUILD, Discord, Person
from tests.bots.discord.fake_discord_api import EPHEMERAL, Sent
from tests.conftest import challenge_data


def private_answer(person: Person, token: str) -> Sent:
    [answer] = person.answers(token)
    assert answer.payload["flags"] & EPHEMERAL and answer.visible_to == person.id
    return answer


def snapshot(sent: Sent) -> Sent:
    return Sent(copy.deepcopy(sent.payload), sent.visible_to)


async def _account(deps: Any, person: Person) -> User:
    return await accounts.platform_user(deps, Platform.DISCORD, str(person.id), person.name)


async def test_members_cannot_moderate_or_opt_channels_in(discord: Discord, deps: Any) -> None:
    eve, mo = discord.person(810_001, "Eve"), discord.person(810_002, "Mo")
    target = await _account(deps, mo)
    refused = private_answer(eve, await eve.command("mod ban", in_guild=True,
                                                    user=str(mo.id), reason="dislike"))
    assert "moderators only" in refused.text
    refused = private_answer(eve, await eve.command("mod ban", user_id=target.id))
    assert "moderators only" in refused.text
    assert not (await User.get(target.id)).banned

    # Eve is a plain member of the server (no Manage Server): Discord says so over REST.
    discord.api.add_member(GUILD, eve.user, roles=[])
    refused = private_answer(eve, await eve.command("announcements", in_guild=True, on=True))
    assert "only admins of “#makers” can change its announcements" in refused.text
    assert await Community.count() == 0


async def test_money_buttons_of_someone_else_and_stale_buttons(discord: Discord,
                                                               deps: Any) -> None:
    owner, solver = discord.person(820_001, "Olga"), discord.person(820_002, "Sam")
    olga, sam = await _account(deps, owner), await _account(deps, solver)
    challenge = await challenges.post_challenge(deps, olga.id, challenge_data())
    application = await applications.apply(deps, sam.id, challenge.id, {"proposal": "me"})
    await discord.settle()
    accept_dm = owner.find("Accept")[0]
    as_first_shown = snapshot(accept_dm)  # what a quick second tap still carries
    await owner.press("Accept", accept_dm)
    assert (await Application.get(application.id)).state == "accepted"

    # The same Accept button again: the state moved on.
    stale = private_answer(owner, await owner.press("Accept", as_first_shown))
    assert stale.text.startswith("⏳") and "accepted" in stale.text

    # Sam presses the challenger's fund confirmation: refused, nothing is started.
    confirm = await owner.ask("escrow fund", id=challenge.id)
    refused = private_answer(solver, await solver.press("Fund 300.00 USD", confirm))
    assert refused.text.startswith("⛔") and await Escrow.find_one({}) is None
    held, _ = await escrow.start_funding(deps, olga.id, challenge.id)
    await escrow.confirm_funding(deps, held.id, amount=held.amount, currency=held.currency,
                                 reference=held.checkout_reference)
    # Sam presses the release confirmation Olga was shown: refused; nothing moves.
    confirm = await owner.ask("escrow release", id=challenge.id, n=1)
    refused = private_answer(solver, await solver.press("Release 100.00 USD", confirm))
    assert "only the challenger releases milestones" in refused.text
    assert (await Escrow.find_one({})).held == 30_000
    assert [b["label"] for b in discord.api.messages[confirm.id].buttons()] == [
        "✅ Release 100.00 USD", "Cancel"]  # Olga's confirmation is untouched

    # Olga releases; her second tap of the same confirmation is the same money decision: it
    # answers the first one's result (no refusal) and pays nothing twice.
    as_first_shown = snapshot(confirm)
    await owner.press("Release 100.00 USD", confirm)
    again = await owner.press("Release 100.00 USD", as_first_shown)
    assert not [a for a in owner.answers(again) if a.text.startswith(("⛔", "⏳", "⚠"))]
    assert (await Escrow.find_one({})).held == 20_000
    assert len([e for e in (await Escrow.find_one({})).ledger if e.kind == "release"]) == 1


async def test_settings_from_discord(discord: Discord, deps: Any) -> None:
    from domain.services import notification_preferences

    pia = discord.person(870_001, "Pia")
    shown = await pia.ask("settings")
    assert "message: on here" in shown.text
    changed = await pia.ask("settings", kind="messages", on=False)
    assert "message: off here" in changed.text
    user = await _account(deps, pia)
    assert not await notification_preferences.wants(user.id, "message", "discord")
    refused = private_answer(pia, await pia.command("settings", kind="pigeons", on=True))
    assert "No kind 'pigeons'" in refused.text and "Usage: /settings" in refused.text
