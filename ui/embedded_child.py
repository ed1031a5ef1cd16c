"""The bundled server's child process: serve the app until the app's pipe ends.

Started by :mod:`ui.embedded` as ``instainstru --embedded-server-child``. It reads one JSON
request from stdin (database, demo seed, per-run secret, log folder, and the port when the app
starts it again after it ended unasked), answers one JSON line on
stdout (the base URL, the secret's header and the demo accounts, or the error in words), serves
on a daemon thread, and waits for stdin to end: the app closes it to stop the server, and the
system closes it when the app dies, so the server never outlives the app. This is the only module
of the front end that imports the server, and only this process runs it: no Qt is loaded here.
"""

from __future__ import annotations

import contextlib
import json
import logging
import logging.handlers
import signal
import sys
from pathlib import Path
from typing import Any, BinaryIO

log = logging.getLogger("instainstru.server")


def demo_accounts() -> tuple[tuple[str, str, str], ...]:
    """``(who, email, password)`` of the demo accounts the server seeds."""
    from instainstru_desktop.server.embedded import DEMO_ADMIN, DEMO_INSTRUCTOR

    return (
        ("instructor", DEMO_INSTRUCTOR.email, DEMO_INSTRUCTOR.password),
        ("admin", DEMO_ADMIN.email, DEMO_ADMIN.password),
    )


def _log_to(folder: Path) -> None:
    """Its own rotating file beside the app's: two processes must not rotate one file."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            folder / "server.log", maxBytes=2_000_000, backupCount=2
        )
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _answer(out: BinaryIO, message: dict[str, Any]) -> None:
    out.write(json.dumps(message).encode() + b"\n")
    out.flush()


def serve(stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> int:
    """Run the server the request on ``stdin`` asks for until ``stdin`` ends; the exit code."""
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the app decides when this server stops
    try:
        request = json.loads(stdin.readline())
    except ValueError:
        return 2  # started by hand, or the app died before it asked: nothing to serve
    _log_to(Path(request["log_dir"]))
    try:
        from instainstru_desktop.server.embedded import EmbeddedServer

        server = EmbeddedServer(
            f"sqlite:///{request['database']}",
            seed_demo=bool(request["seed_demo"]),
            secret=str(request["secret"]),
            port=int(request.get("port", 0)),  # a restart keeps the URL the app already uses
        )
        url = server.start()
    except Exception as error:  # told to the app in words; the details stay in the log
        log.exception("the built-in server could not start")
        with contextlib.suppress(BrokenPipeError):  # the app may have ended meanwhile
            _answer(stdout, {"error": str(error)})
        return 1
    log.info("serving %s at %s", request["database"], url)
    (header,) = server.access_headers  # the one header that carries the secret
    try:
        _answer(stdout, {"url": url, "header": header, "demo_accounts": demo_accounts()})
        while stdin.read(65536):
            pass  # nothing more is sent: the read returns when the app's end of the pipe closes
    except BrokenPipeError:
        log.info("the app ended before the server had started")
    finally:
        server.stop()
        log.info("stopped")
    return 0
