from tests.bots.telegram.conftest import Telegram


async def test_start(telegram: Telegram) -> None:
    ann = telegram.person(1001, "Ann")
    answer = await ann.send("/start")
    assert answer is not None and "Hello, Ann" in answer.text
