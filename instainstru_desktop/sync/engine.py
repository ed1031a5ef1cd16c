"""The blocking sync engine: push the outbox in order, then pull until nothing is left.

Rules it keeps, and why:

- **Never a transaction across a network call.** Each step reads what to send in one short
  transaction, talks to the server with no transaction open, then writes the answer in another.
  The UI thread's edits are never blocked by a slow network.
- **Nothing lost, nothing duplicated.** A mutation is marked ``sent`` before it goes out and
  answered only when its result is stored; a lost reply means it is sent again with the same id
  and the server answers the replay from its stored result. A pull page and its cursor are
  written in one transaction, so the cursor never runs ahead of the rows it covers.
- **The pull overlaps the network with the writes.** The next page is fetched (and its rows
  converted) in a thread of its own while this one applies the current page; pages are still
  applied in order, one transaction each, and a page fetched ahead of a stop is dropped
  (:mod:`.prefetch`).
- **The queue moves on.** A business refusal is an answer (``rejected``): the row falls back to
  the server's truth at once and the refusal waits in the needs-attention list. Only network
  failures, 5xx and throttling hold the queue, with exponential backoff and jitter.
- **Housekeeping waits for the report.** What changes no view -- the indexes only the admin
  table's other sort orders use, after a first download, and the daily backup -- is left to
  :meth:`SyncEngine.after_sync`, which whoever runs the sync calls once the report is out (the
  scheduler does, on its own thread).
- **A restored server is repaired, not trusted blindly.** ``reset_required`` (or a server that
  remembers fewer of our mutations than it acknowledged) makes the client download everything
  again, keep its outbox, and send again every retained mutation the server lost.
- **A download from the start is checked whole.** Its last page carries the server's counts of
  each entity, and the cache's are compared with them in the transaction that writes that page
  (:mod:`.counts`). A difference means rows went missing on the way: everything is downloaded
  once more (as after ``reset_required``, outbox and local edits kept); if the numbers still
  differ, the sync stops with :class:`IncompleteDownload`; syncs go on from the cache as it
  is (each still reporting what it lacks), and the first one an hour later
  (:data:`DOWNLOAD_AGAIN_AFTER`) downloads from the start once more. Never more than one
  download again per sync, and a server that keeps counting otherwise is not asked for
  everything by every client every minute.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from instainstru_desktop.clocks import CLOCK_SKEW_WARNING_SECONDS
from instainstru_desktop.protocol import CLASH_CODE
from instainstru_desktop.store import AfterSync, StorageError, Store
from instainstru_desktop.store.mirror import Subject, instant_text, parse_instant, precise_text
from instainstru_desktop.store.repositories.mirror import MirrorRepository
from instainstru_desktop.store.repositories.outbox import RETENTION, OutboxMutation
from instainstru_desktop.store.repositories.sync_state import START_CURSOR, cursor_seq
from instainstru_desktop.sync import counts
from instainstru_desktop.sync.api import ApiClient, PushReply
from instainstru_desktop.sync.backoff import Backoff
from instainstru_desktop.sync.errors import (
    ApiError,
    MutationGap,
    Offline,
    RateLimited,
    ResetRequired,
    ServerUnavailable,
)
from instainstru_desktop.sync.pages import readable_page
from instainstru_desktop.sync.prefetch import FetchedPage, PagePrefetch
from instainstru_desktop.sync.recovery import Recovery

log = logging.getLogger(__name__)


def _never() -> bool:
    return False


@dataclass(frozen=True)
class SyncProgress:
    """Reported between batches: ``phase`` is "push", "pull" or "download" (after a reset)."""

    phase: str
    done: int  # mutations answered / rows applied so far in this phase


#: After a download from the start that did not arrive whole even twice, how long syncs go on
#: from the cache as it is before the next download from the start.
DOWNLOAD_AGAIN_AFTER = timedelta(hours=1)


@dataclass
class SyncReport:
    """What one :meth:`SyncEngine.sync_once` did, and what views may want to refresh."""

    pushed: int = 0
    applied: int = 0
    rejected: int = 0
    pages: int = 0
    rows: int = 0
    reset: bool = False
    #: Downloaded from the start again because a download did not arrive whole (its counts)
    redownloaded: bool = False
    resent: int = 0  # mutations sent again because the server had lost them
    cancelled: bool = False
    error: ApiError | None = None
    storage_error: StorageError | None = None  # the local file failed (the sync raised it)
    # What the sync changed locally, so views re-read only that: the rows a pull wrote or
    # deleted, and the rows of every answered edit (their pending marks go, or they fall back)
    booking_ids: set[str] = field(default_factory=set)
    override_keys: set[str] = field(default_factory=set)  # "instructor_id/date"
    template_instructors: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)  # every entity named, and the unnamed ones
    conflicts: int = 0
    clock_skew_seconds: float | None = None  # ours minus the server's, at the last pull

    def name(self, subjects: Iterable[Subject]) -> None:
        """Add rows, named ``(entity, key)``, to what this sync changed."""
        for entity, key in subjects:
            self.kinds.add(entity)
            if entity == "booking":
                self.booking_ids.add(key)
            elif entity == "override":
                self.override_keys.add(key)
            elif entity == "template":
                self.template_instructors.add(key)

    @property
    def clock_skewed(self) -> bool:
        """Whether the local clock is off by more than the warning threshold."""
        skew = self.clock_skew_seconds
        return skew is not None and abs(skew) > CLOCK_SKEW_WARNING_SECONDS

    @property
    def ok(self) -> bool:
        return self.error is None and self.storage_error is None and not self.cancelled


class SyncEngine:
    """Synchronizes one store with one server account; one :meth:`sync_once` at a time."""

    def __init__(
        self,
        store: Store,
        api: ApiClient,
        *,
        push_batch: int = 200,
        pull_limit: int | None = None,
        backoff: Backoff | None = None,
        rng: Callable[[], float] = random.random,
        on_progress: Callable[[SyncProgress], None] | None = None,
    ) -> None:
        self._store = store
        self._api = api
        self._push_batch = push_batch
        self._pull_limit = pull_limit
        # equal jitter: many clients that lost the server together do not come back in
        # lockstep, and none retries at once
        self._backoff = backoff or Backoff(base_seconds=1.0, max_seconds=300.0, jitter=0.5)
        self._rng = rng
        self._on_progress = on_progress
        self._lock = threading.Lock()
        self._recovery = Recovery(store, api)
        #: The last download from the start did not arrive whole even twice: what it lacked,
        #: which every sync reports until a download arrives whole (so the status bar does not
        #: look healthy meanwhile), and from when a sync downloads from the start once more
        #: (kept in memory; see :meth:`_pull_pages`)
        self._lack: tuple[list[counts.CountDifference], datetime] | None = None

    # -- public -------------------------------------------------------------------------------

    def sync_once(
        self, *, cancel: threading.Event | None = None, force_push: bool = False
    ) -> SyncReport:
        """Push what is due, then pull everything new. Blocking; run it off the UI thread.

        ``force_push`` sends even if the outbox is backing off (the server is known to be back).
        API failures are returned in :attr:`SyncReport.error`, not raised; storage errors raise
        (and stay the store's last sync error until a sync runs through).
        """
        with self._lock:
            report = SyncReport()
            try:
                report.resent += self._recovery.check_server_memory(force_push)
                self._push(report, cancel, force_push)
                if not self._cancelled(cancel, report):
                    self._pull(report, cancel)
                if report.reset and not self._cancelled(cancel, report):
                    self._push(report, cancel, True)  # what the restored server had lost
                    self._pull(report, cancel)
                elif not force_push and not self._cancelled(cancel, report):
                    # the pull just reached the server: edits backing off after a network
                    # failure need not wait out their delay (up to minutes) while it answers
                    self._push(report, cancel, True)
                self._forget_old_answers()
                if self._lack is not None:  # still lacking rows: say so again
                    raise counts.incomplete_download(self._lack[0])
            except ApiError as error:
                report.error = error
                self._record_contact(error)
                log.info("sync stopped: %r", error)
            except StorageError as error:
                self._store.sync_failed(error)
                raise
            self._store.sync_finished()
            return report

    def after_sync(self, *, cancel: threading.Event | None = None) -> AfterSync:
        """Build the sort-only indexes a first download left for later and write the daily
        backup if due (:meth:`Store.after_sync` says why this may wait). Blocking, off the UI
        thread, after :meth:`sync_once` has reported; ``cancel`` stops it between steps (the
        next call, or opening the file, finishes the job). Storage errors raise."""
        with self._lock:  # not beside a sync: a download may be dropping the same indexes
            return self._store.after_sync(cancel.is_set if cancel is not None else _never)

    def next_attempt(self) -> datetime | None:
        """When queued edits may be sent again (``None``: nothing is waiting for a retry)."""
        with self._store.read() as uow:
            if uow.outbox.open_count() == 0:
                return None
            due = uow.outbox.earliest_attempt()
        return parse_instant(due) if due else uow.clock()

    # -- push ---------------------------------------------------------------------------------

    def _push(self, report: SyncReport, cancel: threading.Event | None, force: bool) -> None:
        gaps = 0
        while not self._cancelled(cancel, report):
            with self._store.uow() as uow:
                batch = uow.outbox.due(self._push_batch, uow.now_precise(), force=force)
                if not batch:
                    return
                # known to be on their way before they are marked so: an undo never mistakes
                # a change in flight for one that left in an earlier attempt
                self._store.sending(m.mutation_id for m in batch)
                try:
                    uow.outbox.mark_sent([m.mutation_id for m in batch])
                    client_id = uow.sync_state.get().client_id
                    uow.commit()
                except BaseException:
                    self._store.sending(())
                    raise
            try:
                self._send(client_id, batch, report)
            except MutationGap as gap:
                gaps += 1
                if gaps > 3:
                    raise
                report.resent += self._recovery.recover(gap.expected_mutation_id - 1)
                force = True
                continue
            force = True  # the server is reachable: the rest of the queue goes now
            self._progress("push", report.applied + report.rejected)

    def _send(self, client_id: str, batch: list[OutboxMutation], report: SyncReport) -> None:
        """Push one batch and record what became of it; then nothing is in flight any more."""
        try:
            try:
                reply = self._api.push(client_id, [m.wire() for m in batch])
            except MutationGap:
                raise
            except ApiError as error:
                self._delay(batch, error)
                raise
            self._answer(reply, report)
        finally:
            self._store.sending(())

    def _answer(self, reply: PushReply, report: SyncReport) -> None:
        seq = cursor_seq(reply.cursor)
        with self._store.uow() as uow:
            refused = []
            instructor = uow.sync_state.get().role == "instructor"
            for result in reply.results:
                mutation_id = int(result["id"])
                applied = result.get("status") == "applied"
                subjects = uow.outbox.subjects_of(mutation_id)
                uow.outbox.record_result(
                    mutation_id,
                    applied=applied,
                    code=result.get("code"),
                    message=result.get("message"),
                    result=result.get("result"),
                    applied_seq=seq,
                )
                if not applied:
                    refused.extend(subjects)
                if instructor and result.get("code") == CLASH_CODE:
                    # the server recorded the clash as a conflict, with the change, for every
                    # device of the instructor: that is what the person sees and settles
                    uow.refusals.dismiss(mutation_id)
                report.name(subjects)
                report.applied += applied
                report.rejected += not applied
                report.pushed += 1
            uow.changes.rematerialize(refused)  # refused edits fall back to the truth now
            uow.sync_state.update(
                last_acked_mutation_id=reply.last_mutation_id,
                online=True,
                last_error=None,
                last_push_at=uow.now_text(),
            )
            uow.commit()

    def _delay(self, batch: list[OutboxMutation], error: ApiError) -> None:
        """A delivery failed: schedule the next attempt of the batch with backoff.

        When no attempt even connected, nothing left this computer: the changes that were
        unsent before this push are unsent still (and may be taken back); one sent before
        stays ``sent``, as the server may hold it from then.
        """
        # retry n follows n earlier failures of the batch: the first waits one base step
        seconds = self._backoff.delay(batch[0].attempts, self._rng)
        if isinstance(error, RateLimited) and error.retry_after:
            seconds = max(seconds, error.retry_after)
        with self._store.uow() as uow:
            when = precise_text(uow.clock() + timedelta(seconds=seconds))
            uow.outbox.record_failure([m.mutation_id for m in batch], error.message, when)
            if isinstance(error, Offline) and not error.reached:
                uow.outbox.mark_unsent([m.mutation_id for m in batch if m.status == "pending"])
            # the failed attempt and what it says of the connection are seen together
            online = not isinstance(error, Offline | ServerUnavailable)
            uow.sync_state.update(online=online, last_error=error.message)
            uow.commit()

    # -- pull ---------------------------------------------------------------------------------

    def _pull(self, report: SyncReport, cancel: threading.Event | None) -> None:
        """Pull until the server has nothing newer, the next page fetched while one is applied
        (see :mod:`.prefetch`); each page is applied with its cursor in one transaction.

        A first download goes in without the bookings' indexes and the last page builds them
        (:mod:`instainstru_desktop.store.pull`); one stopped before its last page builds them
        here (the sort-only ones follow in :meth:`after_sync`), so the cache is quick to read
        however the pull ended."""
        try:
            self._pull_pages(report, cancel)
        finally:
            self._store.restore_indexes(sort_indexes=False)

    def _pull_pages(self, report: SyncReport, cancel: threading.Event | None) -> None:
        """Pull page after page; start over from the beginning after ``reset_required``, or
        once when a download from the start did not arrive whole (:mod:`.counts`)."""
        start_over = self._download_again_due()  # a download lacked rows an hour ago
        phase = "download" if start_over else "pull"
        while not self._cancelled(cancel, report):
            with self._store.read() as uow:
                cursor = START_CURSOR if start_over else uow.sync_state.get().cursor
            try:
                with PagePrefetch(
                    self._api,
                    cursor,
                    self._pull_limit,
                    self._store.clock,
                    prepare=readable_page,
                    counts=cursor == START_CURSOR,
                ) as pages:
                    missing: list[counts.CountDifference] = []
                    for fetched in pages:
                        missing = self._apply_page(fetched, report, start_over=start_over)
                        start_over = False
                        self._progress(phase, report.rows)
                        if self._cancelled(cancel, report):
                            return
                if not missing:
                    if cursor == START_CURSOR:  # counted, and whole
                        self._lack = None
                    return
                self._after_incomplete_download(missing, report)
                start_over = True
                phase = "download"
            except ResetRequired:
                if report.reset:
                    raise
                report.reset = start_over = True
                phase = "download"
                report.resent += self._recovery.before_download()

    def _after_incomplete_download(
        self, missing: list[counts.CountDifference], report: SyncReport
    ) -> None:
        """A download from the start did not arrive whole: say so, and let it run once more,
        or stop the sync when it was already the second (this sync's or the last one's)."""
        log.warning(
            "the download from the server did not arrive whole (%s)", counts.described(missing)
        )
        if report.redownloaded or self._lack is not None:
            self._lack = (missing, self._store.clock() + DOWNLOAD_AGAIN_AFTER)
            raise counts.incomplete_download(missing)
        report.redownloaded = True

    def _download_again_due(self) -> bool:
        return self._lack is not None and self._store.clock() >= self._lack[1]

    def _apply_page(
        self, fetched: FetchedPage, report: SyncReport, *, start_over: bool
    ) -> list[counts.CountDifference]:
        """Write one page, its cursor and the measured clock skew in one transaction; returns
        the entities whose rows the cache holds fewer or more of than the server counted, when
        the page carries its counts (the last page of a download from the start)."""
        page = fetched.page
        skew = self._skew(page, fetched.asked, fetched.answered)
        with self._store.uow() as uow:
            if start_over:
                uow.pull.start_over()  # in the same transaction as the first page
            summary = uow.pull.apply(page, now=uow.now_text())
            missing = self._compare_counts(uow.mirror, page)
            uow.sync_state.update(online=True, last_error=None)
            if skew is not None:
                uow.sync_state.update(clock_skew_seconds=skew)
            uow.commit()
        if skew is not None:
            self._store.clock_measured(skew)
            report.clock_skew_seconds = skew
        report.pages += 1
        report.rows += summary.rows
        report.conflicts += summary.conflicts
        report.booking_ids |= summary.booking_ids
        report.override_keys |= summary.override_keys
        report.template_instructors |= summary.template_instructors
        report.kinds |= summary.kinds
        return missing

    @staticmethod
    def _compare_counts(
        mirror: MirrorRepository, page: dict[str, object]
    ) -> list[counts.CountDifference]:
        """The server's counts of a last page against the rows the cache now holds from the
        server (the mirror without local edits: they are not the server's rows yet)."""
        expected = counts.server_counts(page)
        if expected is None:
            return []
        held = mirror.server_counts(counts.entities_of(expected))
        found = counts.differences(expected, held)
        if not found:
            log.debug("the download arrived whole: %s", expected)
        return found

    def _skew(self, page: dict[str, object], asked: datetime, answered: datetime) -> float | None:
        """This computer's clock minus the server's, from a page's ``server_time``.

        The server read its clock somewhere between our request and its answer, so it is
        compared with the middle of that interval (a slow answer does not look like skew).
        Lesson times and "only once it has started" rules go wrong on a machine whose clock is
        far off: the services correct by this, and the status bar warns beyond a minute.
        """
        server_time = page.get("server_time")
        if not isinstance(server_time, str):
            return None
        try:
            middle = asked + (answered - asked) / 2
            skew = (middle - parse_instant(server_time)).total_seconds()
        except (ValueError, TypeError):
            return None
        if abs(skew) > CLOCK_SKEW_WARNING_SECONDS:
            log.info("this computer's clock is %+.0f s off the server's", skew)
        return skew

    # -- helpers ------------------------------------------------------------------------------

    def _forget_old_answers(self) -> None:
        """Drop answered outbox rows past the retention period (kept until then for re-sending
        to a server restored from an older copy)."""
        with self._store.uow() as uow:
            state = uow.sync_state.get()
            cutoff = instant_text(uow.clock() - RETENTION)
            if uow.recovery.prune(cutoff, state.last_acked_mutation_id):
                uow.commit()

    def _record_contact(self, error: ApiError) -> None:
        online = not isinstance(error, Offline | ServerUnavailable)
        with self._store.uow() as uow:
            uow.sync_state.update(online=online, last_error=error.message)
            uow.commit()

    def _progress(self, phase: str, done: int) -> None:
        if self._on_progress is not None:
            self._on_progress(SyncProgress(phase, done))

    @staticmethod
    def _cancelled(cancel: threading.Event | None, report: SyncReport) -> bool:
        if cancel is not None and cancel.is_set():
            report.cancelled = True
        return report.cancelled
