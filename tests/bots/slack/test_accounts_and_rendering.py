"""Account linking as on the other bots (a code from the web, redeemed with
``/challenge link CODE``), what people typed rendered as typed (no @channel, no fake links),
and a form the domain refuses explained in the DM."""

from __future__ import annotations

from bots.core.results import Reply
from bots.core.rich import bold, rich
from bots.slack.render import message, mrkdwn
from domain.models.challenges import Challenge
from domain.models.users import PlatformIdentity
from tests.bots.slack.conftest import Slack


async def test_a_web_account_and_a_slack_account_become_one(slack: Slack) -> None:
    app = slack.client
    registered = await app.post("/api/v1/auth/register", json={
        "email": "lin@example.org", "password": "correct horse battery", "display_name": "Lin"})
    web = await registered.json()
    auth = {"Authorization": f"Bearer {web['token']}"}
    await app.post("/api/v1/challenges", headers=auth, json={
        "title": "Draw the logo", "description": "Vector, please.", "category": "design",
        "reward": {"amount": 7_000, "currency": "usd"}})
    code = (await (await app.post("/api/v1/me/link-code", headers=auth)).json())["code"]
    lin = slack.person("U0LIN", "Lin")
    linked = await lin.ask(f"link {code}")
    assert "Linked" in linked.readable and "Lin" in linked.readable
    identity = await PlatformIdentity.find_one({"platform": "slack",
                                                "external_id": "T0001:U0LIN"})
    assert identity.user_id == web["user"]["id"]
    assert "Draw the logo" in (await lin.ask("my")).readable
    # A bare link issues a code for another chat (Telegram, Discord) to redeem.
    issued = await lin.ask("link")
    assert "Your link code" in issued.readable
    assert (await lin.ask("link NOTACODE")).readable.startswith("🔎")


def test_what_people_typed_is_shown_as_typed() -> None:
    typed = "<!channel> & <https://evil.example|your bank>"
    shown = mrkdwn(rich("Title: ", bold(typed)))
    assert "<!channel>" not in shown and "<https://" not in shown
    assert "&lt;!channel&gt; &amp; &lt;https://evil.example|your bank&gt;" in shown
    blocks = message(Reply(rich("x" * 7000)))["blocks"]
    assert [len(b["text"]["text"]) for b in blocks] == [3000, 3000, 1000]


async def test_a_form_the_domain_refuses_is_explained_in_the_dm(slack: Slack) -> None:
    kim = slack.person("U0KIM", "Kim")
    await kim.command("post")
    _, answers = await kim.fill(title="ab", description="Too short a title.",
                                category="writing", reward="50 usd")
    [refusal] = [m for m in answers if m.channel == kim.dm]
    assert "⚠️" in refusal.readable and "title" in refusal.readable.lower()
    assert "Usage: /challenge post" in refusal.readable
    assert await Challenge.find({}).count() == 0
