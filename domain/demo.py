"""Demo data: a challenger, two solvers, a moderator, an admin, challenges, an application and
a chat."""

from __future__ import annotations

from domain.deps import Deps
from domain.models.users import Role, User
from domain.services import accounts, applications, challenges, conversations
from domain.services.common import update_where

DEMO_PASSWORD = "demo-password"
DEMO_USERS = (
    ("alice@demo.openchance", "Alice (challenger)", Role.MEMBER),
    ("bob@demo.openchance", "Bob (solver)", Role.MEMBER),
    ("carol@demo.openchance", "Carol (solver)", Role.MEMBER),
    ("mod@demo.openchance", "Mo (moderator)", Role.MODERATOR),
    ("admin@demo.openchance", "Ada (admin)", Role.ADMIN),
)
DEMO_CHALLENGES = (
    {"title": "Speed up our CSV importer", "category": "engineering",
     "description": "Our importer takes 40 s for 1M rows. Make it take under 5 s.",
     "tags": ["python", "performance"], "difficulty": "hard",
     "reward": {"amount": 50_000, "currency": "usd"},
     "milestones": [{"title": "Profile and plan", "amount": 10_000},
                    {"title": "Faster importer merged", "amount": 40_000}]},
    {"title": "Design a logo for a chess club", "category": "design",
     "description": "A friendly, simple logo usable at 32 px and on a banner.",
     "tags": ["logo", "branding"], "difficulty": "easy",
     "reward": {"amount": 15_000, "currency": "eur"}},
    {"title": "Translate our onboarding into Spanish", "category": "writing",
     "description": "About 2,000 words of onboarding copy, friendly tone.",
     "tags": ["translation", "spanish"], "difficulty": "medium",
     "reward": {"amount": 8_000, "currency": "usd"}},
)


async def _demo_user(deps: Deps, email: str, name: str, role: Role) -> User:
    existing = await User.find_one({"email": email})
    if existing is not None:
        return existing
    _, user = await accounts.register(deps, {"email": email, "password": DEMO_PASSWORD,
                                             "display_name": name})
    # Demo addresses take no mail: they count as verified, so digests can reach the outbox.
    return await update_where(User, {"_id": user.id},
                              {"$set": {"role": role, "email_verified": True}}) or user


async def load_demo(deps: Deps) -> None:
    """Idempotent enough to run twice: users are found by email, the rest is added again."""
    alice, bob, carol, *_ = [await _demo_user(deps, *spec) for spec in DEMO_USERS]
    posted = [await challenges.post_challenge(deps, alice.id, spec) for spec in DEMO_CHALLENGES]
    first = posted[0]
    application = await applications.apply(
        deps, bob.id, first.id, {"proposal": "I would switch to a streaming parser and batch "
                                             "the inserts; I have done this twice before."})
    await applications.apply(deps, carol.id, posted[1].id,
                             {"proposal": "Here is my portfolio of club logos."})
    chat = await conversations.open_conversation(deps, alice.id,
                                                 {"application_id": application.id})
    for number, (sender, body) in enumerate(((alice, "Hi Bob, how would you measure the speed-up?"),
                         (bob, "With a 1M-row fixture and hyperfine, before and after."),
                         (alice, "Sounds good. I'll accept once I've read the others.")), 1):
        await conversations.send_message(deps, sender.id, {
            "conversation_id": chat.id, "body": body,
            "client_id": f"demo-{number}"})
