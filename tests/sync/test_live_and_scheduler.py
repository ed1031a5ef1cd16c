"""The live event stream asks for pulls; the scheduler pulls periodically and stops promptly."""

from __future__ import annotations

import threading

from instainstru_desktop.sync.backoff import Backoff
from instainstru_desktop.sync.live import LiveListener
from instainstru_desktop.sync.scheduler import SyncScheduler
from tests.sync.consistency import booking_row
from tests.sync.harness import Device, ServerHandle, wait_until
from tests.sync.scenarios import at, local_day, student_books


def test_a_poke_on_the_stream_pulls_a_new_booking_at_once(device, server, instructor):
    device.sync()
    calls: list[bool] = []
    pulled = threading.Event()

    def on_pull(reconnected: bool) -> None:
        calls.append(reconnected)
        device.engine.sync_once()
        pulled.set()

    listener = LiveListener(device.api, on_pull, backoff=Backoff(0.05, 0.2))
    listener.start()
    try:
        wait_until(listener.connected.is_set, what="the stream to connect")
        wait_until(lambda: calls == [True], what="the pull on connect")
        booking = student_books(server, server.studio.students[0], instructor, at(local_day(3), 12))
        wait_until(lambda: booking_row(device, booking) is not None, what="the poked pull")
        assert False in calls
        assert listener.pokes >= 1
    finally:
        listener.stop()
    assert not listener.connected.is_set()


def test_the_stream_reconnects_after_a_server_restart(tmp_path):
    # A live server sends a keep-alive every 0.5 s here, so 3 s of silence means a dead stream.
    server = ServerHandle(tmp_path, events_keepalive_seconds=0.5)
    device = Device(tmp_path, "laptop", server, server.studio.instructors[0])
    calls: list[bool] = []
    listener = LiveListener(device.api, calls.append, read_timeout=3.0, backoff=Backoff(0.05, 0.2))
    listener.start()
    try:
        wait_until(lambda: listener.connections == 1, what="the first connection")
        server.restart()  # the switchboard follows the server to its new port
        # (it may also reach the old server once more while that one is shutting down)
        wait_until(lambda: listener.connections >= 2, what="the reconnection")
        assert calls.count(True) == listener.connections  # each (re)connect asks for a pull
    finally:
        listener.stop()
        device.close()
        server.stop()


def test_a_stream_that_ends_with_its_server_says_so_at_once(device, server):
    """The server going away is the listener's news before anyone's: ``on_lost`` is called as
    the open stream ends (the app syncs then and shows Offline), and once more for the first
    reconnection that fails, not for every retry after it."""
    lost = threading.Event()
    listener = LiveListener(
        device.api, lambda _reconnected: None, on_lost=lost.set, backoff=Backoff(0.05, 0.2)
    )
    listener.start()
    try:
        wait_until(listener.connected.is_set, what="the stream to connect")
        assert listener.losses == 0
        server.stop()
        assert lost.wait(5), "the end of the stream was not reported"
        wait_until(lambda: listener.losses == 2, what="the first failed reconnection")
        tried = listener.attempts
        wait_until(lambda: listener.attempts >= tried + 3, what="more reconnections")
        assert listener.losses == 2
    finally:
        listener.stop()


def test_the_scheduler_pulls_every_interval_without_being_poked(device, server, instructor):
    device.sync()
    scheduler = SyncScheduler(device.engine, interval_seconds=0.2)
    scheduler.start()
    try:
        # the first sync runs at once: book only after it, so a later, periodic one must bring it
        wait_until(lambda: scheduler.runs >= 1, what="the first sync")
        booking = student_books(server, server.studio.students[0], instructor, at(local_day(3), 13))
        wait_until(lambda: booking_row(device, booking) is not None, what="a periodic pull")
        # the run that wrote the row counts itself only once it has finished
        wait_until(lambda: scheduler.runs >= 2, what="the periodic run to finish")
    finally:
        scheduler.stop(timeout=5)
    assert not scheduler.running
