"""The in-process event bus: every local handler runs, at once, each failure on its own."""

from __future__ import annotations

import asyncio
import logging

import pytest

from domain.events import ChallengePosted, EventBus


async def test_handlers_run_at_once_and_fail_alone(caplog: pytest.LogCaptureFixture) -> None:
    bus, order = EventBus(), []
    first_waits, second_ran = asyncio.Event(), asyncio.Event()

    async def first(event: ChallengePosted) -> None:
        order.append("first starts")
        first_waits.set()
        await second_ran.wait()  # only finishes if the second runs meanwhile
        order.append("first ends")

    async def failing(event: ChallengePosted) -> None:
        raise RuntimeError("broken handler")

    async def second(event: ChallengePosted) -> None:
        await first_waits.wait()
        order.append("second")
        second_ran.set()

    for handler in (first, failing, second):
        bus.subscribe(ChallengePosted, handler)
    with caplog.at_level(logging.ERROR):
        await asyncio.wait_for(bus.publish(ChallengePosted("c1")), 5)
    assert order == ["first starts", "second", "first ends"]
    assert [r.exc_info[1].args for r in caplog.records if r.exc_info] == [("broken handler",)]


async def test_a_handler_cancelling_itself_is_a_failure_and_the_publisher_goes_on(
        caplog: pytest.LogCaptureFixture) -> None:
    bus, ran = EventBus(), []

    async def gives_up(event: ChallengePosted) -> None:
        raise asyncio.CancelledError

    async def works(event: ChallengePosted) -> None:
        ran.append(event.challenge_id)

    bus.subscribe(ChallengePosted, gives_up)
    bus.subscribe(ChallengePosted, works)
    with caplog.at_level(logging.ERROR):
        await bus.publish(ChallengePosted("c1"))
    bus2 = EventBus()
    bus2.subscribe(ChallengePosted, works)
    bus2.subscribe(ChallengePosted, gives_up)  # inline this time
    await bus2.publish(ChallengePosted("c2"))
    assert ran == ["c1", "c2"] and len([r for r in caplog.records if r.exc_info]) >= 1


async def test_cancelling_the_publisher_cancels_every_handler() -> None:
    bus, waiting, cancelled = EventBus(), [], []
    both_wait = asyncio.Event()

    def handler_named(name: str):
        async def handler(event: ChallengePosted) -> None:
            try:
                waiting.append(name)
                if len(waiting) == 2:
                    both_wait.set()
                await asyncio.sleep(60)
            except asyncio.CancelledError:
                cancelled.append(name)
                raise
        return handler

    bus.subscribe(ChallengePosted, handler_named("task"))
    bus.subscribe(ChallengePosted, handler_named("inline"))
    publishing = asyncio.ensure_future(bus.publish(ChallengePosted("c1")))
    await asyncio.wait_for(both_wait.wait(), 5)
    publishing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await publishing
    for _ in range(3):
        await asyncio.sleep(0)
    assert sorted(cancelled) == ["inline", "task"]


async def test_handlers_that_never_wait_run_in_the_publishers_task_last_first() -> None:
    bus, seen = EventBus(), []

    def handler_named(name: str):
        async def handler(event: ChallengePosted) -> None:
            seen.append((name, asyncio.current_task()))
        return handler

    for name in ("first", "second", "third"):
        bus.subscribe(ChallengePosted, handler_named(name))
    tasks_before = len(asyncio.all_tasks())
    await bus.publish(ChallengePosted("c1"))
    publisher = asyncio.current_task()
    assert seen == [("third", publisher), ("second", publisher), ("first", publisher)]
    assert len(asyncio.all_tasks()) == tasks_before  # no task was started for them


async def test_a_waiting_handler_goes_on_in_the_task_that_started_it(
        caplog: pytest.LogCaptureFixture) -> None:
    """Its timeouts and current task stay its own, and the others run meanwhile."""
    bus, seen = EventBus(), []
    others_ran = asyncio.Event()

    async def waits(event: ChallengePosted) -> None:
        started_in = asyncio.current_task()
        try:
            async with asyncio.timeout(0.05):
                await others_ran.wait()  # set by the other handler, in its own task
                await asyncio.sleep(5)
        except TimeoutError:
            seen.append("timed out")
        seen.append(asyncio.current_task() is started_in)

    async def other(event: ChallengePosted) -> None:
        await asyncio.sleep(0)
        others_ran.set()
        seen.append("other")

    async def quick(event: ChallengePosted) -> None:
        seen.append("quick")

    for handler in (other, waits, quick):
        bus.subscribe(ChallengePosted, handler)
    with caplog.at_level(logging.ERROR):
        await asyncio.wait_for(bus.publish(ChallengePosted("c1")), 5)
    assert seen == ["quick", "other", "timed out", True]
    assert not [r for r in caplog.records if r.exc_info]
    assert asyncio.current_task().cancelling() == 0  # the publisher was never cancelled


async def test_a_handler_failing_before_it_waits_is_logged_and_the_rest_run(
        caplog: pytest.LogCaptureFixture) -> None:
    bus, ran = EventBus(), []

    async def fails(event: ChallengePosted) -> None:
        raise ValueError("at once")

    async def waits(event: ChallengePosted) -> None:
        await asyncio.sleep(0)
        raise RuntimeError("after a wait")

    async def works(event: ChallengePosted) -> None:
        ran.append(event.challenge_id)

    for handler in (works, waits, fails):
        bus.subscribe(ChallengePosted, handler)
    with caplog.at_level(logging.ERROR):
        await bus.publish(ChallengePosted("c1"))
    assert ran == ["c1"]
    assert sorted(r.exc_info[1].args[0] for r in caplog.records if r.exc_info) == [
        "after a wait", "at once"]
