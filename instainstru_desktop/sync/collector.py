"""Python's cycle collector held off around the bulk work of a pull page."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while a page is parsed and converted.

    A page of 100k bookings as a table is 100k lists and then 100k tuples, none of them ever
    part of a cycle; every 700 of them the collector ran, and now and then it walked every
    object of the process, which doubled the cost of parsing such a page. Held off for the
    fraction of a second a page takes, it runs afterwards as it would have. Left as it was when
    something else had already held it off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
