"""A redis-server of the test's own, on a free port, that the test stops and starts.

Unlike ``CuttableProxy`` (which cuts the TCP path), this restarts the real server: it
closes every connection from its side and comes back empty (no keys, no loaded scripts),
as Redis does after a crash or a deploy.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
from pathlib import Path

import redis.asyncio as aioredis
from redis.exceptions import RedisError

BINARY = shutil.which("redis-server")

# Generous: a loaded machine may take seconds to start a process. Waits poll and give up
# only after this long.
WAIT_SECONDS = 60.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    def __init__(self, directory: Path) -> None:
        if BINARY is None:
            raise RuntimeError("redis-server is not installed")
        self.directory = directory
        self.port = _free_port()
        self._process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        assert BINARY is not None and self._process is None
        self._process = await asyncio.create_subprocess_exec(
            *(BINARY, "--bind", "127.0.0.1", "--port", str(self.port)),
            *("--dir", str(self.directory), "--save", "", "--appendonly", "no"),
            *("--loglevel", "warning"),
            stdout=asyncio.subprocess.DEVNULL,
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT_SECONDS
        while not await self._answers():
            if self._process.returncode is not None:
                raise RuntimeError(f"redis-server exited with {self._process.returncode}")
            if loop.time() > deadline:
                raise RuntimeError("redis-server did not start answering")
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            process.terminate()
            await asyncio.wait_for(process.wait(), WAIT_SECONDS)

    async def _answers(self) -> bool:
        client = aioredis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(await client.ping())
        except (RedisError, OSError):
            return False
        finally:
            await client.aclose()
