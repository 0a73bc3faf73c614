"""One cog per feature; ``COGS`` is what the bot loads, in order."""

from __future__ import annotations

from bots.discord.cogs.account import Account
from bots.discord.cogs.applying import Applying
from bots.discord.cogs.challenges import Challenges
from bots.discord.cogs.communities import Communities
from bots.discord.cogs.escrow import EscrowCog
from bots.discord.cogs.moderation import Moderation
from bots.discord.cogs.reviews import Reviews

COGS = (Account, Challenges, Applying, EscrowCog, Reviews, Moderation, Communities)
