"""The bundled server in its own process: the app's process never loads it, and it never
outlives the app, however the app ends.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.ui.app_fixtures import copy_database
from ui import embedded

SERVER_MODULES = ("fastapi", "uvicorn", "starlette", "alembic", "instainstru_desktop.server")

#: The whole app on the embedded default (the self-test: start, sign in, sync, paint the week),
#: then which server modules this process holds.
APP_PROBE = f"""
import sys
from ui.app import main
code = main(["--self-test", "--profile", sys.argv[1]])
held = sorted({{m for m in sys.modules if m.startswith({SERVER_MODULES!r})}})
print("HELD", ",".join(held))
sys.exit(code)
"""

#: An app process that starts the bundled server and then waits to be killed.
HOLDER = """
import sys, time
from pathlib import Path
from ui.embedded import start_embedded_server
url, server = start_embedded_server(Path(sys.argv[1]))
print(url, server.pid, flush=True)
time.sleep(600)
"""


def gone(pid: int) -> bool:
    """Whether a process has ended (a zombie waiting for its parent has ended too)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            return any(line.split() == ["State:", "Z", "(zombie)"] for line in status)
    except FileNotFoundError:
        return True


def wait_for(condition: object, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.05)
    return False


def test_the_app_process_runs_the_embedded_default_without_loading_the_server(
    tmp_path: Path, demo_database: Path
) -> None:
    profile = tmp_path / "profile"
    (profile / "data").mkdir(parents=True)
    copy_database(demo_database, profile / "data" / "server.sqlite3")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", APP_PROBE, str(profile)],
        capture_output=True, text=True, timeout=180, env=env, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "painted the week" in done.stdout
    assert "HELD \n" in done.stdout, done.stdout  # none of FastAPI, uvicorn, Alembic, the server


def test_the_server_stops_with_the_app_and_answers_only_with_the_secret(
    tmp_path: Path, demo_database: Path
) -> None:
    database = tmp_path / "data" / "server.sqlite3"
    database.parent.mkdir()
    copy_database(demo_database, database)
    base_url, server = embedded.start_embedded_server(database)
    assert isinstance(server, embedded.ChildServer)
    assert base_url.startswith("http://127.0.0.1:")
    assert not server.seeded  # the database was there: a second run
    meta = f"{base_url}/api/v1/meta"
    assert httpx.get(meta, headers=server.access_headers, timeout=5).status_code == 200
    assert httpx.get(meta, timeout=5).status_code == 403
    server.stop()
    assert server.process.returncode == 0
    with pytest.raises(httpx.ConnectError):
        httpx.get(meta, headers=server.access_headers, timeout=2)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_the_server_never_outlives_an_app_that_dies(
    tmp_path: Path, demo_database: Path, how: signal.Signals
) -> None:
    database = tmp_path / "data" / "server.sqlite3"
    database.parent.mkdir()
    copy_database(demo_database, database)
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(database)], stdout=subprocess.PIPE, text=True
    ) as app:
        try:
            assert app.stdout is not None
            url, pid = app.stdout.readline().split()
            assert not gone(int(pid))
            app.send_signal(how)  # a crash, a kill: no code of the app runs to stop the server
            app.wait(20)
            assert wait_for(lambda: gone(int(pid))), "the server's process outlived the app"
            with pytest.raises(httpx.ConnectError):
                httpx.get(f"{url}/api/v1/meta", timeout=2)
        finally:
            app.kill()


def test_a_server_that_cannot_start_says_why(tmp_path: Path) -> None:
    database = tmp_path / "data" / "server.sqlite3"
    database.parent.mkdir(parents=True)
    database.write_bytes(b"this is not a database" * 100)
    with pytest.raises(embedded.EmbeddedStartError, match=r"could not start: .*database"):
        embedded.start_embedded_server(database)


def _started(tmp_path: Path, demo_database: Path) -> tuple[str, embedded.ChildServer]:
    database = tmp_path / "data" / "server.sqlite3"
    database.parent.mkdir()
    copy_database(demo_database, database)
    base_url, server = embedded.start_embedded_server(database)
    assert isinstance(server, embedded.ChildServer)
    return base_url, server


def _answers(url: str, headers: dict[str, str]) -> bool:
    try:
        return httpx.get(f"{url}/api/v1/meta", headers=headers, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


@pytest.mark.expect_log("ui.embedded", "ERROR", match="stopped unexpectedly")
def test_a_server_that_ends_unasked_serves_again_at_the_same_address(
    tmp_path: Path, demo_database: Path
) -> None:
    base_url, server = _started(tmp_path, demo_database)
    headers = dict(server.access_headers)  # what the app's open session sends
    first = server.pid
    try:
        os.kill(first, signal.SIGKILL)  # the system ended it (memory, a native crash)
        assert wait_for(lambda: server.restarts == 1 and _answers(base_url, headers), 60), (
            "the server did not come back at the address and secret the session uses"
        )
        assert server.pid != first
        assert gone(first)
    finally:
        server.stop()
    assert gone(server.pid), "the restarted server outlived its stop"
    assert not _answers(base_url, headers)


@pytest.mark.expect_log("ui.embedded", "ERROR", match="stopped unexpectedly|left stopped")
def test_a_server_that_cannot_come_back_is_left_stopped_after_a_few_tries(
    tmp_path: Path, demo_database: Path
) -> None:
    base_url, server = _started(tmp_path, demo_database)
    port = int(base_url.rsplit(":", 1)[1])
    os.kill(server.pid, signal.SIGKILL)
    squatter = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        # Another program takes the port the moment it is free: no new child can serve there.
        assert wait_for(lambda: _bind(squatter, port), 10), "the port was never released"
        squatter.listen()
        assert wait_for(lambda: server.left_stopped, 90)
        assert server.restarts == 0
    finally:
        squatter.close()
        server.stop()
    assert not _answers(base_url, dict(server.access_headers))


def _bind(sock: socket.socket, port: int) -> bool:
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        return False
    return True
