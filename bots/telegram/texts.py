"""How Telegram spells each verb: the usage lines /help prints (and error replies repeat),
and the spellings the core's hints use."""

from __future__ import annotations

USAGE: dict[str, str] = {
    "start": "/start — who you are here and what you can do",
    "help": "/help — this list",
    "link": "/link CODE — join this Telegram account to your web account "
            "(get the code on the web: Profile → Link a chat account; or send /link alone "
            "here and use that code on another chat)",
    "post": "/post — post a challenge, step by step",
    "challenges": "/challenges [words] — open challenges, optionally matching words",
    "challenge": "/challenge ID — one challenge, with its buttons",
    "apply": "/apply ID [proposal] — apply to a challenge",
    "my": "/my — what you posted, solve and applied to",
    "matches": "/matches ID — who would fit a challenge you posted, and why",
    "mymatches": "/mymatches — open challenges that match your profile, and why",
    "alerts": "/alerts on|off — be told when a new challenge matches you well (no word: show)",
    "fund": "/fund ID — pay the reward into escrow (you confirm first)",
    "submit": "/submit ID N NOTE — hand in milestone N of a challenge you solve",
    "release": "/release ID [N] — pay milestone N to the solver (you confirm first)",
    "refund": "/refund ID — give the escrow back to you (you confirm first)",
    "review": "/review ID RATING TEXT — rate the other side 1 to 5 after completion",
    "settings": "/settings [telegram|email|web] [messages|all|KIND] on|off — what reaches "
                "you where (no words: show)",
    "community": "/community on|off [@channel] — (chat admins) announce new challenges here",
    "cancel": "/cancel — stop what you are in the middle of",
    "ban": "/ban USER_ID [reason] — (moderators) ban a user; or reply to their message",
    "unban": "/unban USER_ID — (moderators) lift a ban",
    "remove": "/remove ID — (moderators) take a challenge down",
    "reports": "/reports — (moderators) open reports",
    "flags": "/flags — (moderators) open money flags: ledger/gateway mismatches, stuck or "
             "unexpected payments",
}

# For the core's hints (``bots.core.caller.Commands``).
COMMANDS = {"help": "/help", "link": "/link CODE", "post": "/post", "list": "/challenges",
            "my": "/my", "fund": "/fund {id}", "submit": "/submit {id} N NOTE",
            "release": "/release {id} N", "settings": "/settings [CHANNEL] [KIND] on|off",
            "mymatches": "/mymatches", "alerts": "/alerts on|off"}
MODERATOR_COMMANDS = ("ban", "unban", "remove", "reports", "flags")
# Commands about one person's own account or money (and the moderators' money flags):
# answered only in a private chat.
PRIVATE_ONLY = ("link", "post", "apply", "my", "settings", "fund", "submit", "release",
                "refund", "review", "cancel", "matches", "flags", "mymatches", "alerts")


def help_text() -> str:
    general = [line for name, line in USAGE.items() if name not in MODERATOR_COMMANDS]
    moderation = [USAGE[name] for name in MODERATOR_COMMANDS]
    return ("<b>OpenChance</b> — post challenges, solve them, get paid through escrow.\n\n"
            + "\n".join(general) + "\n\n<b>Moderators</b>\n" + "\n".join(moderation))
