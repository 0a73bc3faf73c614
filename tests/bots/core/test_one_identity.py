"""A person who ties Telegram and Discord to one account is one user everywhere: one
reputation, one inbox, one conversation list, and DMs on both platforms."""

from __future__ import annotations

from bots.core.rich import plain
from bots.core.verbs import account, applying, chat
from domain.models.users import Platform, PlatformIdentity
from domain.services import accounts, applications, challenges, conversations, notifications
from tests.bots.core.conftest import Chat
from tests.bots.core.recording_platform import RecordingPlatform
from tests.conftest import Users, challenge_data


async def test_telegram_and_discord_accounts_are_one_user(deps, storage, users: Users) -> None:
    telegram = Chat(deps, RecordingPlatform(platform=Platform.TELEGRAM))
    discord = Chat(deps, RecordingPlatform(platform=Platform.DISCORD))
    on_telegram = await telegram.person("tg-5", "Pia")
    issued = await account.link(on_telegram, "")  # a bare link issues a code
    code = next(span.text for span in issued.body if span.style == "code")
    first_contact = await discord.person("dc-5", "pia#0001")
    assert first_contact.user.id != on_telegram.user.id
    linked = await account.link(first_contact, code)
    assert "now acts as Pia" in plain(linked.body)
    on_discord = await discord.person("dc-5", "pia#0001")
    assert on_discord.user.id == on_telegram.user.id
    assert sorted((i.platform, i.external_id) for i in await PlatformIdentity.find(
        {"user_id": on_telegram.user.id}).to_list()) == [("discord", "dc-5"),
                                                          ("telegram", "tg-5")]

    # Applied from Discord, the challenger's answer reaches both of Pia's chats.
    owner = await users.make("owner")
    challenge = await challenges.post_challenge(deps, owner.id, challenge_data())
    await applying.apply(on_discord, challenge.id, "I can do it.")
    [application] = await applications.list_applications(on_telegram.user.id, challenge.id)
    await applications.accept(deps, owner.id, application.id)
    conversation_id = await applying.open_chat(on_telegram, application.id)
    await conversations.send_message(deps, owner.id, {
        "conversation_id": conversation_id, "body": "Welcome!", "client_id": "w-1"})
    await telegram.settle()
    await discord.settle()
    for platform, person in ((telegram.platform, "tg-5"), (discord.platform, "dc-5")):
        texts = platform.dm_texts(person)
        assert any("was accepted" in t for t in texts) and any("Welcome!" in t for t in texts)

    # One conversation list, one inbox, whichever chat asks.
    await chat.send(on_discord, conversation_id, "Thanks, from Discord", "dc:1")
    await chat.send(on_telegram, conversation_id, "And from Telegram", "tg:1")
    [(listed, _)] = await conversations.list_conversations(on_discord.user.id)
    assert listed.id == conversation_id
    history = await conversations.history(on_telegram.user.id, conversation_id)
    assert [m.body for m in history] == ["Welcome!", "Thanks, from Discord", "And from Telegram"]
    assert len({m.sender_id for m in history[1:]}) == 1
    inbox = await notifications.inbox(on_discord.user.id)
    assert [n.kind for n in inbox] == ["application.accepted"]
    # Reviews (and so reputation) belong to the user, not to a chat account.
    profile, _ = await accounts.public_profile(on_discord.user.id)
    assert profile.id == on_telegram.user.id
