"""A cache file holding an admin's studio: instructors in several zones, students, lessons of
every status across daylight-saving changes, flags, notes, prices in three currencies.

Rows are written with plain ``sqlite3`` into a migrated cache (the schema is the app's), the
way a bulk pull writes them. The same builder feeds the tests of the admin's table and the
benchmark (100,000 bookings).
"""

from __future__ import annotations

import random
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from instainstru_desktop.store import open_store

INSTRUCTORS = (
    ("Maria Lopez", "Europe/Madrid"),
    ("james carter", "America/New_York"),  # lower case: the sort ignores case
    ("Kenji Watanabe", "Asia/Tokyo"),
    ("Olivia Brown", "Australia/Sydney"),
    ("Priya Sharma", "Asia/Kolkata"),
    ("de la Cruz, Ana", "Europe/London"),
)
FIRST = ("Ana", "Ben", "Chen", "dara", "Emil", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kofi", "Lena")
TYPES = (("Piano", 60, 4500), ("Guitar", 45, 3500), ("voice", 30, 2500), ("Theory", 90, 6000))
CURRENCIES = ("EUR", "USD", "JPY")
STATUSES = ("confirmed",) * 5 + ("completed",) * 3 + ("cancelled", "no_show")
#: A lesson whose instructor is not in the cache (the sort by instructor must keep it).
ORPHAN_INSTRUCTOR = "00000000-0000-4000-8000-0000000000ff"


@dataclass(frozen=True)
class Studio:
    path: Path
    instructors: dict[str, tuple[str, str]]  # id -> (name, zone)
    students: list[tuple[str, str, str]]  # id, name, zone
    bookings: int


def _id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def build_studio(path: Path, bookings: int, *, seed: int = 7, students: int = 60) -> Studio:
    """A migrated cache at ``path`` holding ``bookings`` lessons (seeded: always the same)."""
    open_store(path).close()
    rng = random.Random(seed)
    instructors = {_id(rng): (name, zone) for name, zone in INSTRUCTORS}
    people = [
        (_id(rng), name, ("Europe/Berlin", "America/Chicago", "UTC")[i % 3])
        for i, name in enumerate(_student_names(students))
    ]
    types = [
        (_id(rng), iid, name, minutes, price, CURRENCIES[i % 3])
        for i, iid in enumerate(instructors)
        for name, minutes, price in TYPES
    ]
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO instructors VALUES (?, ?, ?, ?, ?, '', '{}', 1)",
            [(i, i, n, f"{i}@example.org", z) for i, (n, z) in instructors.items()],
        )
        conn.executemany("INSERT INTO lesson_types VALUES (?, ?, ?, ?, ?, ?, '#3366cc', 1)", types)
        conn.executemany("INSERT INTO students VALUES (?, ?, '', ?)", people)
        rows = [_booking(rng, types, people, n) for n in range(bookings)]
        rows.append(_orphan(rng, people[0]))
        # the series columns (schema 5) come last and stay empty: these are single lessons
        values = ", ".join("?" * 20)
        conn.executemany(f"INSERT INTO bookings VALUES ({values}, NULL, NULL, 0)", rows)
    conn.close()
    return Studio(path, instructors, people, bookings + 1)


def _student_names(count: int) -> list[str]:
    names = [f"{FIRST[i % len(FIRST)]} Student{i}" for i in range(count)]
    names[1] = "Ana_Maria Pérez"  # LIKE's wildcards taken literally in the text filter
    names[2] = "Sam 100% Ready"
    return names


def _booking(
    rng: random.Random,
    types: list[tuple[str, str, str, int, int, str]],
    people: list[tuple[str, str, str]],
    n: int,
) -> tuple[object, ...]:
    type_id, instructor_id, type_name, minutes, price, currency = rng.choice(types)
    student_id, student_name, student_zone = rng.choice(people)
    # a year around 2026, on a quarter-hour grid: both DST changes of every zone are in it
    start = datetime(2025, 9, 1, 6, tzinfo=UTC) + timedelta(minutes=15 * rng.randrange(35_040))
    status = rng.choice(STATUSES)
    flagged = rng.random() < 0.05
    return (
        _id(rng),
        instructor_id,
        student_id,
        student_name,
        student_zone,
        type_id,
        type_name,
        start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        (start + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        status,
        rng.choice(("student", "instructor", "admin")) if status == "cancelled" else None,
        rng.choice(("Ill", "Holiday clash", "Moved away")) if status == "cancelled" else None,
        "Bring the scales book" if n % 11 == 0 else None,
        price,
        currency,
        "2025-08-01T10:00:00Z",
        "2025-08-02T10:00:00Z",
        1 + n % 3,
        flagged,
        rng.choice(("Paid twice?", "Check the room", "")) if flagged else None,
    )


def _orphan(rng: random.Random, student: tuple[str, str, str]) -> tuple[object, ...]:
    return (
        _id(rng),
        ORPHAN_INSTRUCTOR,
        student[0],
        student[1],
        student[2],
        _id(rng),
        "Piano",
        "2026-01-15T10:00:00Z",
        "2026-01-15T11:00:00Z",
        "confirmed",
        None,
        None,
        None,
        4000,
        "EUR",
        "2025-08-01T10:00:00Z",
        "2025-08-01T10:00:00Z",
        1,
        False,
        None,
    )
