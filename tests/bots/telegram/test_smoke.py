from tests.bots.telegram.conftest import Telegram


async def test_start(telegram: Telegram) -> None:
    ann = telegram.person(1001, "Ann")
    answer = await ann.send("/start")
    assert answer is not None and "Hello, Ann" in answer.text


async def test_help(telegram: Telegram) -> None:
    answer = await telegram.person(1002, "Bo").send("/help")
    assert answer is not None and "/post" in answer.text
