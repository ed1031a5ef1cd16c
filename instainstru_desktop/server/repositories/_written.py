"""Synced rows a repository inserts with a Core statement, which the session never sees.

A new lesson is written with one ``INSERT`` on the session's connection instead of through the
ORM's unit of work (the flush of one object cost more than the SQL). The transaction must still
stamp such rows with its change number and tell whose data changed, as it does for the objects
the session tracks; a repository reports them here before it writes them:

- when the transaction runs alone (SQLite), the number is taken at once and the rows are
  written already stamped, as the session's own rows are;
- otherwise (PostgreSQL) they are written with ``seq`` 0 and their keys are kept, so the commit
  stamps them in the statement that takes the number, with the session's rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Table


class Written:
    """What one transaction wrote with Core statements: keys to stamp, and whose data it is."""

    def __init__(self, take_seq: Callable[[], int] | None) -> None:
        #: The transaction's number, taken on first use (None: stamped at commit instead).
        self._take_seq = take_seq
        self.keys: dict[Table, list[tuple[Any, ...]]] = {}
        self.instructors: set[str] = set()
        self.students: set[str] = set()

    def __bool__(self) -> bool:
        return bool(self.keys or self.instructors or self.students)

    def seq_for(
        self,
        table: Table,
        keys: Iterable[tuple[Any, ...]],
        instructors: Iterable[str],
        students: Iterable[str] = (),
    ) -> int:
        """Report new rows of ``table`` (their primary keys) and whose data they are; the
        ``seq`` to write them with (0: the commit stamps them)."""
        self.instructors.update(instructors)
        self.students.update(students)
        if self._take_seq is not None:
            return self._take_seq()
        self.keys.setdefault(table, []).extend(keys)
        return 0

    def snapshot(self) -> tuple[dict[Table, list[tuple[Any, ...]]], set[str], set[str]]:
        """A copy to :meth:`restore` when a savepoint is rolled back."""
        return {t: list(k) for t, k in self.keys.items()}, set(self.instructors), set(self.students)

    def restore(self, saved: tuple[dict[Table, list[tuple[Any, ...]]], set[str], set[str]]) -> None:
        self.keys, self.instructors, self.students = saved
