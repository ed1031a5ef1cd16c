"""``instainstru-server`` as a child process, for the tests that need real server processes
(shutdown on a signal; several processes on one PostgreSQL database)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.settings import Settings
from tests.server.databases import DatabaseFactory
from tests.server.helpers import Studio, build_studio

_RUNNING = re.compile(r"Uvicorn running on (http://\S+)")


class ServerProcess:
    """``instainstru-server`` as a child process; its log is read by a thread (a full pipe
    would stall the server) and kept for the assertion messages. One server process unless
    ``args`` ask for ``--workers`` (the standalone default, one per CPU, would make a test of
    "several processes" depend on the machine's size)."""

    def __init__(
        self,
        database_url: str,
        *args: str,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "instainstru_desktop.server.cli",
                "--port",
                "0",
                "--database-url",
                database_url,
                *(() if "--workers" in args else ("--workers", "1")),
                *args,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            # no keep-alive comment within the client's read timeout: a stream left open fails
            # the test instead of keeping it waiting
            env={**os.environ, "INSTAINSTRU_SERVER_EVENTS_KEEPALIVE_SECONDS": "600", **(env or {})},
            cwd=cwd,
        )
        self.log: list[str] = []
        self._started = threading.Event()
        self.base_url = ""
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()

    def _read_log(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line.rstrip())
            found = _RUNNING.search(line)
            if found:
                self.base_url = found.group(1)
                self._started.set()
        self._started.set()  # the process ended: stop waiting for it

    def wait_started(self, timeout: float = 60) -> str:
        assert self._started.wait(timeout), self.text
        assert self.base_url, self.text
        return self.base_url

    def close(self) -> None:
        if self.process.poll() is None:  # asked first: a supervisor stops its workers then
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process.wait(timeout=30)
        self._reader.join(timeout=30)
        assert self.process.stderr is not None
        self.process.stderr.close()

    @property
    def text(self) -> str:
        return "\n".join(self.log)


@contextmanager
def standalone(
    database_url: str, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> Iterator[ServerProcess]:
    server = ServerProcess(database_url, *args, cwd=cwd, env=env)
    try:
        server.wait_started()
        yield server
    finally:
        server.close()


def prepared_studio(databases: DatabaseFactory) -> tuple[str, Studio]:
    """A database with a studio in it, made before the server process opens it."""
    url = databases.new()
    app = create_app(Settings(database_url=url))
    studio = build_studio(app.state.context.uow, now=datetime.now(UTC))
    app.state.context.uow.database.dispose()
    return url, studio
