"""The one row lock the repositories take: ``FOR NO KEY UPDATE`` (PostgreSQL).

Every lock the server takes on purpose serializes decisions -- two bookings of one instructor,
two changes of one lesson, two pushes of one device -- and no locked row ever has its key changed
or is deleted. ``FOR NO KEY UPDATE`` is exactly that lock: two of them on one row still wait for
each other, and it is the lock PostgreSQL itself takes for an ``UPDATE`` that leaves the key alone.

``FOR UPDATE`` would also block the ``FOR KEY SHARE`` lock that PostgreSQL's foreign-key check
takes on a referenced row whenever a row naming it is inserted. Every write inserts an audit
entry naming the instructor, the acting user and the booking, so with ``FOR UPDATE`` a cancel
holding a booking would wait for whoever holds the instructor, while a reschedule or an
availability edit holding the instructor waits for the booking: a deadlock, which PostgreSQL
breaks by aborting one of them.

SQLite renders no locking clause at all: its write transactions run one at a time
(``BEGIN IMMEDIATE``, see :mod:`instainstru_desktop.server.core.db`).
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.sql.selectable import GenerativeSelect

_S = TypeVar("_S", bound=GenerativeSelect)


def locking(stmt: _S) -> _S:
    """``stmt`` locking the rows it reads until the transaction ends (``FOR NO KEY UPDATE``)."""
    # key_share=True without read=True is SQLAlchemy's spelling of FOR NO KEY UPDATE.
    return stmt.with_for_update(key_share=True)
