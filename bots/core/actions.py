"""What a button does, as a short string every platform can carry and read back after a
restart: Telegram's callback_data (64 bytes), Discord's custom_id (100 characters), Slack's
action value. Only ids and small numbers travel; everything else is read again from the
domain when the button is pressed, so an old button acts on the newest state (or is refused
by the domain in its own words).

The wire format is the one Telegram's buttons have carried since launch (``ch:view:ID``,
``ap:accept:ID``, ``mo:release:ID:N:1``, ``cv:ID``, ``x``), so buttons already sitting in chats
keep working."""

from __future__ import annotations

from dataclasses import dataclass

# verb -> family prefix. A family decides the shape of the rest of the string.
CHALLENGE_VERBS = ("view", "apps", "apply")
APPLICATION_VERBS = ("accept", "reject", "chat")
MONEY_VERBS = ("fund", "release", "refund")
REPLY, CANCEL = "reply", "cancel"
# Presses that first need words from the person (a proposal, a message): the platform asks
# for them its own way (a wizard step, a modal) and then calls the verb.
NEEDS_INPUT = frozenset({"apply", "chat", REPLY})
MAX_LENGTH = 64


@dataclass(frozen=True)
class Action:
    verb: str
    target: str = ""
    n: int = 0
    # Money steps: False shows what would happen and asks; True (the confirm button) does it.
    confirmed: bool = False

    def pack(self) -> str:
        if self.verb in CHALLENGE_VERBS:
            packed = f"ch:{self.verb}:{self.target}"
        elif self.verb in APPLICATION_VERBS:
            packed = f"ap:{self.verb}:{self.target}"
        elif self.verb in MONEY_VERBS:
            packed = f"mo:{self.verb}:{self.target}:{self.n}:{int(self.confirmed)}"
        elif self.verb == REPLY:
            packed = f"cv:{self.target}"
        elif self.verb == CANCEL:
            packed = "x"
        else:
            raise ValueError(f"no button verb {self.verb!r}")
        if len(packed.encode()) > MAX_LENGTH or ":" in self.target:
            raise ValueError(f"action does not fit a button: {packed!r}")
        return packed

    @classmethod
    def unpack(cls, packed: str) -> Action | None:
        """The action a button carried; None for anything that is not one of ours."""
        family, _, rest = packed.partition(":")
        parts = rest.split(":")
        if family == "x" and not rest:
            return cls(CANCEL)
        if family == "cv" and len(parts) == 1 and parts[0]:
            return cls(REPLY, parts[0])
        if family == "ch" and len(parts) == 2 and parts[0] in CHALLENGE_VERBS and parts[1]:
            return cls(parts[0], parts[1])
        if family == "ap" and len(parts) == 2 and parts[0] in APPLICATION_VERBS and parts[1]:
            return cls(parts[0], parts[1])
        if (family == "mo" and len(parts) == 4 and parts[0] in MONEY_VERBS and parts[1]
                and parts[2].isdigit() and parts[3] in ("0", "1")):
            return cls(parts[0], parts[1], int(parts[2]), parts[3] == "1")
        return None

    @property
    def needs_input(self) -> bool:
        return self.verb in NEEDS_INPUT
