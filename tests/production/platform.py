"""Real `openchance` processes and the clients that drive them, for crash and soak tests."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import socketio

from tests.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]
API = "/api/v1"
PASSWORD = "correct horse battery"
# Services a test's processes must not inherit from the developer's shell by accident.
SERVICE_VARIABLES = ("MONGODB_URL", "REDIS_URL", "OPENCHANCE_DATA_DIR", "TELEGRAM_BOT_TOKEN",
                     "STRIPE_SECRET_KEY", "OPENCHANCE_PUBLIC_URL")


def process_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    env["PASSWORD_HASH_PROFILE"] = "cheapest"
    env.update(values)
    return env


class Node:
    """One `openchance serve` (or other role) process on a port of its own."""

    def __init__(self, env: dict[str, str], log: Path, *args: str, port: int | None = None,
                 command: str = "serve") -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env, self.log_path, self.args, self.command = env, log, args, command
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Node:
        return self.start_with(Path(sys.executable), cwd=ROOT)

    def start_with(self, python: Path, cwd: Path) -> Node:
        argv = [str(python), "-m", "openchance.cli", self.command, *self.args]
        if self.command == "serve":
            argv += ["--port", str(self.port)]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(argv, cwd=cwd, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT)
        return self

    async def healthy(self, timeout: float = 90) -> Node:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with aiohttp.ClientSession() as session:
            while loop.time() < deadline:
                assert self.process is not None
                if self.process.poll() is not None:
                    raise AssertionError(f"{self.command} exited: {self.output()[-3000:]}")
                try:
                    async with session.get(f"{self.url}/healthz") as response:
                        if response.status == 200:
                            return self
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError(f"{self.url} did not become healthy: {self.output()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, exactly like a crash or the OOM killer."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class Api:
    """The HTTP API as one signed-in person (or anonymous) uses it."""

    def __init__(self, session: aiohttp.ClientSession, base: str, token: str | None = None,
                 user_id: str | None = None) -> None:
        self.session, self.base, self.token, self.user_id = session, base, token, user_id

    def on(self, base: str) -> Api:
        return Api(self.session, base, self.token, self.user_id)

    async def call(self, method: str, path: str, expect: int | tuple[int, ...] = (200, 201),
                   **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        url = path if path.startswith("http") else f"{self.base}{API}{path}"
        async with self.session.request(method, url, headers=headers, **kwargs) as response:
            body = await response.json(content_type=None)
            expected = expect if isinstance(expect, tuple) else (expect,)
            assert response.status in expected, (method, path, response.status, body)
            return body

    async def register(self, name: str) -> Api:
        email = f"{name}-{uuid.uuid4().hex[:8]}@example.org"
        body = await self.call("POST", "/auth/register", 201, json={
            "email": email, "password": PASSWORD, "display_name": name})
        return Api(self.session, self.base, body["token"], body["user"]["id"])

    async def messages(self, conversation_id: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while True:
            page = await self.call("GET", f"/conversations/{conversation_id}/messages",
                                   params={"after_seq": found[-1]["seq"] if found else 0,
                                           "limit": 500})
            found += page["items"]
            if len(page["items"]) < 500:
                return found


class Chat:
    """A real Socket.IO client of one person, recording the messages pushed to it."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.sio = socketio.AsyncClient(reconnection=False)
        self.pushed: list[dict[str, Any]] = []
        self.sio.on("message:new", self._pushed)

    async def _pushed(self, data: dict[str, Any]) -> None:
        self.pushed.append(data["message"])

    async def connect(self, base: str, transport: str = "websocket") -> Chat:
        await self.sio.connect(base, auth={"token": self.token}, transports=[transport],
                               wait_timeout=10)
        return self

    async def call(self, event: str, data: Any, timeout: float = 10) -> Any:
        ack = await self.sio.call(event, data, timeout=timeout)
        assert ack.get("ok"), (event, ack)
        return ack

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()
        http = getattr(self.sio.eio, "http", None)  # a failed connect leaves its session open
        if http is not None and not http.closed:
            await http.close()
