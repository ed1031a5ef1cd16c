"""Handing memory back to the system after start-up, on glibc (Linux); elsewhere nothing.

Start-up allocates and frees a great deal (the imports, the first download, the first reads of
every view), and glibc keeps what was freed for later instead of returning it: the app held tens
of megabytes it no longer used. Each thread that allocates also gets an arena of its own, and
the app's worker threads (the database, the network, the sync, the live stream) kept one each.
Two arenas serve this app's few threads as fast, and one trim once the first reads are on screen
returns what start-up left behind.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys
from functools import cache

log = logging.getLogger(__name__)

#: ``mallopt`` parameter number of the arena limit, from glibc's ``malloc.h``.
M_ARENA_MAX = -8
ARENAS = 2


@cache
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c") or "libc.so.6"
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    # musl and other C libraries have no malloc_trim: nothing to do there
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Let threads share ``arenas`` malloc arenas (call before the worker threads start)."""
    libc = _libc()
    return bool(libc is not None and libc.mallopt(M_ARENA_MAX, arenas))


def give_back() -> bool:
    """Return the freed memory at the top of the heaps and free pages inside them."""
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True
