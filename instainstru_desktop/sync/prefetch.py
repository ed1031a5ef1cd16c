"""Pull pages fetched one ahead of their apply: the network and the local writes overlap.

A first sync is the server building a page, the transfer, the parse and the apply, page after
page. Done one after another, the client's writes wait for the server and the server waits for
the client. Here a thread of its own fetches (and parses) the next page while the sync thread
applies the current one, so a first sync takes about the longer of the two instead of their sum.

What stays as it was, and why it is safe:

- Pages are applied in the order the server gave them, each in its own transaction together
  with its cursor: the fetch thread never writes, it only hands pages over. A sync stopped at
  any point (a cancel, a network failure, a kill) has applied exactly the pages it committed,
  and the next pull starts from the cursor stored with the last of them.
- At most ``depth`` pages wait in the queue (and one more in the fetch thread's hands): a slow
  disk does not let the download run ahead.
- A failure of a fetch is handed over in its turn, after the pages before it, so the sync
  thread sees it where a sequential pull would have.
- Leaving (a page without more, a cancel, a failure) stops the thread and waits for it: no
  request of this pull outlives :meth:`PagePrefetch.__exit__`.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any

from instainstru_desktop.sync.api import ApiClient

Json = dict[str, Any]


@dataclass(frozen=True)
class FetchedPage:
    """A pull page and when it was asked for and answered (to compare clocks with the
    server's ``server_time``)."""

    page: Json
    asked: datetime
    answered: datetime


class _Failed:
    """A fetch that raised: handed over in place of its page."""

    def __init__(self, error: Exception) -> None:
        self.error = error


class PagePrefetch:
    """``with PagePrefetch(api, cursor, limit, clock) as pages: for fetched in pages: ...``

    ``prepare`` is applied to each page in the fetch thread (the engine converts the rows
    there). Iterating yields the pages after ``cursor`` in order until one says ``has_more:
    false``; a failed fetch raises its error there. Stopping the iteration early is allowed (a
    cancel): the page in flight is dropped, never applied. ``counts``: every page asks for the
    server's counts, which only the last one carries (which page that is, is known only once it
    has come).
    """

    def __init__(
        self,
        api: ApiClient,
        cursor: str,
        limit: int | None,
        clock: Callable[[], datetime],
        *,
        prepare: Callable[[Json], Json] = lambda page: page,
        depth: int = 1,
        counts: bool = False,
    ) -> None:
        self._api = api
        self._cursor = cursor
        self._limit = limit
        self._counts = counts
        self._clock = clock
        self._prepare = prepare
        self._ready: queue.Queue[FetchedPage | _Failed] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._fetch_all, name="sync-pull-fetch", daemon=True)

    def __enter__(self) -> PagePrefetch:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        # the fetch thread hands over at most one more page after it sees the stop: making
        # room once lets that last put go through, so the join cannot hang on a full queue
        while True:
            try:
                self._ready.get_nowait()
            except queue.Empty:
                break
        self._thread.join()

    def __iter__(self) -> Iterator[FetchedPage]:
        while True:
            item = self._ready.get()
            if isinstance(item, _Failed):
                raise item.error
            yield item
            if not item.page.get("has_more"):
                return

    def _fetch_all(self) -> None:
        cursor = self._cursor
        while not self._stop.is_set():
            asked = self._clock()
            try:
                page = self._api.pull(cursor, self._limit, counts=self._counts)
                answered = self._clock()
                prepared = self._prepare(page)
            except Exception as error:  # handed to the sync thread, raised there in its turn
                self._ready.put(_Failed(error))
                return
            self._ready.put(FetchedPage(prepared, asked, answered))
            if not page.get("has_more"):
                return
            cursor = str(page["cursor"])
