"""Cycles are collected on the UI thread only, however much a worker thread allocates."""

from __future__ import annotations

import gc
import threading
from typing import Any

from PySide6.QtCore import QObject, QTimer

from ui.main_thread_gc import MainThreadCollector


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def _allocate_cycles(count: int) -> None:
    for _ in range(count):
        _Node()


def test_a_worker_thread_that_fills_a_generation_never_collects(
    main_thread_gc: MainThreadCollector,
) -> None:
    collectors: list[str] = []

    def note(phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            collectors.append(threading.current_thread().name)

    widget_like = QObject()
    timer = QTimer(widget_like)
    timer.start(60_000)  # a running timer: freeing it on a worker thread is what crashed
    holder: dict[str, object] = {"object": widget_like}
    holder["self"] = holder  # the QObject is only reachable from a cycle now
    del widget_like, timer, holder

    gc.callbacks.append(note)
    try:
        worker = threading.Thread(target=_allocate_cycles, args=(50_000,), name="worker")
        worker.start()
        worker.join()
        assert collectors == [], "the worker thread ran the cycle collector"
        assert main_thread_gc.collect_due() >= 0  # generations filled up: due on this thread
        assert collectors
        assert set(collectors) == {threading.main_thread().name}
    finally:
        gc.callbacks.remove(note)
    gc.collect()  # leave nothing of this test for the next one
