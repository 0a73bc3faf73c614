"""One async function per verb of the bot table (CONTRACT.md): each reads its arguments
(already split by the platform or by ``bots.core.grammar``), calls one domain service and
returns a ``Reply`` or a ``Confirm``. Refusals are raised (domain errors, ``UsageError``) and
turned into answers by ``bots.core.errors.explain``."""
