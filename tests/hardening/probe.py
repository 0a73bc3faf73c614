"""The probe of the abuse suite, run as its own process so its timings are the server's and
not the attack's: every ``period`` seconds it times GET /healthz and a member's message round
trip (alice sends, bob's socket receives ``message:new``), printing one JSON line per sample
until stdin closes.

    python -m tests.hardening.probe BASE_URL ALICE_TOKEN BOB_TOKEN CONVERSATION_ID
"""

from __future__ import annotations

import asyncio
import sys
import time
import uuid

import aiohttp
import orjson

from tests.hardening.rawsocket import RawSocket

PERIOD = 0.05
TIMEOUT = 5.0


def emit(kind: str, started: float, error: str | None = None) -> None:
    sample = {"t": time.time(), "kind": kind, "ms": (time.perf_counter() - started) * 1000}
    if error:
        sample["error"] = error
    sys.stdout.write(orjson.dumps(sample).decode() + "\n")
    sys.stdout.flush()


async def main(base: str, alice_token: str, bob_token: str, conversation_id: str) -> None:
    loop = asyncio.get_running_loop()
    stdin_closed = asyncio.Event()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    async def watch_stdin() -> None:
        await reader.read()
        stdin_closed.set()

    async with aiohttp.ClientSession() as http:
        alice, _ = await RawSocket.open(http, base, alice_token)
        bob, _ = await RawSocket.open(http, base, bob_token)
        assert alice is not None and bob is not None
        for sock in (alice, bob):
            ack = await sock.call("conversation:join", {"conversation_id": conversation_id,
                                                        "after_seq": 10**9})
            assert ack["ok"], ack
        arrivals: dict[str, asyncio.Future[None]] = {}

        async def bob_reads() -> None:
            while True:
                msg = await bob.ws.receive()
                if msg.type != aiohttp.WSMsgType.TEXT:
                    return
                if msg.data == "2":
                    await bob.ws.send_str("3")
                elif msg.data.startswith('42["message:new"'):
                    client_id = orjson.loads(msg.data[2:])[1]["message"]["client_id"]
                    future = arrivals.pop(client_id, None)
                    if future is not None and not future.done():
                        future.set_result(None)

        async def healthz() -> None:
            started = time.perf_counter()
            try:
                async with http.get(base + "/healthz",
                                    timeout=aiohttp.ClientTimeout(total=TIMEOUT)) as resp:
                    await resp.read()
                    emit("healthz", started, None if resp.status == 200 else str(resp.status))
            except (aiohttp.ClientError, TimeoutError) as exc:
                emit("healthz", started, repr(exc))

        async def round_trip() -> None:
            client_id = uuid.uuid4().hex
            arrived = loop.create_future()
            arrivals[client_id] = arrived
            started = time.perf_counter()
            try:
                ack = await alice.call("message:send", {
                    "conversation_id": conversation_id, "body": "probe",
                    "client_id": client_id}, timeout=TIMEOUT)
                if not ack.get("ok"):
                    emit("message", started, str(ack))
                    return
                await asyncio.wait_for(arrived, TIMEOUT)
                emit("message", started)
            except (TimeoutError, ConnectionError) as exc:
                emit("message", started, repr(exc))

        reading = asyncio.ensure_future(bob_reads())
        stdin_task = asyncio.ensure_future(watch_stdin())
        sys.stdout.write('{"ready": true}\n')
        sys.stdout.flush()
        while not stdin_closed.is_set():
            tick = loop.time()
            await asyncio.gather(healthz(), round_trip())
            await asyncio.sleep(max(0.0, PERIOD - (loop.time() - tick)))
        reading.cancel()
        stdin_task.cancel()
        await alice.close()
        await bob.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
