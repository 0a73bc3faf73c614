"""Matching solvers and challenges: who should solve this, what should I solve.

A match blends four signals into a score from 0 to 1, and says why in words:
- similarity (weight 0.50): cosine of the embeddings of the challenge text and of the
  solver's profile (bio, skills, the titles and tags of challenges they solved);
- skills (0.25): the solver's skills and past tags found among the challenge's tags or words;
- reputation (0.15): the average rating, pulled toward a neutral 3.5 while reviews are few;
- responsiveness (0.10): how soon the solver usually answers in conversations.

Vectors live in ``MatchVector`` documents keyed by profile/challenge, with the hash of the
text they embed: a vector whose text (or embedder) changed is recomputed when next needed,
and events refresh the posted challenge's vector at once (``subscribe_search``).
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from domain.deps import Deps
from domain.errors import Forbidden, NotFound
from domain.events import ChallengePosted
from domain.models.challenges import Challenge, ChallengeState, Visibility
from domain.models.chat import Conversation, Message
from domain.models.matching import MatchAlerts, MatchVector, VectorKind
from domain.models.users import User
from domain.ports import Embedder
from domain.services.common import load_actor, parse
from domain.services.inputs import StrictInput
from domain.services.notifications import notify
from domain.services.search import subscribe_indexer

WEIGHTS = {"similarity": 0.50, "skills": 0.25, "reputation": 0.15, "responsiveness": 0.10}
MAX_SOLVER_CANDIDATES = 2000
CHALLENGE_CANDIDATES = 150
RESPONSIVENESS_FOR_TOP = 30
ALERT_TOP = 5
EMBED_BATCH = 64
_WORD = re.compile(r"[a-z0-9][a-z0-9+#.\-]*[a-z0-9+#]|[a-z0-9]")


@dataclass(frozen=True)
class Signals:
    similarity: float
    skills: tuple[str, ...]
    skills_score: float
    reputation: float
    rating: tuple[float, int]
    responsiveness: float
    reply_hours: float | None
    solved_in_category: int

    @property
    def score(self) -> float:
        return round(WEIGHTS["similarity"] * self.similarity
                     + WEIGHTS["skills"] * self.skills_score
                     + WEIGHTS["reputation"] * self.reputation
                     + WEIGHTS["responsiveness"] * self.responsiveness, 3)


@dataclass(frozen=True)
class SolverMatch:
    user: User
    score: float
    reasons: list[str]


@dataclass(frozen=True)
class ChallengeMatch:
    challenge: Challenge
    score: float
    reasons: list[str]


# ---- texts and vectors ----------------------------------------------------------------------

def challenge_text(challenge: Challenge) -> str:
    return (f"{challenge.title}. {challenge.description[:2000]} Category: {challenge.category}."
            f" Tags: {', '.join(challenge.tags)}.")


def profile_text(user: User, solved: list[Challenge]) -> str:
    parts = [user.bio[:2000]]
    if user.skills:
        parts.append("Skills: " + ", ".join(user.skills) + ".")
    if solved:
        parts.append("Past work: " + "; ".join(
            f"{c.title} ({', '.join(c.tags)})" for c in solved[:10]) + ".")
    return " ".join(p for p in parts if p)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def embedder_of(deps: Deps) -> Embedder:
    if deps.embedder is None:
        raise RuntimeError("no embedder was built for this process (bootstrap sets one)")
    return deps.embedder


async def vectors_for(deps: Deps, kind: VectorKind,
                      texts: dict[str, str]) -> dict[str, list[float]]:
    """The stored vector of each text, embedding (and storing) those missing or stale."""
    embedder = embedder_of(deps)
    keys = {ref: f"{kind}:{ref}" for ref in texts}
    stored = {v.ref_id: v for v in await MatchVector.find(
        {"_id": {"$in": list(keys.values())}}).to_list()}
    result: dict[str, list[float]] = {}
    stale: list[str] = []
    for ref, text in texts.items():
        known = stored.get(ref)
        if known and known.model == embedder.model and known.text_hash == _hash(text):
            result[ref] = known.vector
        else:
            stale.append(ref)
    for start in range(0, len(stale), EMBED_BATCH):
        batch = stale[start:start + EMBED_BATCH]
        fresh = await embedder.embed([texts[ref] for ref in batch])
        for ref, vector in zip(batch, fresh, strict=True):
            result[ref] = vector
            await MatchVector(id=keys[ref], kind=kind, ref_id=ref, model=embedder.model,
                              text_hash=_hash(texts[ref]), vector=vector).save()
    return result


def cosine(a: list[float], b: list[float]) -> float:
    # Vectors are unit length; guard anyway against an adapter that is not.
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    norms = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norms if norms else 0.0


def similarity_score(cos: float) -> float:
    """Sentence-embedding cosines of related texts sit around 0.3-0.7; spread that to 0-1."""
    return max(0.0, min(1.0, (cos - 0.05) / 0.55))


# ---- the other signals ----------------------------------------------------------------------

def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def skill_overlap(challenge: Challenge, skills: Iterable[str]) -> tuple[tuple[str, ...], float]:
    wanted = set(challenge.tags)
    text_words = _words(f"{challenge.title} {challenge.description} {challenge.category}")
    matched = tuple(sorted(s for s in set(skills) if s in wanted or s in text_words))
    if wanted:
        return matched, min(1.0, len(set(matched) & wanted) / min(3, len(wanted))
                            + 0.25 * len(set(matched) - wanted))
    return matched, min(1.0, len(matched) / 2)


def reputation_score(user: User) -> float:
    # A Bayesian average: two phantom reviews of 3.5 keep one 5-star review from ranking first.
    average = (user.rating_sum + 2 * 3.5) / (user.rating_count + 2)
    return max(0.0, min(1.0, (average - 1) / 4))


async def reply_hours(user_id: str) -> float | None:
    """The median time this user takes to answer someone else's message (recent chats)."""
    conversations = await (Conversation.find({"participant_ids": user_id})
                           .sort("-updated_at").limit(20).to_list())
    if not conversations:
        return None
    messages = await (Message.find({"conversation_id": {"$in": [c.id for c in conversations]}})
                      .sort("+conversation_id", "+seq").limit(1000).to_list())
    delays: list[float] = []
    for before, after in itertools.pairwise(messages):
        if before.conversation_id == after.conversation_id and after.sender_id == user_id \
                and before.sender_id != user_id:
            delays.append((after.created_at - before.created_at).total_seconds() / 3600)
    return statistics.median(delays) if delays else None


def responsiveness_score(hours: float | None) -> float:
    return 0.5 if hours is None else 1 / (1 + hours / 6)


def _round_hours(hours: float) -> str:
    if hours < 1:
        return "within an hour"
    if hours < 24:
        return f"within about {round(hours)} hour{'s' if round(hours) != 1 else ''}"
    return f"within about {round(hours / 24)} day{'s' if round(hours / 24) != 1 else ''}"


def reasons_of(signals: Signals, *, for_solver: bool) -> list[str]:
    reasons = []
    if signals.skills:
        prefix = "matches your skills" if for_solver else "skills"
        reasons.append(f"{prefix}: {', '.join(signals.skills)}")
    if signals.similarity >= 0.45:
        reasons.append("close to your profile and past work" if for_solver
                       else "profile and past work close to the description")
    if signals.solved_in_category and not for_solver:
        n = signals.solved_in_category
        reasons.append(f"solved {n} challenge{'s' if n != 1 else ''} in this category")
    average, count = signals.rating
    if count and not for_solver:
        reasons.append(f"rated {average:.1f} from {count} review{'s' if count != 1 else ''}")
    if signals.reply_hours is not None and not for_solver:
        reasons.append(f"usually replies {_round_hours(signals.reply_hours)}")
    return reasons


async def _solved_by(user_ids: list[str]) -> dict[str, list[Challenge]]:
    solved: dict[str, list[Challenge]] = defaultdict(list)
    if user_ids:
        for challenge in await Challenge.find(
                {"solver_id": {"$in": user_ids},
                 "state": {"$in": [ChallengeState.IN_PROGRESS, ChallengeState.COMPLETED]}}
        ).sort("-updated_at").to_list():
            if challenge.solver_id:
                solved[challenge.solver_id].append(challenge)
    return solved


def _signals(challenge: Challenge, user: User, solved: list[Challenge], cos: float,
             hours: float | None) -> Signals:
    past_tags = {tag for c in solved for tag in c.tags}
    matched, skills_score = skill_overlap(challenge, [*user.skills, *sorted(past_tags)])
    return Signals(
        similarity=similarity_score(cos), skills=matched, skills_score=skills_score,
        reputation=reputation_score(user),
        rating=(float(user.reputation["average"]), user.rating_count),
        responsiveness=responsiveness_score(hours), reply_hours=hours,
        solved_in_category=sum(1 for c in solved if c.category == challenge.category))


# ---- the use cases ---------------------------------------------------------------------------

async def rank_solvers(deps: Deps, challenge: Challenge, limit: int,
                       only: list[str] | None = None) -> list[SolverMatch]:
    """Solvers for ``challenge``, best first (``only``: among these user ids)."""
    condition: dict[str, Any] = {"banned": False, "_id": {"$ne": challenge.owner_id}}
    if only is not None:
        condition["_id"] = {"$in": [u for u in only if u != challenge.owner_id]}
    users = await User.find(condition).limit(MAX_SOLVER_CANDIDATES).to_list()
    solved = await _solved_by([u.id for u in users])
    texts = {u.id: profile_text(u, solved.get(u.id, [])) for u in users}
    users = [u for u in users if texts[u.id]]  # an empty profile says nothing to match on
    if not users:
        return []
    challenge_vector = (await vectors_for(deps, VectorKind.CHALLENGE,
                                          {challenge.id: challenge_text(challenge)}))[challenge.id]
    profile_vectors = await vectors_for(deps, VectorKind.USER, {u.id: texts[u.id] for u in users})
    cosines = {u.id: cosine(challenge_vector, profile_vectors[u.id]) for u in users}
    # Responsiveness reads chat history, so it is looked up for the front runners only.
    first = sorted(users, key=lambda u: -_signals(challenge, u, solved.get(u.id, []),
                                                  cosines[u.id], None).score)
    ranked = []
    for user in first[:max(limit, RESPONSIVENESS_FOR_TOP)]:
        signals = _signals(challenge, user, solved.get(user.id, []), cosines[user.id],
                           await reply_hours(user.id))
        ranked.append(SolverMatch(user=user, score=signals.score,
                                  reasons=reasons_of(signals, for_solver=False)))
    ranked.sort(key=lambda m: (-m.score, m.user.id))
    return ranked[:limit]


async def matches_for_challenge(deps: Deps, actor_id: str, challenge_id: str,
                                limit: int = 10) -> list[SolverMatch]:
    """Recommended solvers, for the challenge's owner (and moderators)."""
    actor = await load_actor(actor_id)
    challenge = await Challenge.get(challenge_id)
    if challenge is None or (challenge.state == ChallengeState.REMOVED
                             and not actor.is_moderator):
        raise NotFound("challenge not found")
    if challenge.owner_id != actor.id and not actor.is_moderator:
        raise Forbidden("only the challenger sees recommended solvers")
    return await rank_solvers(deps, challenge, max(1, min(limit, 50)))


async def has_match_profile(actor_id: str) -> bool:
    """Whether this person's bio, skills or solved challenges say anything to match on (an
    empty profile has no embedding, so nothing matches it)."""
    actor = await load_actor(actor_id)
    return bool(profile_text(actor, (await _solved_by([actor.id])).get(actor.id, [])))


async def matches_for_me(deps: Deps, actor_id: str, limit: int = 10) -> list[ChallengeMatch]:
    """Open public challenges that suit the signed-in solver, best first."""
    actor = await load_actor(actor_id)
    solved = (await _solved_by([actor.id])).get(actor.id, [])
    text = profile_text(actor, solved)
    if not text:
        return []
    interests = sorted({*actor.skills, *(tag for c in solved for tag in c.tags)})
    base = {"state": ChallengeState.OPEN, "visibility": Visibility.PUBLIC,
            "owner_id": {"$ne": actor.id}}
    by_tag = await (Challenge.find({**base, "tags": {"$in": interests}})
                    .sort("-created_at").limit(CHALLENGE_CANDIDATES).to_list()
                    ) if interests else []
    newest = await (Challenge.find(base).sort("-created_at")
                    .limit(CHALLENGE_CANDIDATES // 3).to_list())
    candidates = {c.id: c for c in [*by_tag, *newest]}
    if not candidates:
        return []
    me = (await vectors_for(deps, VectorKind.USER, {actor.id: text}))[actor.id]
    vectors = await vectors_for(deps, VectorKind.CHALLENGE,
                                {cid: challenge_text(c) for cid, c in candidates.items()})
    ranked = []
    for cid, challenge in candidates.items():
        signals = _signals(challenge, actor, solved, cosine(me, vectors[cid]), None)
        ranked.append(ChallengeMatch(challenge=challenge, score=signals.score,
                                     reasons=reasons_of(signals, for_solver=True)))
    ranked.sort(key=lambda m: (-m.score, m.challenge.id))
    return ranked[:max(1, min(limit, 50))]


class MatchAlertsInput(StrictInput):
    enabled: bool


async def set_match_alerts(actor_id: str, data: Mapping[str, Any]) -> MatchAlerts:
    """Opt in (or out) of a DM when a newly posted challenge matches this solver well."""
    actor = await load_actor(actor_id)
    form = parse(MatchAlertsInput, data)
    alerts = MatchAlerts(id=actor.id, enabled=form.enabled)
    await alerts.save()
    return alerts


async def match_alerts_of(actor_id: str) -> MatchAlerts:
    """This solver's choice; never chosen means off (the alerts are opt-in)."""
    actor = await load_actor(actor_id)
    return await MatchAlerts.get(actor.id) or MatchAlerts(id=actor.id, enabled=False)


async def alert_top_solvers(deps: Deps, challenge_id: str) -> list[str]:
    """Tell the best-matching opted-in solvers about a newly posted public challenge; returns
    whom. The notification reaches the web inbox and, through the notifier, their chat DMs."""
    challenge = await Challenge.get(challenge_id)
    if challenge is None or challenge.state != ChallengeState.OPEN \
            or challenge.visibility != Visibility.PUBLIC:
        return []
    opted = await MatchAlerts.find({"enabled": True}).limit(MAX_SOLVER_CANDIDATES).to_list()
    if not opted:
        return []
    thresholds = {a.id: a.min_score for a in opted}
    ranked = await rank_solvers(deps, challenge, ALERT_TOP, only=list(thresholds))
    told = []
    for match in ranked:
        if match.score < thresholds[match.user.id]:
            continue
        why = f" ({'; '.join(match.reasons[:2])})" if match.reasons else ""
        await notify(deps, match.user.id, "challenge.match",
                     f"A new challenge matches you: “{challenge.title}”{why}.",
                     {"challenge_id": challenge.id, "score": match.score})
        told.append(match.user.id)
    return told


async def refresh_challenge_vectors(deps: Deps,
                                    progress: Callable[[int, int], None] | None = None) -> int:
    """Embed every open public challenge whose vector is missing or stale (reindex)."""
    condition = {"state": ChallengeState.OPEN, "visibility": Visibility.PUBLIC}
    total = await Challenge.find(condition).count()
    done, last_id = 0, ""
    while True:
        batch = await (Challenge.find({**condition, "_id": {"$gt": last_id}})
                       .sort("+_id").limit(EMBED_BATCH * 4).to_list())
        if not batch:
            break
        await vectors_for(deps, VectorKind.CHALLENGE, {c.id: challenge_text(c) for c in batch})
        done, last_id = done + len(batch), batch[-1].id
        if progress:
            progress(done, max(done, total))
    return done


def subscribe_search(deps: Deps) -> None:
    """Follow domain events in process: the search index, and match alerts on new posts."""
    subscribe_indexer(deps)

    async def on_posted(event: ChallengePosted) -> None:
        await alert_top_solvers(deps, event.challenge_id)

    deps.bus.subscribe(ChallengePosted, on_posted)
