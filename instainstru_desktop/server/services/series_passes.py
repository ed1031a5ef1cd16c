"""The server's regular pass over weekly series: book the lessons the booking window reached.

The window moves with the clock, so a series lesson becomes bookable at a moment no request
marks. Single bookings and series changes book the due lessons of their instructor before they
do anything else; this pass books the rest every ``series_pass_seconds``, so a series fills up
week by week even when nobody books anything. It runs beside the server's event loop, one
instructor per transaction (see :func:`series_booking.roll_due`); several server processes on
one database may each run it, the instructor's lock keeps them from booking a slot twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from starlette.concurrency import run_in_threadpool

from instainstru_desktop.server.repositories.uow import UnitOfWork
from instainstru_desktop.server.services.series_booking import roll_due

log = logging.getLogger(__name__)


class SeriesPasses:
    """Runs :func:`roll_due` every ``seconds`` (0: never) until stopped."""

    def __init__(self, uow: UnitOfWork, clock: Callable[[], datetime], seconds: float) -> None:
        self._uow, self._clock, self._seconds = uow, clock, seconds
        self._task: asyncio.Task[None] | None = None
        self.passes = 0  # completed passes, for tests and the log

    def start(self) -> None:
        if self._seconds > 0:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._seconds)
            try:
                booked = await run_in_threadpool(roll_due, self._uow, self._clock())
            except Exception:  # a failed pass is logged; the next one tries again
                log.exception("the pass over weekly series failed")
                continue
            self.passes += 1
            if booked:
                log.info("booked %d weekly-series lessons the booking window reached", booked)
