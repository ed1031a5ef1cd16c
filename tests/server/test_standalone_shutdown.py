"""``instainstru-server`` stops on SIGTERM while desktop apps hold the event stream open.

A real server process and a real open ``/events`` stream: the stream must end cleanly (the
client reads the end of the response, not a cut connection) and the process must finish its
shutdown, instead of waiting for the app to hang up.
"""

from __future__ import annotations

import signal
import time

import httpx

from tests.server.databases import DatabaseFactory
from tests.server.processes import prepared_studio, standalone


def test_sigterm_ends_open_event_streams_and_stops(databases: DatabaseFactory) -> None:
    url, studio = prepared_studio(databases)
    teacher = studio.instructors[0]
    with standalone(url) as server:
        timeout = httpx.Timeout(10, read=30)
        with (
            httpx.Client(base_url=server.base_url, timeout=timeout) as client,
            client.stream("GET", "/api/v1/events", headers=teacher.headers) as response,
        ):
            assert response.status_code == 200
            lines = response.iter_lines()
            assert ": connected" in [next(lines), next(lines)]
            signalled = time.monotonic()
            server.process.send_signal(signal.SIGTERM)
            rest = list(lines)  # returns at the stream's clean end; a cut-off stream raises
            ended = time.monotonic() - signalled
        # uvicorn ends by re-raising the signal it caught, as process managers expect
        assert server.process.wait(timeout=20) in (0, -signal.SIGTERM), server.text
        stopped = time.monotonic() - signalled
        server.close()
        assert "Finished server process" in server.text
    assert not [line for line in rest if line.startswith("data:")]
    print(f"stream ended {ended:.2f} s and the server exited {stopped:.2f} s after SIGTERM")
