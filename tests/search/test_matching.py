"""Matching on the real offline model (all-MiniLM-L6-v2, int8 ONNX) over three dozen
profiles: the relevant solver ranks above the irrelevant ones, with the reasons shown;
recommended challenges for a solver; permissions; the opt-in DM when a challenge is posted."""

from __future__ import annotations

import pytest

from domain.adapters.embedder_onnx import OnnxMiniLmEmbedder, model_files
from domain.deps import Deps
from domain.errors import Forbidden
from domain.models.chat import Notification
from domain.models.matching import MatchVector
from domain.models.users import User
from domain.services import accounts, challenges, matching
from tests.conftest import Users, challenge_data
from tests.search.profiles import PROFILES

needs_model = pytest.mark.skipif(model_files() is None,
                                 reason="the offline model is not installed (the ml extra)")


async def make_solvers(deps: Deps, users: Users) -> dict[str, User]:
    made = {}
    for name, bio, skills in PROFILES:
        user = await users.make(name)
        made[name] = await accounts.update_profile(deps, user.id, {"bio": bio, "skills": skills})
    return made


@pytest.fixture
def model_deps(deps: Deps) -> Deps:
    deps.embedder = OnnxMiniLmEmbedder()
    return deps


MANUAL = challenge_data(
    title="Translate our user manual from German", milestones=None, tags=["translation"],
    category="translation", description="A 40-page German manual for a coffee machine needs "
    "a fluent English version.")


@needs_model
async def test_the_relevant_solver_ranks_above_the_irrelevant(model_deps: Deps,
                                                              users: Users) -> None:
    solvers = await make_solvers(model_deps, users)
    owner = await users.make("owner")
    posted = await challenges.post_challenge(model_deps, owner.id, MANUAL)
    ranked = await matching.matches_for_challenge(model_deps, owner.id, posted.id, limit=40)
    order = [m.user.display_name for m in ranked]
    assert order[0] == "greta"
    assert order.index("greta") < order.index("rustam") and order.index("greta") < order.index(
        "kai")
    # No shared skill, only meaning ("Deutsch to English"): the model still puts jonas above
    # every solver from an unrelated trade.
    unrelated = ("rustam", "kai", "mia", "ivan", "lena", "tom", "zack", "yara", "ben", "max")
    assert all(order.index("jonas") < order.index(name) for name in unrelated)
    greta = ranked[0]
    assert 0 < greta.score <= 1 and "skills: english, german, translation" in greta.reasons
    assert len(solvers) == len(PROFILES)


@needs_model
async def test_vectors_are_stored_and_follow_profile_changes(model_deps: Deps,
                                                             users: Users) -> None:
    solvers = await make_solvers(model_deps, users)
    owner = await users.make("owner")
    posted = await challenges.post_challenge(model_deps, owner.id, MANUAL)
    await matching.matches_for_challenge(model_deps, owner.id, posted.id)
    stored = await MatchVector.get(f"user:{solvers['rustam'].id}")
    assert stored is not None and len(stored.vector) == 384
    assert stored.model == "all-MiniLM-L6-v2-onnx-int8"
    # rustam retrains as a German translator: his vector is recomputed and he moves up.
    await accounts.update_profile(model_deps, solvers["rustam"].id, {
        "bio": "Now I translate German technical manuals into English.",
        "skills": ["translation", "german"]})
    ranked = await matching.matches_for_challenge(model_deps, owner.id, posted.id, limit=5)
    assert "rustam" in [m.user.display_name for m in ranked][:3]
    assert (await MatchVector.get(f"user:{solvers['rustam'].id}")).text_hash != stored.text_hash


@needs_model
async def test_recommended_challenges_for_a_solver(model_deps: Deps, users: Users) -> None:
    solvers = await make_solvers(model_deps, users)
    owner = await users.make("owner")
    manual = await challenges.post_challenge(model_deps, owner.id, MANUAL)
    await challenges.post_challenge(model_deps, owner.id, challenge_data(
        title="Firmware for a soil moisture sensor", milestones=None, tags=["rust"],
        description="Low-power embedded Rust on an nRF52."))
    await challenges.post_challenge(model_deps, owner.id, challenge_data(
        title="Design a logo for a bakery", milestones=None, tags=["logo"],
        category="design", description="A warm, hand-drawn logo."))
    mine = await matching.matches_for_me(model_deps, solvers["jonas"].id)
    assert mine[0].challenge.id == manual.id
    rustam = await matching.matches_for_me(model_deps, solvers["rustam"].id)
    assert rustam[0].challenge.title == "Firmware for a soil moisture sensor"
    assert "matches your skills: embedded, rust" in rustam[0].reasons


async def test_only_the_owner_and_moderators_see_recommended_solvers(deps: Deps,
                                                                     users: Users) -> None:
    owner, other = await users.make("owner"), await users.make("other")
    posted = await challenges.post_challenge(deps, owner.id, MANUAL)
    with pytest.raises(Forbidden):
        await matching.matches_for_challenge(deps, other.id, posted.id)


async def test_opted_in_solvers_are_told_about_a_matching_post(deps: Deps,
                                                               users: Users) -> None:
    solvers = await make_solvers(deps, users)  # on whatever embedder bootstrap chose
    await matching.set_match_alerts(solvers["greta"].id, {"enabled": True})
    await matching.set_match_alerts(solvers["rustam"].id, {"enabled": True})
    owner = await users.make("owner")
    posted = await challenges.post_challenge(deps, owner.id, MANUAL)
    told = await Notification.find({"kind": "challenge.match"}).to_list()
    assert [n.user_id for n in told] == [solvers["greta"].id]
    assert told[0].data["challenge_id"] == posted.id and "translation" in told[0].text
    # Unlisted posts tell no one; opting out stops the DMs.
    await matching.set_match_alerts(solvers["greta"].id, {"enabled": False})
    await challenges.post_challenge(deps, owner.id, MANUAL)
    assert await Notification.find({"kind": "challenge.match"}).count() == 1
