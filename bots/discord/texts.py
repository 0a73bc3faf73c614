"""How Discord spells each verb: for the core's hints, /help, and usage lines in refusals."""

from __future__ import annotations

COMMANDS = {"help": "/help", "link": "/link code:", "post": "/challenge post",
            "list": "/challenge list", "my": "/my", "fund": "/escrow fund id:{id}",
            "submit": "/escrow submit id:{id} n: note:", "release": "/escrow release id:{id} n:",
            "settings": "/settings channel: kind: on:",
            "mymatches": "/challenge mymatches", "alerts": "/alerts on:"}

# Keyed by the command's qualified name (and the core's verb where they differ).
USAGE: dict[str, str] = {
    "help": "/help — what I can do",
    "link": "/link code: — join this Discord account to your account (code from the web, or "
            "from /link with no code on another chat); no code: get one to use elsewhere",
    "challenge post": "/challenge post — post a challenge (a form opens)",
    "challenge list": "/challenge list query: — open challenges, optionally matching words",
    "challenge show": "/challenge show id: — one challenge, with its buttons",
    "challenge matches": "/challenge matches id: — who would fit a challenge you posted, and why",
    "challenge mymatches": "/challenge mymatches — open challenges that match your profile, "
                           "and why",
    "apply": "/apply id: — apply to a challenge (a form opens)",
    "my": "/my — what you posted, solve and applied to",
    "settings": "/settings channel: kind: on: — what reaches you where (no options: show)",
    "alerts": "/alerts on: — be told when a new challenge matches you well (no option: show)",
    "escrow fund": "/escrow fund id: — pay the reward into escrow (you confirm first)",
    "escrow submit": "/escrow submit id: n: note: — hand in milestone n",
    "escrow release": "/escrow release id: n: — pay milestone n to the solver (you confirm "
                      "first)",
    "escrow refund": "/escrow refund id: — give the escrow back (you confirm first)",
    "review": "/review id: rating: text: — rate the other side 1 to 5 after completion",
    "announcements": "/announcements on: — (Manage Server) announce new challenges in this "
                     "channel, or stop",
    "mod ban": "/mod ban user: reason: — (moderators) ban a user",
    "mod unban": "/mod unban user: — (moderators) lift a ban",
    "mod remove": "/mod remove id: reason: — (moderators) take a challenge down",
    "mod reports": "/mod reports — (moderators) open reports",
    "mod flags": "/mod flags — (moderators) open money flags: ledger/gateway mismatches, stuck "
                 "or unexpected payments",
}
VERB_COMMAND = {"post": "challenge post", "challenge": "challenge show", "submit": "escrow submit",
                "release": "escrow release", "fund": "escrow fund", "refund": "escrow refund",
                "ban": "mod ban", "unban": "mod unban", "remove": "mod remove",
                "matches": "challenge matches", "mymatches": "challenge mymatches"}


def help_text() -> str:
    general = [line for name, line in USAGE.items() if not name.startswith("mod ")]
    moderation = [line for name, line in USAGE.items() if name.startswith("mod ")]
    return ("**OpenChance** — post challenges, solve them, get paid through escrow.\n\n"
            + "\n".join(general) + "\n\n**Moderators**\n" + "\n".join(moderation))
