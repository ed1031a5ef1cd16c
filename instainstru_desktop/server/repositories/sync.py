"""The change sequence, commit history, push bookkeeping, and the pull's change queries.

Pull queries select rows whose ``seq`` lies in ``(after, upto]`` and that the caller may see
(``instructor_id`` None: an admin, everything). They are Core selects returning plain rows,
because a full pull can be 100k bookings.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    Text,
    and_,
    bindparam,
    cast,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    tuple_,
    union,
    union_all,
    update,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from instainstru_desktop.server.core.db import COMMITS_TRANSACTION
from instainstru_desktop.server.core.events import NOTIFY_CHANNEL
from instainstru_desktop.server.core.models import (
    AuditEntry,
    AvailabilityOverride,
    Booking,
    ChangeSequence,
    Commit,
    Conflict,
    Instructor,
    LessonType,
    Message,
    MessageRead,
    MutationResult,
    Series,
    Stamped,
    SyncClient,
    Term,
    Tombstone,
    User,
    WeeklyTemplate,
)
from instainstru_desktop.server.repositories._locks import locking
from instainstru_desktop.server.repositories._types import AnyRow
from instainstru_desktop.server.repositories.booking_table import (
    BookingTable,
    changed_booking_table,
)
from instainstru_desktop.server.repositories.bookings import booking_view
from instainstru_desktop.server.repositories.compiled import Prepared
from instainstru_desktop.server.repositories.messages import MESSAGE_VIEW, READ_VIEW

#: Tables a pull reads, and the column that names the instructor a row belongs to.
_SCOPED: tuple[tuple[Any, Any], ...] = (
    (Instructor, Instructor.id),
    (LessonType, LessonType.instructor_id),
    (WeeklyTemplate, WeeklyTemplate.instructor_id),
    (AvailabilityOverride, AvailabilityOverride.instructor_id),
    (Booking, Booking.instructor_id),
    (Conflict, Conflict.instructor_id),
    (AuditEntry, AuditEntry.instructor_id),
    (Message, Message.instructor_id),
    (MessageRead, MessageRead.instructor_id),
    (Tombstone, Tombstone.instructor_id),
    (Series, Series.instructor_id),
    (Term, Term.instructor_id),
)

#: What :meth:`SyncRepository.live_counts` counts like a table: the page's field, the table, and
#: the column that names the instructor a row belongs to (students are counted apart).
_COUNTED: tuple[tuple[str, Any, Any], ...] = (
    ("instructors", Instructor, Instructor.id),
    ("lesson_types", LessonType, LessonType.instructor_id),
    ("templates", WeeklyTemplate, WeeklyTemplate.instructor_id),
    ("overrides", AvailabilityOverride, AvailabilityOverride.instructor_id),
    ("terms", Term, Term.instructor_id),
    ("series", Series, Series.instructor_id),
    ("bookings", Booking, Booking.instructor_id),
    ("conflicts", Conflict, Conflict.instructor_id),
    ("audit", AuditEntry, AuditEntry.instructor_id),
    ("messages", Message, Message.instructor_id),
    ("message_reads", MessageRead, MessageRead.instructor_id),
)

#: One statement (UPDATE ... RETURNING: SQLite 3.35+, PostgreSQL) instead of update-then-read.
_NEXT_SEQ = (
    update(ChangeSequence)
    .where(ChangeSequence.id == 1)
    .values(value=ChangeSequence.value + 1)
    .returning(ChangeSequence.value)
)
_ADD_COMMIT = Prepared(insert(Commit))
_NEXT_SEQ_PREPARED = Prepared(_NEXT_SEQ)


def _by_table(rows: Iterable[Stamped]) -> dict[Table, tuple[list[tuple[Any, ...]], list[Stamped]]]:
    """Rows grouped by table: their primary keys, and the objects."""
    grouped: dict[Table, tuple[list[tuple[Any, ...]], list[Stamped]]] = {}
    for obj in rows:
        state = sa_inspect(obj)
        if state.identity is None or state.deleted or state.was_deleted:
            continue  # never written, or deleted since: nothing to stamp
        table = state.mapper.local_table
        assert isinstance(table, Table)
        keys, objects = grouped.setdefault(table, ([], []))
        keys.append(tuple(state.identity))
        objects.append(obj)
    return grouped


_AUDIT_TABLE = AuditEntry.__table__


@functools.lru_cache(maxsize=256)
def _commit_statement(
    tables: tuple[Table, ...], audit_names: tuple[str, ...], audit_rows: int, notify: bool
) -> Any:
    """The statement of :meth:`SyncRepository.commit_stamped` for one shape of commit: the
    tables whose rows it stamps, how many audit entries it writes (with which columns), and
    whether it notifies. Everything else is a bound parameter (``nonce``, ``at``, ``keys_<i>``
    for the i-th table, ``a<i>_<column>`` for the i-th audit entry, ``notice_head`` and
    ``notice_tail``), so a shape is built once; a booking's is always the same."""
    taken = _NEXT_SEQ.cte("taken")
    number = select(taken.c.value).scalar_subquery()
    recorded = select(
        taken.c.value,
        bindparam("nonce", type_=String),
        bindparam("at", type_=Commit.__table__.c.committed_at.type),
    )
    steps: list[Any] = [
        insert(Commit).from_select(["seq", "nonce", "committed_at"], recorded).cte("recorded")
    ]
    if audit_rows:
        table = _AUDIT_TABLE
        selects = [
            select(
                *(bindparam(f"a{i}_{name}", type_=table.c[name].type) for name in audit_names),
                taken.c.value,
            )
            for i in range(audit_rows)
        ]
        source = selects[0] if audit_rows == 1 else union_all(*selects)
        steps.append(insert(AuditEntry).from_select([*audit_names, "seq"], source).cte("audited"))
    for index, table in enumerate(tables):
        key_columns = list(table.primary_key.columns)
        key = key_columns[0] if len(key_columns) == 1 else tuple_(*key_columns)
        steps.append(
            update(table)
            .where(key.in_(bindparam(f"keys_{index}", expanding=True)))
            .values(seq=number)
            .cte(f"stamped_{index}")
        )
    columns: list[Any] = [taken.c.value]
    if notify:
        head, tail = bindparam("notice_head", type_=Text), bindparam("notice_tail", type_=Text)
        columns.append(func.pg_notify(NOTIFY_CHANNEL, head + cast(taken.c.value, Text) + tail))
    # COMMIT goes with it (PostgreSQL): see commit_stamped
    return select(*columns).add_cte(*steps).execution_options(**{COMMITS_TRANSACTION: True})


class SyncRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    # -- the sequence and commits --------------------------------------------------------------

    # Both run on every write, so they are Core statements on the session's connection: the
    # sequence row and the commit history are never loaded as objects, and the ORM's
    # per-statement pass (and a flush of its own for the commit row) would cost more than the SQL.

    def next_seq(self) -> int:
        """Increment the sequence row; its lock is now held until this transaction ends."""
        [row] = _NEXT_SEQ_PREPARED.rows(self._s.connection(), {})
        return int(row[0])

    def commit_stamped(
        self,
        rows: Iterable[Stamped],
        nonce: str,
        at: datetime,
        notice: tuple[str, str] | None,
        audit: Sequence[dict[str, Any]] = (),
        written: Mapping[Table, Sequence[tuple[Any, ...]]] | None = None,
    ) -> int:
        """Take the next number, stamp ``rows`` with it, record the commit, write the ``audit``
        entries stamped and queue its NOTIFY (``notice``: the payload's text around the number),
        all in one statement, and commit the transaction with it. Returns the number.

        For a database whose writers run side by side (PostgreSQL): the sequence row's lock is
        held from this statement to the end of the transaction. ``COMMIT`` is sent in one go
        with the statement (``core.db.COMMITS_TRANSACTION``), so the lock is held only while
        PostgreSQL runs the two, never across a round trip to this process. Every row stamped
        here was written earlier in this transaction, so its lock is held already and nothing in
        the statement waits once the sequence row is had. The audit entries are new rows: their
        foreign-key checks take key-share locks on the rows they name (instructor, lesson,
        user), which only a deletion or a key change would block, and the server does neither to
        those rows. ``written``: keys of rows inserted with Core statements (see
        ``_written``), stamped with the others.

        The transaction has ended when this returns (the session's own commit then sends
        nothing): nothing may be written after it.
        """
        grouped = _by_table(rows)
        for table, keys in (written or {}).items():
            grouped.setdefault(table, ([], []))[0].extend(keys)
        tables = sorted(grouped.items(), key=lambda item: item[0].name)
        names = tuple(c.key for c in _AUDIT_TABLE.columns if audit and c.key in audit[0])
        stmt = _commit_statement(
            tuple(table for table, _ in tables), names, len(audit), notice is not None
        )
        params: dict[str, Any] = {"nonce": nonce, "at": at}
        for index, (table, (keys, _objects)) in enumerate(tables):
            single = len(table.primary_key.columns) == 1
            params[f"keys_{index}"] = [key[0] for key in keys] if single else keys
        for index, entry in enumerate(audit):
            params.update({f"a{index}_{name}": entry[name] for name in names})
        if notice is not None:
            params["notice_head"], params["notice_tail"] = notice
        row = self._s.connection().execute(stmt, params).one()
        seq = int(row[0])
        for _table, (_keys, objects) in tables:
            for obj in objects:  # the rows hold it now: no UPDATE for the session to flush
                set_committed_value(obj, "seq", seq)
        return seq

    def add_commit(self, seq: int, nonce: str, at: datetime) -> None:
        _ADD_COMMIT.run(self._s.connection(), [{"seq": seq, "nonce": nonce, "committed_at": at}])

    def commit_exists(self, seq: int, nonce: str) -> bool:
        stmt = select(Commit.seq).where(Commit.seq == seq, Commit.nonce == nonce)
        return self._s.execute(stmt).first() is not None

    def head(self) -> tuple[int, str] | None:
        """The latest commit (seq, nonce), or None on an empty history."""
        stmt = select(Commit.seq, Commit.nonce).order_by(Commit.seq.desc()).limit(1)
        row = self._s.execute(stmt).first()
        return None if row is None else (int(row[0]), str(row[1]))

    def commits_after(self, after: int) -> list[int]:
        """Sequence numbers of the commits after ``after``, in order."""
        stmt = select(Commit.seq).where(Commit.seq > after).order_by(Commit.seq)
        return [int(seq) for seq in self._s.execute(stmt).scalars()]

    def commit_scopes(self, after: int, upto: int) -> dict[int, set[str]]:
        """The instructors whose rows each commit in ``(after, upto]`` still stamps.

        A commit touching only users' rows maps to an empty set (it concerns nobody in
        particular); one whose rows a later commit stamped again is missing (the later commit
        names them). One statement: it runs whenever another process has committed.
        """
        parts = [
            select(model.seq, owner).where(*self._window(model.seq, after, upto))
            for model, owner in _SCOPED
        ]
        parts.append(
            select(User.seq, literal(None, String)).where(*self._window(User.seq, after, upto))
        )
        scopes: dict[int, set[str]] = {}
        for seq, owner in self._s.execute(union(*parts)).all():
            named = scopes.setdefault(int(seq), set())
            if owner is not None:
                named.add(str(owner))
        return scopes

    def nonce_of(self, seq: int) -> str:
        return str(self._s.execute(select(Commit.nonce).where(Commit.seq == seq)).scalar_one())

    def notify(self, payload: str) -> None:
        """PostgreSQL only: queue a notification, delivered when (if) this transaction commits."""
        self._s.execute(select(func.pg_notify(NOTIFY_CHANNEL, payload)))

    # -- push bookkeeping ----------------------------------------------------------------------

    def client_for_update(self, user_id: str, client_id: str, now: datetime) -> SyncClient:
        """The device's push state, row-locked until commit; created on its first push.

        Two first pushes of one device racing (PostgreSQL) both try to insert: the loser's
        insert fails inside a savepoint and it locks the winner's row instead.
        """
        stmt = locking(
            select(SyncClient).where(
                SyncClient.user_id == user_id, SyncClient.client_id == client_id
            )
        )
        found = self._s.scalars(stmt).first()
        if found is not None:
            return found
        try:
            with self._s.begin_nested():
                self._s.add(
                    SyncClient(
                        user_id=user_id, client_id=client_id, last_mutation_id=0, updated_at=now
                    )
                )
        except IntegrityError:
            pass
        return self._s.scalars(stmt).one()

    def client(self, user_id: str, client_id: str) -> SyncClient | None:
        return self._s.get(SyncClient, (user_id, client_id))

    def result(self, user_id: str, client_id: str, mutation_id: int) -> MutationResult | None:
        return self._s.get(MutationResult, (user_id, client_id, mutation_id))

    def add_result(self, result: MutationResult) -> None:
        self._s.add(result)

    # -- pull ----------------------------------------------------------------------------------

    def commit_sizes(
        self, after: int, upto: int, instructor_id: str | None, limit: int
    ) -> tuple[dict[int, int], int | None]:
        """Rows per commit in the caller's scope, reading at most ``limit`` commits per table.

        Also returns the cap: the lowest "last commit read" among tables that hit ``limit``,
        beyond which this answer knows nothing, so a page must not reach past it.
        """
        sizes: dict[int, int] = {}
        cap: int | None = None
        scoped = [(model.seq, self._scope(owner, instructor_id)) for model, owner in _SCOPED]
        scoped.append((User.seq, self._students(instructor_id)))
        for seq_column, conditions in scoped:
            stmt = (
                select(seq_column, func.count())
                .where(*self._window(seq_column, after, upto), *conditions)
                .group_by(seq_column)
                .order_by(seq_column)
                .limit(limit)
            )
            rows = self._s.execute(stmt).all()
            for seq, count in rows:
                sizes[int(seq)] = sizes.get(int(seq), 0) + int(count)
            if len(rows) == limit:
                last = int(rows[-1][0])
                cap = last if cap is None else min(cap, last)
        return sizes, cap

    @staticmethod
    def _window(column: Any, after: int, upto: int) -> list[ColumnElement[bool]]:
        return [column > after, column <= upto]

    @staticmethod
    def _scope(owner: Any, instructor_id: str | None) -> list[ColumnElement[bool]]:
        return [] if instructor_id is None else [owner == instructor_id]

    @staticmethod
    def _students(instructor_id: str | None) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [User.role == "student"]
        if instructor_id is not None:
            booked = select(Booking.student_id).where(Booking.instructor_id == instructor_id)
            conditions.append(User.id.in_(booked))
        return conditions

    def changed_instructors(self, after: int, upto: int, who: str | None) -> set[str]:
        stmt = select(Instructor.id).where(
            *self._window(Instructor.seq, after, upto), *self._scope(Instructor.id, who)
        )
        return set(self._s.scalars(stmt))

    def changed_lesson_types(self, after: int, upto: int, who: str | None) -> Sequence[LessonType]:
        stmt = select(LessonType).where(
            *self._window(LessonType.seq, after, upto),
            *self._scope(LessonType.instructor_id, who),
        )
        return self._s.scalars(stmt).all()

    def changed_students(self, after: int, upto: int, who: str | None) -> set[str]:
        stmt = select(User.id).where(*self._window(User.seq, after, upto), *self._students(who))
        return set(self._s.scalars(stmt))

    def changed_templates(self, after: int, upto: int, who: str | None) -> Sequence[AnyRow]:
        t = WeeklyTemplate
        stmt = select(t.instructor_id, t.ranges, t.version).where(
            *self._window(t.seq, after, upto), *self._scope(t.instructor_id, who)
        )
        return self._s.execute(stmt).all()

    def changed_overrides(self, after: int, upto: int, who: str | None) -> Sequence[AnyRow]:
        o = AvailabilityOverride
        stmt = select(o.instructor_id, o.day, o.ranges, o.version).where(
            *self._window(o.seq, after, upto), *self._scope(o.instructor_id, who)
        )
        return self._s.execute(stmt).all()

    def changed_bookings(
        self, after: int, upto: int, who: str | None
    ) -> tuple[list[str], Sequence[AnyRow]]:
        """Column names and rows of changed bookings (``booking_view`` shape)."""
        stmt = booking_view(plain_instants=True).where(
            *self._window(Booking.seq, after, upto), *self._scope(Booking.instructor_id, who)
        )
        # Core execution on the session's connection: no ORM row processing for 100k rows. No
        # ORDER BY: a client applies a page as a whole, and sorting 100k rows costs ~20%.
        result = self._s.connection().execute(stmt)
        return list(result.keys()), result.all()

    def changed_booking_table(
        self, after: int, upto: int, who: str | None, *, blank: Collection[str] = ()
    ) -> BookingTable:
        """:meth:`changed_bookings` as a table, in this snapshot (:mod:`.booking_table`); the
        columns in ``blank`` are null."""
        return changed_booking_table(self._s.connection(), after, upto, who, blank=blank)

    def changed_series(self, after: int, upto: int, who: str | None) -> Sequence[Series]:
        stmt = select(Series).where(
            *self._window(Series.seq, after, upto), *self._scope(Series.instructor_id, who)
        )
        return self._s.scalars(stmt).all()

    def changed_terms(self, after: int, upto: int, who: str | None) -> Sequence[Term]:
        stmt = select(Term).where(
            *self._window(Term.seq, after, upto), *self._scope(Term.instructor_id, who)
        )
        return self._s.scalars(stmt).all()

    def changed_conflicts(self, after: int, upto: int, who: str | None) -> Sequence[Conflict]:
        stmt = select(Conflict).where(
            *self._window(Conflict.seq, after, upto), *self._scope(Conflict.instructor_id, who)
        )
        return self._s.scalars(stmt).all()

    def changed_audit(self, after: int, upto: int, who: str | None) -> Sequence[AuditEntry]:
        stmt = select(AuditEntry).where(
            *self._window(AuditEntry.seq, after, upto),
            *self._scope(AuditEntry.instructor_id, who),
        )
        return self._s.scalars(stmt.order_by(AuditEntry.seq, AuditEntry.at)).all()

    def changed_messages(self, after: int, upto: int, who: str | None) -> Sequence[AnyRow]:
        """Messages written in ``(after, upto]`` (``MESSAGE_VIEW`` rows), in each lesson's order."""
        stmt = MESSAGE_VIEW.where(
            *self._window(Message.seq, after, upto), *self._scope(Message.instructor_id, who)
        )
        return self._s.execute(stmt.order_by(Message.booking_id, Message.number)).all()

    def changed_reads(self, after: int, upto: int, who: str | None) -> Sequence[AnyRow]:
        stmt = READ_VIEW.where(
            *self._window(MessageRead.seq, after, upto),
            *self._scope(MessageRead.instructor_id, who),
        )
        return self._s.execute(stmt).all()

    def changed_tombstones(self, after: int, upto: int, who: str | None) -> Sequence[AnyRow]:
        stmt = select(Tombstone.entity, Tombstone.entity_id).where(
            *self._window(Tombstone.seq, after, upto), *self._scope(Tombstone.instructor_id, who)
        )
        return self._s.execute(stmt.order_by(Tombstone.seq, Tombstone.id)).all()

    # -- counts of a full pull -------------------------------------------------------------------

    def live_counts(self, upto: int, who: str | None) -> dict[str, int]:
        """How many rows of each entity a pull of ``(0, upto]`` sends ``who`` (None: an admin),
        keyed by the page's field: what a cache that applied every page of a full pull up to
        ``upto`` holds, so a client can tell whether everything arrived (docs/api.md, "Sync").

        Each count has the window and the scope of the ``changed_*`` query of its entity, and runs
        in the caller's snapshot. The pull's views join a row to the names it shows (a lesson to
        its student and lesson type, a message to its author, a read marker to its reader, an
        instructor to their user) along non-null foreign keys, so each view has exactly one row
        per row of its table, and counting the table is counting the view -- without the joins,
        which over 100k bookings would cost more than the count. Tombstones are not counted:
        they are events, not rows a cache holds. One statement: one round trip, one snapshot.
        """
        counts = {
            field: self._count_of(model, owner, upto, who) for field, model, owner in _COUNTED
        }
        counts["students"] = self._count_students(upto, who)
        row = self._s.connection().execute(select(*(c.label(f) for f, c in counts.items())))
        return {field: int(value) for field, value in row.one()._mapping.items()}

    def _count_of(self, model: Any, owner: Any, upto: int, who: str | None) -> Any:
        return (
            select(func.count())
            .select_from(model)
            .where(*self._window(model.seq, 0, upto), *self._scope(owner, who))
            .scalar_subquery()
        )

    def _count_students(self, upto: int, who: str | None) -> Any:
        """The students a full pull sends: those stamped in the window in the caller's scope
        (:meth:`changed_students`) and those the pulled lessons name (``pull`` adds them). The
        second set is asked per user only when the first test fails (few users: instructors, an
        admin), through the bookings' student index, never as a set of 100k lesson rows."""
        booked = (
            exists()
            .where(
                Booking.student_id == User.id,
                *self._window(Booking.seq, 0, upto),
                *self._scope(Booking.instructor_id, who),
            )
            .correlate(User)
        )
        stamped = and_(*self._window(User.seq, 0, upto), *self._students(who))
        return select(func.count()).select_from(User).where(or_(stamped, booked)).scalar_subquery()
