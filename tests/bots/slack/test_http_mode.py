"""HTTP mode as Slack uses it: signed requests only (401 otherwise), an acknowledgement
within Slack's 3 seconds however slow the work after it, and every event handled once
however often Slack sends it again."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from bots.slack.http import EVENTS_PATH
from bots.slack.socket_mode import run_socket_mode
from openchance.settings import Settings
from tests.bots.slack.conftest import CHANNEL, FORM, Slack, signed
from tests.bots.slack.fake_slack_api import FakeSlackApi


async def test_help_answers_privately_through_the_response_url(slack: Slack) -> None:
    ann = slack.person("U0ANN", "Ann")
    answer = await ann.ask("help")
    assert answer.visible_to == ann.id
    assert "Hello, ann" in answer.readable and "/challenge post" in answer.readable
    assert "/challenge-mod ban" in answer.readable


async def test_a_bad_or_missing_signature_is_refused_with_401(slack: Slack,
                                                              slack_api: FakeSlackApi) -> None:
    body = urlencode({"command": "/challenge", "text": "help", "team_id": "T0001",
                      "user_id": "U0EVE", "user_name": "eve", "channel_id": "DU0EVE",
                      "response_url": slack_api.responder("U0EVE", "DU0EVE"),
                      "trigger_id": "t"})
    forged = signed(body, secret="not-the-secret")
    stale = signed(body, at=int(time.time()) - 3600)  # a replay of an old request
    for headers in (forged, stale, {}):
        response = await slack.client.post(EVENTS_PATH, data=body.encode(), headers={
            "Content-Type": FORM, **headers})
        assert response.status == 401, headers
    await slack.settle()
    assert not slack_api.messages and not slack_api.responses


async def test_ack_comes_within_3_seconds_while_slow_work_goes_on(
        slack: Slack, slack_api: FakeSlackApi) -> None:
    admin = slack.person("U0ADA", "Ada", admin=True)
    slack_api.delays["users.info"] = 3.5  # Slack is slow to say who administers the channel
    started = time.monotonic()
    body = urlencode({"command": "/challenge", "text": "announce on", "team_id": "T0001",
                      "user_id": admin.id, "user_name": "ada", "channel_id": CHANNEL,
                      "channel_name": "makers", "trigger_id": "t",
                      "response_url": slack_api.responder(admin.id, CHANNEL)})
    status, _ = await slack.post(body)
    acknowledged = time.monotonic() - started
    assert status == 200 and acknowledged < 1.5, acknowledged
    assert not slack_api.responses  # the answer is still being worked out
    await slack.settle()
    assert time.monotonic() - started >= 3.5
    [answer] = [m for m in slack_api.visible_to(admin.id) if "announced" in m.readable]
    assert "#makers" in answer.readable


async def test_a_retried_event_is_handled_once(slack: Slack, slack_api: FakeSlackApi) -> None:
    bea = slack.person("U0BEA", "Bea")
    first = await bea.say("hello?", event_id="Ev0RETRIED")
    assert len(first) == 1 and "reply in its thread" in first[0].readable
    for attempt in ("1", "2"):
        again = await bea.say("hello?", event_id="Ev0RETRIED", headers={
            "X-Slack-Retry-Num": attempt, "X-Slack-Retry-Reason": "http_timeout"})
        assert again == []
    assert len(slack_api.called("chat.postMessage")) == 1


async def test_an_event_whose_handling_failed_is_handled_on_slacks_retry(
        slack: Slack, slack_api: FakeSlackApi) -> None:
    bea = slack.person("U0BEA", "Bea")
    slack_api.failures["chat.postMessage"] = ["internal_error"]  # Slack hiccups once
    assert await bea.say("hello?", event_id="Ev0FAILED") == []
    retried = await bea.say("hello?", event_id="Ev0FAILED", headers={"X-Slack-Retry-Num": "1"})
    assert len(retried) == 1 and "reply in its thread" in retried[0].readable
    assert await bea.say("hello?", event_id="Ev0FAILED", headers={
        "X-Slack-Retry-Num": "2"}) == []


async def test_an_unexpected_failure_after_the_ack_is_still_told(
        slack: Slack, slack_api: FakeSlackApi) -> None:
    admin = slack.person("U0ADA", "Ada", admin=True)
    slack_api.failures["users.info"] = ["internal_error"]  # not a refusal: a failure
    answer = await admin.ask("announce on", channel=CHANNEL)
    assert "Something went wrong on our side" in answer.readable
    assert answer.visible_to == admin.id


async def test_slack_can_verify_the_request_url(slack: Slack) -> None:
    """What Slack sends when the manifest's Request URL is saved: the challenge, echoed."""
    body = '{"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV", "type": "url_verification"}'
    status, answer = await slack.post(body, "application/json")
    assert status == 200 and "3eZbrw1aBm2rZgRNFdxV" in answer


async def test_bot_slack_explains_what_it_needs() -> None:
    assert await run_socket_mode(Settings(_env_file=None)) == 2  # no token at all
    assert await run_socket_mode(Settings(_env_file=None, slack_bot_token="xoxb-1")) == 2
