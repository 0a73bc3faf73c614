"""How Slack spells each verb: one slash command, ``/challenge``, whose first word is the verb
(and ``/challenge-mod`` for moderators). Used for the core's hints, help, and usage lines."""

from __future__ import annotations

COMMAND, MOD_COMMAND = "/challenge", "/challenge-mod"

COMMANDS = {"help": "/challenge help", "link": "/challenge link CODE",
            "post": "/challenge post", "list": "/challenge list", "my": "/challenge my",
            "fund": "/challenge fund {id}", "submit": "/challenge submit {id} N NOTE",
            "release": "/challenge release {id} N",
            "settings": "/challenge settings [CHANNEL] [KIND] on|off",
            "mymatches": "/challenge mymatches", "alerts": "/challenge alerts on|off"}

# Keyed by verb (the first word after the command).
USAGE: dict[str, str] = {
    "help": "/challenge help — what I can do",
    "link": "/challenge link CODE — join this Slack account to your account (code from the "
            "web, or from /challenge link with no code on another chat); no code: get one",
    "post": "/challenge post — post a challenge (a form opens)",
    "list": "/challenge list [words] — open challenges, optionally matching words",
    "show": "/challenge show ID — one challenge, with its buttons",
    "matches": "/challenge matches ID — who would fit a challenge you posted, and why",
    "mymatches": "/challenge mymatches — open challenges that match your profile, and why",
    "apply": "/challenge apply ID — apply to a challenge (a form opens)",
    "my": "/challenge my — what you posted, solve and applied to",
    "fund": "/challenge fund ID — pay the reward into escrow (you confirm first)",
    "submit": "/challenge submit ID N NOTE — hand in milestone N",
    "release": "/challenge release ID [N] — pay milestone N to the solver (you confirm first)",
    "refund": "/challenge refund ID — give the escrow back (you confirm first)",
    "review": "/challenge review ID RATING TEXT — rate the other side 1 to 5 after completion",
    "settings": "/challenge settings [CHANNEL] [KIND] on|off — what reaches you where",
    "alerts": "/challenge alerts on|off — be told when a new challenge matches you well "
              "(no word: show)",
    "announce": "/challenge announce on|off — (workspace admins) announce new challenges in "
                "this channel, or stop",
}
MOD_USAGE: dict[str, str] = {
    "ban": "/challenge-mod ban @user|USER_ID [reason] — ban a user",
    "unban": "/challenge-mod unban @user|USER_ID — lift a ban",
    "remove": "/challenge-mod remove ID [reason] — take a challenge down",
    "reports": "/challenge-mod reports — open reports",
    "flags": "/challenge-mod flags — open money flags: ledger/gateway mismatches, stuck or "
             "unexpected payments",
}
# The core's verb names where they differ from ours (a UsageError names the core's verb).
VERB_ALIASES = {"challenge": "show"}


def usage_of(verb: str, *, moderating: bool = False) -> str | None:
    verb = VERB_ALIASES.get(verb, verb)
    return (MOD_USAGE if moderating else USAGE).get(verb) or USAGE.get(verb) or \
        MOD_USAGE.get(verb)


def help_text() -> str:
    return ("*OpenChance* — post challenges, solve them, get paid through escrow.\n\n"
            + "\n".join(USAGE.values()) + "\n\n*Moderators*\n" + "\n".join(MOD_USAGE.values()))
