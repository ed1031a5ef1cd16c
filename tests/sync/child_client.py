"""A client process for the crash tests: it edits and syncs, then stops where it is told to
and waits to be killed (SIGKILL: no cleanup, no flush, like a power cut).

    python -m tests.sync.child_client MODE STORE_PATH SERVER_URL TOKEN JSON_ARGS

It prints ``READY`` when it has reached the point to be killed at, and ``PAGE <cursor>`` after
every pull page it committed.
"""

from __future__ import annotations

import json
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from instainstru_desktop.services import AvailabilityService, LessonService
from instainstru_desktop.services.views import HoursRange
from instainstru_desktop.store import open_store
from instainstru_desktop.store.pull import PullApplier
from instainstru_desktop.sync.api import ApiClient, RetryPolicy
from instainstru_desktop.sync.engine import SyncEngine, SyncProgress


def ready_and_wait() -> None:
    print("READY", flush=True)
    threading.Event().wait()  # until SIGKILL


class StopOnPush(httpx.HTTPTransport):
    """Stops a push before it leaves (``committed=False``) or after the server committed it."""

    def __init__(self, *, committed: bool) -> None:
        super().__init__()
        self.committed = committed

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not request.url.path.endswith("/sync/push"):
            return super().handle_request(request)
        if self.committed:
            super().handle_request(request).read()
        ready_and_wait()
        raise AssertionError("unreachable")


class CountPulls(httpx.HTTPTransport):
    """Counts the pull pages received in full; ``arrived`` is set once ``wanted`` have."""

    def __init__(self, wanted: int) -> None:
        super().__init__()
        self.wanted = wanted
        self.received = 0
        self.arrived = threading.Event()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.url.path.endswith("/sync/pull"):
            response.read()
            self.received += 1
            if self.received >= self.wanted:
                self.arrived.set()
        return response


def edit(store_path: Path, args: dict[str, Any]) -> None:
    store = open_store(store_path)
    lessons = LessonService(store)
    hours = AvailabilityService(store)
    lessons.note(args["booking_id"], "typed just before the crash")
    hours.set_date_ranges(
        args["instructor_id"], date.fromisoformat(args["date"]), [HoursRange(10 * 60, 11 * 60)]
    )


def main(mode: str, store_path: str, url: str, token: str, raw: str) -> None:
    path = Path(store_path)
    args = json.loads(raw)
    if mode == "edit":
        edit(path, args)
        ready_and_wait()
    transport: httpx.BaseTransport | None = None
    if mode.startswith("push"):
        transport = StopOnPush(committed=mode == "push-committed")
    elif mode == "pull":
        # the page after the one cut short: the kill comes once it is in hand, unapplied
        transport = counter = CountPulls(int(args["stop_in_page"]) + 1)
    api = ApiClient(
        url, token=token, device="crashing", transport=transport, retry=RetryPolicy(attempts=1)
    )
    store = open_store(path)
    if mode == "synced":  # killed after the sync returned, before the step after it
        report = SyncEngine(store, api, pull_limit=int(args["limit"])).sync_once()
        assert report.error is None, report.error
        ready_and_wait()
    if mode.startswith("push"):
        edit(path, args)
        SyncEngine(store, api).sync_once()
    elif mode == "pull":
        stop_after = int(args["stop_in_page"])
        original = PullApplier.apply
        pages = {"n": 0}

        def apply_then_stop(self: PullApplier, page: Any, *, now: str) -> Any:
            result = original(self, page, now=now)
            pages["n"] += 1
            if pages["n"] == stop_after:  # rows written, transaction still open
                if counter.arrived.wait(30):
                    print(f"FETCHED {counter.received}", flush=True)
                ready_and_wait()
            return result

        PullApplier.apply = apply_then_stop  # type: ignore[method-assign]

        def progress(step: SyncProgress) -> None:
            with store.read() as uow:
                print(f"PAGE {uow.sync_state.get().cursor}", flush=True)

        SyncEngine(store, api, pull_limit=int(args["limit"]), on_progress=progress).sync_once()
    raise SystemExit(f"mode {mode!r} ended without being killed")


if __name__ == "__main__":
    main(*sys.argv[1:6])
