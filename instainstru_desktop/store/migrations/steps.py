"""The versioned schema of the local cache, one frozen step per version.

A step is plain SQL written for the version it creates; it never imports the models, because the
models always describe the newest schema while a step must keep meaning what it meant when it
shipped. ``PRAGMA user_version`` records the version a file is at.

History:

1. First release: the mirror, an outbox with one ``subject`` per mutation, the sync state.
2. Admin review and multi-row edits: bookings gain ``flagged`` / ``review_note``; the outbox gains
   the mutation's version, the rejection code, the server sequence that applied it and a
   "dismissed" flag, and its ``subject`` moves to ``outbox_subjects`` (resolving a conflict by
   cancelling touches both the conflict and the booking); the sync state remembers who is signed
   in and whether the last contact worked.
3. Repairs told to the person: a ``notices`` table (changes that could not be recovered after a
   server restore or a damaged cache), and the sync state remembers from which mutation id a
   cache rebuilt from a damaged one has ids the server may already have used.
4. Clashes settled by the server and a clock that is off: conflicts keep their ``details`` (what
   was kept, what was set aside, the change to send again), and the sync state remembers the
   last measured difference between this computer's clock and the server's.
5. Weekly series: ``series`` and ``terms`` are mirrored, and a booking names the series it
   belongs to, the slot it fills and whether it was moved on its own.
6. The admin's bookings table sorts and filters in SQLite: one index per sortable column, each
   ending on the start time (ties in time order, as a person expects), the student filter's
   index, and instructors by name (the instructor sort walks them in name order and each one's
   lessons through ``ix_bookings_instructor_start``, so no sort of all bookings is needed).
7. Messages: each lesson's conversation (``messages``, in the server's order per lesson) and
   how far each person has read it (``message_reads``).
8. The admin's filters in time order without reading a booking: one index in start order that
   also holds every column an exact filter tests (status, flag, lesson type, instructor,
   student), so a filter that no single index answers is checked on the index alone.
9. The plain start-time index goes: it is a prefix of schema 8's index, which now answers the
   admin's time order and date ranges, and every booking written paid for both.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    """Upgrade a file from ``version - 1`` to ``version``; runs inside the caller's transaction."""

    version: int
    description: str
    apply: Callable[[sqlite3.Connection], None]


def _run(*statements: str) -> Callable[[sqlite3.Connection], None]:
    # Statements one by one: ``executescript`` would COMMIT first and break the single
    # transaction the runner holds.
    def apply(conn: sqlite3.Connection) -> None:
        for statement in statements:
            conn.execute(statement)

    return apply


_V1 = _run(
    """CREATE TABLE instructors (
        id TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL,
        time_zone TEXT NOT NULL, bio TEXT NOT NULL, policy TEXT NOT NULL,
        version INTEGER NOT NULL, PRIMARY KEY (id))""",
    """CREATE TABLE lesson_types (
        id TEXT NOT NULL, instructor_id TEXT NOT NULL, name TEXT NOT NULL,
        duration_minutes INTEGER NOT NULL, price_cents INTEGER NOT NULL, currency TEXT NOT NULL,
        color TEXT NOT NULL, active BOOLEAN NOT NULL, PRIMARY KEY (id))""",
    "CREATE INDEX ix_lesson_types_instructor_id ON lesson_types (instructor_id)",
    """CREATE TABLE students (
        id TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL, time_zone TEXT NOT NULL,
        PRIMARY KEY (id))""",
    """CREATE TABLE weekly_templates (
        instructor_id TEXT NOT NULL, ranges TEXT NOT NULL, version INTEGER NOT NULL,
        PRIMARY KEY (instructor_id))""",
    """CREATE TABLE date_overrides (
        instructor_id TEXT NOT NULL, date TEXT NOT NULL, ranges TEXT NOT NULL,
        version INTEGER NOT NULL, PRIMARY KEY (instructor_id, date))""",
    """CREATE TABLE bookings (
        id TEXT NOT NULL, instructor_id TEXT NOT NULL, student_id TEXT NOT NULL,
        student_name TEXT NOT NULL, student_time_zone TEXT NOT NULL,
        lesson_type_id TEXT NOT NULL, lesson_type_name TEXT NOT NULL,
        start_utc TEXT NOT NULL, end_utc TEXT NOT NULL, status TEXT NOT NULL,
        cancelled_by TEXT, cancel_reason TEXT, note TEXT, price_cents INTEGER NOT NULL,
        currency TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        version INTEGER NOT NULL, PRIMARY KEY (id))""",
    "CREATE INDEX ix_bookings_instructor_start ON bookings (instructor_id, start_utc)",
    """CREATE TABLE conflicts (
        id TEXT NOT NULL, instructor_id TEXT NOT NULL, booking_id TEXT, kind TEXT NOT NULL,
        message TEXT NOT NULL, created_at TEXT NOT NULL, resolved BOOLEAN NOT NULL,
        resolution TEXT, PRIMARY KEY (id))""",
    "CREATE INDEX ix_conflicts_instructor_id ON conflicts (instructor_id)",
    """CREATE TABLE audit_entries (
        id TEXT NOT NULL, booking_id TEXT, at TEXT NOT NULL, actor_id TEXT,
        actor_name TEXT NOT NULL, actor_role TEXT NOT NULL, device TEXT NOT NULL,
        action TEXT NOT NULL, details TEXT NOT NULL, PRIMARY KEY (id))""",
    "CREATE INDEX ix_audit_booking_at ON audit_entries (booking_id, at)",
    """CREATE TABLE outbox (
        mutation_id INTEGER NOT NULL, client_id TEXT NOT NULL, name TEXT NOT NULL,
        subject TEXT NOT NULL, args TEXT NOT NULL, base_version INTEGER,
        status TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at TEXT,
        last_error TEXT, result TEXT, created_at TEXT NOT NULL, PRIMARY KEY (mutation_id))""",
    "CREATE INDEX ix_outbox_status ON outbox (status, mutation_id)",
    """CREATE TABLE shadows (
        entity TEXT NOT NULL, "key" TEXT NOT NULL, payload TEXT,
        PRIMARY KEY (entity, "key"))""",
    """CREATE TABLE sync_state (
        id INTEGER NOT NULL, client_id TEXT NOT NULL, cursor TEXT NOT NULL,
        last_pull_at TEXT, last_acked_mutation_id INTEGER NOT NULL,
        next_mutation_id INTEGER NOT NULL, server_identity TEXT, PRIMARY KEY (id))""",
)

_V2 = _run(
    "ALTER TABLE bookings ADD COLUMN flagged BOOLEAN NOT NULL DEFAULT 0",
    "ALTER TABLE bookings ADD COLUMN review_note TEXT",
    "CREATE INDEX ix_bookings_start ON bookings (start_utc)",
    # The outbox is rebuilt (SQLite cannot add a CHECK to a table): copy, drop, rename.
    """CREATE TABLE outbox_v2 (
        mutation_id INTEGER NOT NULL, client_id TEXT NOT NULL, name TEXT NOT NULL,
        name_version INTEGER NOT NULL, args TEXT NOT NULL, base_version INTEGER,
        status TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at TEXT,
        last_error TEXT, error_code TEXT, result TEXT, created_at TEXT NOT NULL,
        applied_seq INTEGER, dismissed BOOLEAN NOT NULL, PRIMARY KEY (mutation_id),
        CONSTRAINT ck_outbox_status
            CHECK (status IN ('pending', 'sent', 'applied', 'rejected')))""",
    # Schema 1 never recorded the server sequence of an applied mutation: 0 means "already
    # included in the mirror", which holds because schema 1 only kept applied rows it had pulled.
    """INSERT INTO outbox_v2 (mutation_id, client_id, name, name_version, args, base_version,
        status, attempts, next_attempt_at, last_error, error_code, result, created_at,
        applied_seq, dismissed)
       SELECT mutation_id, client_id, name, 1, args, base_version,
        CASE WHEN status IN ('pending', 'sent', 'applied', 'rejected') THEN status
             ELSE 'pending' END,
        attempts, next_attempt_at, last_error, NULL, result, created_at,
        CASE WHEN status = 'applied' THEN 0 END, 0
       FROM outbox""",
    """CREATE TABLE outbox_subjects (
        entity TEXT NOT NULL, "key" TEXT NOT NULL, mutation_id INTEGER NOT NULL,
        PRIMARY KEY (entity, "key", mutation_id))""",
    """INSERT INTO outbox_subjects (entity, "key", mutation_id)
       SELECT substr(subject, 1, instr(subject, ':') - 1),
              substr(subject, instr(subject, ':') + 1), mutation_id
       FROM outbox WHERE instr(subject, ':') > 0""",
    "DROP TABLE outbox",
    "ALTER TABLE outbox_v2 RENAME TO outbox",
    "CREATE INDEX ix_outbox_status ON outbox (status, mutation_id)",
    "ALTER TABLE sync_state ADD COLUMN user_id TEXT",
    "ALTER TABLE sync_state ADD COLUMN role TEXT",
    "ALTER TABLE sync_state ADD COLUMN instructor_id TEXT",
    "ALTER TABLE sync_state ADD COLUMN online BOOLEAN NOT NULL DEFAULT 0",
    "ALTER TABLE sync_state ADD COLUMN last_error TEXT",
    "ALTER TABLE sync_state ADD COLUMN last_push_at TEXT",
)

_V3 = _run(
    """CREATE TABLE notices (
        id INTEGER NOT NULL, kind TEXT NOT NULL, message TEXT NOT NULL,
        created_at TEXT NOT NULL, dismissed BOOLEAN NOT NULL DEFAULT 0, PRIMARY KEY (id))""",
    "ALTER TABLE sync_state ADD COLUMN ids_unconfirmed_from INTEGER",
)

_V4 = _run(
    "ALTER TABLE conflicts ADD COLUMN details TEXT",
    "ALTER TABLE sync_state ADD COLUMN clock_skew_seconds FLOAT",
)

_V5 = _run(
    "ALTER TABLE bookings ADD COLUMN series_id TEXT",
    "ALTER TABLE bookings ADD COLUMN series_slot TEXT",
    "ALTER TABLE bookings ADD COLUMN series_moved BOOLEAN NOT NULL DEFAULT 0",
    "CREATE INDEX ix_bookings_series_id ON bookings (series_id)",
    """CREATE TABLE terms (
        id TEXT NOT NULL, instructor_id TEXT NOT NULL, name TEXT NOT NULL, first TEXT NOT NULL,
        last TEXT NOT NULL, breaks TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (id))""",
    "CREATE INDEX ix_terms_instructor_id ON terms (instructor_id)",
    """CREATE TABLE series (
        id TEXT NOT NULL, instructor_id TEXT NOT NULL, student_id TEXT NOT NULL,
        lesson_type_id TEXT NOT NULL, time_zone TEXT NOT NULL, rules TEXT NOT NULL,
        start_date TEXT NOT NULL, end_count INTEGER, until TEXT, term_id TEXT, cancelled_from TEXT,
        booked_through TEXT, status TEXT NOT NULL, skipped TEXT NOT NULL,
        version INTEGER NOT NULL, PRIMARY KEY (id))""",
    "CREATE INDEX ix_series_instructor_id ON series (instructor_id)",
)

#: The expression the "length" column sorts on (whole seconds); queries repeat it exactly, or
#: SQLite would not recognise the index.
LENGTH_SECONDS = "(strftime('%s', end_utc) - strftime('%s', start_utc))"

_V6 = _run(
    "CREATE INDEX ix_bookings_student_start ON bookings (student_name COLLATE NOCASE, start_utc)",
    "CREATE INDEX ix_bookings_type_start ON bookings (lesson_type_name COLLATE NOCASE, start_utc)",
    "CREATE INDEX ix_bookings_status_start ON bookings (status, start_utc)",
    "CREATE INDEX ix_bookings_price_start ON bookings (price_cents, start_utc)",
    f"CREATE INDEX ix_bookings_length_start ON bookings ({LENGTH_SECONDS}, start_utc)",
    "CREATE INDEX ix_bookings_flagged_start ON bookings (flagged, start_utc)",
    "CREATE INDEX ix_bookings_student_id_start ON bookings (student_id, start_utc)",
    "CREATE UNIQUE INDEX ix_instructors_name_id ON instructors (name COLLATE NOCASE, id)",
)

_V7 = _run(
    """CREATE TABLE messages (
        id TEXT NOT NULL, booking_id TEXT NOT NULL, number INTEGER, author_id TEXT NOT NULL,
        author_name TEXT NOT NULL, author_role TEXT NOT NULL, body TEXT NOT NULL,
        created_at TEXT NOT NULL, PRIMARY KEY (id))""",
    "CREATE INDEX ix_messages_booking_number ON messages (booking_id, number)",
    """CREATE TABLE message_reads (
        booking_id TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL,
        last_read INTEGER NOT NULL, read_at TEXT NOT NULL, PRIMARY KEY (booking_id, user_id))""",
)

#: The columns of the index the admin's exact filters walk in time order (schema 8).
REVIEW_FILTER_COLUMNS = (
    "start_utc",
    "status",
    "flagged",
    "lesson_type_name",
    "instructor_id",
    "student_id",
)

_V8 = _run(
    f"CREATE INDEX ix_bookings_review_start ON bookings ({', '.join(REVIEW_FILTER_COLUMNS)})",
)

_V9 = _run("DROP INDEX IF EXISTS ix_bookings_start")

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "first release: mirror, outbox, sync state", _V1),
    Migration(2, "admin review, multi-row outbox subjects, signed-in identity", _V2),
    Migration(3, "notices of unrecoverable changes, ids to confirm after a rebuild", _V3),
    Migration(4, "details of settled clashes, the measured clock skew", _V4),
    Migration(5, "weekly series and terms", _V5),
    Migration(6, "indexes of the admin's bookings table", _V6),
    Migration(7, "messages of lessons and read markers", _V7),
    Migration(8, "an index of the admin's filters in time order", _V8),
    Migration(9, "the start index left to the filters' index", _V9),
)

#: The newest schema this version of the app writes.
SCHEMA_VERSION = MIGRATIONS[-1].version
