"""The admin's table from SQLite, checked against the same question asked independently.

Every filter, combinations of them, and every sort (both ways) are answered by
:class:`ReviewService` and by plain Python over the rows read with ``sqlite3``; the orders, the
counts, the first page, the chart's weekly hours and the per-instructor summary must agree.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from instainstru_desktop.services.review import ReviewService, stored_filter
from instainstru_desktop.services.review_views import PAGE_ROWS, ReviewQuery, SortKey
from instainstru_desktop.store import Store, open_store
from instainstru_desktop.store.repositories.review import (
    FILTER_INDEX,
    WALK_ROWS,
    first_page_plan,
    order_plan,
    time_index,
    unfiltered_page_plan,
)
from tests.store.review_data import ORPHAN_INSTRUCTOR, Studio, build_studio

FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")  # SQLite NOCASE


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Studio:
    return build_studio(tmp_path_factory.mktemp("review") / "cache.sqlite3", 3_000)


@pytest.fixture(scope="module")
def store(studio: Studio) -> Iterator[Store]:
    opened = open_store(studio.path)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def review(store: Store) -> ReviewService:
    return ReviewService(store)


@pytest.fixture(scope="module")
def rows(studio: Studio) -> list[dict[str, Any]]:
    """Every booking, read with plain sqlite3."""
    conn = sqlite3.connect(studio.path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT rowid AS rowid, * FROM bookings")]
    finally:
        conn.close()


def fold(text: str | None) -> str:
    return (text or "").translate(FOLD)


def seconds(row: dict[str, Any]) -> int:
    start = datetime.fromisoformat(row["start_utc"])
    return int((datetime.fromisoformat(row["end_utc"]) - start).total_seconds())


def matches(row: dict[str, Any], q: ReviewQuery, studio: Studio) -> bool:
    """The query, asked of one row in Python."""
    name = studio.instructors.get(row["instructor_id"], ("", ""))[0]
    checks = [
        q.instructor_id is None or row["instructor_id"] == q.instructor_id,
        q.student_id is None or row["student_id"] == q.student_id,
        not q.statuses or row["status"] in q.statuses,
        q.lesson_type is None or row["lesson_type_name"] == q.lesson_type,
        q.start_from is None or row["start_utc"] >= iso(q.start_from),
        q.start_before is None or row["start_utc"] < iso(q.start_before),
        q.flagged is None or bool(row["flagged"]) == q.flagged,
    ]
    if q.text:
        needle = fold(q.text)
        fields = (
            row["student_name"],
            row["lesson_type_name"],
            row["note"],
            row["cancel_reason"],
            row["review_note"],
            name,
        )
        checks.append(any(needle in fold(f) for f in fields))
    return all(checks)


def sort_key(sort: SortKey, studio: Studio) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        tie = (row["start_utc"], row["rowid"])
        if sort is SortKey.INSTRUCTOR:
            known = studio.instructors.get(row["instructor_id"])
            # a NULL name (no such instructor in the cache) sorts first, as in SQL
            head: tuple[Any, ...] = (1, fold(known[0]), row["instructor_id"]) if known else (0,)
            return (*head, *tie)
        value = {
            SortKey.START: (),
            SortKey.STUDENT: (fold(row["student_name"]),),
            SortKey.LESSON: (fold(row["lesson_type_name"]),),
            SortKey.LENGTH: (seconds(row),),
            SortKey.STATUS: (row["status"],),
            SortKey.PRICE: (row["price_cents"],),
            SortKey.REVIEW: (int(row["flagged"]),),
        }[sort]
        return (*value, *tie)

    return key


def reference(
    rows: list[dict[str, Any]], q: ReviewQuery, sort: SortKey, descending: bool, studio: Studio
) -> list[int]:
    found = [r for r in rows if matches(r, q, studio)]
    found.sort(key=sort_key(sort, studio), reverse=descending)
    return [r["rowid"] for r in found]


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def first_of(studio: Studio, name: str) -> str:
    return next(i for i, (n, _z) in studio.instructors.items() if n == name)


def queries(studio: Studio) -> dict[str, ReviewQuery]:
    maria, kenji = first_of(studio, "Maria Lopez"), first_of(studio, "Kenji Watanabe")
    student = studio.students[5][0]
    spring = datetime(2026, 3, 1, tzinfo=ZoneInfo("Europe/London"))
    return {
        "everything": ReviewQuery(),
        "instructor": ReviewQuery(instructor_id=maria),
        "student": ReviewQuery(student_id=student),
        "one status": ReviewQuery(statuses=("cancelled",)),
        "two statuses": ReviewQuery(statuses=("completed", "no_show")),
        "lesson type": ReviewQuery(lesson_type="voice"),
        "from": ReviewQuery(start_from=spring),
        "before": ReviewQuery(start_before=spring),
        "date range": ReviewQuery(start_from=spring, start_before=spring + timedelta(days=30)),
        "flagged": ReviewQuery(flagged=True),
        "not flagged": ReviewQuery(flagged=False),
        "text, any case": ReviewQuery(text="SCALES"),
        "text: instructor's name": ReviewQuery(text="watanabe"),
        "text: an underscore is a letter": ReviewQuery(text="ana_m"),
        "text: a percent sign is a letter": ReviewQuery(text="100%"),
        "text: review note": ReviewQuery(text="paid twice"),
        "instructor + status + range": ReviewQuery(
            instructor_id=kenji, statuses=("confirmed",), start_from=spring
        ),
        "type + flag": ReviewQuery(lesson_type="Piano", flagged=True),
        "student + text": ReviewQuery(student_id=student, text="i"),
        "everything at once": ReviewQuery(
            instructor_id=maria,
            student_id=None,
            statuses=("confirmed", "completed"),
            lesson_type="Guitar",
            start_from=spring - timedelta(days=120),
            start_before=spring + timedelta(days=120),
            flagged=False,
            text="student",
        ),
        "nothing matches": ReviewQuery(text="no such words anywhere"),
    }


QUERY_NAMES = [
    "everything",
    "instructor",
    "student",
    "one status",
    "two statuses",
    "lesson type",
    "from",
    "before",
    "date range",
    "flagged",
    "not flagged",
    "text, any case",
    "text: instructor's name",
    "text: an underscore is a letter",
    "text: a percent sign is a letter",
    "text: review note",
    "instructor + status + range",
    "type + flag",
    "student + text",
    "everything at once",
    "nothing matches",
]


@pytest.mark.parametrize("sort", list(SortKey))
@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_both_ways_is_the_independent_order(
    review: ReviewService, rows, studio, sort, descending
) -> None:
    expected = reference(rows, ReviewQuery(), sort, descending, studio)
    order = review.order(ReviewQuery(), sort, descending)
    assert list(order.rowids) == expected
    assert (order.count, order.total) == (len(rows), len(rows))
    first = review.first_rows(ReviewQuery(), sort, descending)
    assert [r.rowid for r in first] == expected[:PAGE_ROWS]


def test_the_orphan_lesson_is_listed_whatever_the_sort(review: ReviewService, rows) -> None:
    orphan = next(r["rowid"] for r in rows if r["instructor_id"] == ORPHAN_INSTRUCTOR)
    for sort in SortKey:
        assert orphan in review.order(ReviewQuery(), sort).rowids
    assert review.order(ReviewQuery(), SortKey.INSTRUCTOR).rowids[0] == orphan
    assert review.order(ReviewQuery(), SortKey.INSTRUCTOR, True).rowids[-1] == orphan


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_every_filter_and_combination_matches_the_independent_query(
    review: ReviewService, rows, studio, name
) -> None:
    query = queries(studio)[name]
    for sort, descending in (
        (SortKey.START, False),
        (SortKey.STUDENT, True),
        (SortKey.INSTRUCTOR, False),
    ):
        expected = reference(rows, query, sort, descending, studio)
        order = review.order(query, sort, descending)
        assert list(order.rowids) == expected, (name, sort, descending)
        assert [r.rowid for r in review.first_rows(query, sort, descending)] == (
            expected[:PAGE_ROWS]
        )
    assert name == "everything" or len(expected) < len(rows)
    assert name == "nothing matches" or expected, f"{name}: the test data has no match"


def test_counts_agree_with_a_plain_count(review: ReviewService, studio) -> None:
    conn = sqlite3.connect(studio.path)
    try:
        for status in ("confirmed", "completed", "no_show", "cancelled"):
            [(count,)] = conn.execute("SELECT count(*) FROM bookings WHERE status = ?", (status,))
            assert review.order(ReviewQuery(statuses=(status,))).count == count
        [(flagged,)] = conn.execute("SELECT count(*) FROM bookings WHERE flagged = 1")
        assert review.order(ReviewQuery(flagged=True), SortKey.PRICE).count == flagged
    finally:
        conn.close()


def test_a_page_of_rows_reads_what_the_cache_holds(review: ReviewService, rows, studio) -> None:
    order = review.order(ReviewQuery(), SortKey.LENGTH, True)
    page = list(order.rowids[1_000 : 1_000 + PAGE_ROWS])
    by_rowid = {r["rowid"]: r for r in rows}
    read = review.rows(page)
    assert [r.rowid for r in read] == page
    for row in read:
        stored = by_rowid[row.rowid]
        assert row.booking_id == stored["id"]
        assert row.start == datetime.fromisoformat(stored["start_utc"])
        assert (row.status, row.price_cents, row.flagged) == (
            stored["status"],
            stored["price_cents"],
            bool(stored["flagged"]),
        )
        known = studio.instructors.get(stored["instructor_id"])
        assert row.instructor_name == (known[0] if known else "")
    assert review.booking_ids(page[:3]) == [by_rowid[r]["id"] for r in page[:3]]


def local_monday(row: dict[str, Any], studio: Studio) -> date:
    zone = studio.instructors.get(row["instructor_id"], ("", "UTC"))[1]
    day = datetime.fromisoformat(row["start_utc"]).astimezone(ZoneInfo(zone)).date()
    return day - timedelta(days=day.weekday())


@pytest.mark.parametrize("name", ["everything", "instructor", "two statuses", "date range"])
def test_the_charts_hours_are_the_hours_summed_per_instructor_week(
    review: ReviewService, rows, studio, name
) -> None:
    query = queries(studio)[name]
    expected: dict[date, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in rows:
        if matches(row, query, studio):
            expected[local_monday(row, studio)][row["status"]] += seconds(row) / 3600
    bars = review.weekly_hours(query)
    found = {b.monday: dict(b.hours) for b in bars if b.hours}
    assert found == {week: dict(hours) for week, hours in expected.items()}
    mondays = [b.monday for b in bars]
    assert mondays == [mondays[0] + timedelta(weeks=i) for i in range(len(mondays))]
    assert sum(b.total_hours for b in bars) == pytest.approx(
        sum(seconds(r) for r in rows if matches(r, query, studio)) / 3600
    )


def test_a_week_across_a_clock_change_counts_each_lesson_in_its_instructors_week(
    review: ReviewService, rows, studio
) -> None:
    # Sydney's clocks go back on 5 April 2026: a Monday-morning lesson there is a Sunday in UTC
    olivia = first_of(studio, "Olivia Brown")
    query = ReviewQuery(instructor_id=olivia)
    bars = {b.monday: b for b in review.weekly_hours(query)}
    sydney = ZoneInfo("Australia/Sydney")
    early = [
        r
        for r in rows
        if r["instructor_id"] == olivia
        and datetime.fromisoformat(r["start_utc"]).astimezone(sydney).weekday() == 0
        and datetime.fromisoformat(r["start_utc"]).weekday() == 6
    ]
    assert early, "the test data has no lesson on a Sydney Monday that is a UTC Sunday"
    for row in early:
        assert local_monday(row, studio) in bars


def test_the_summary_is_the_sums_per_instructor(review: ReviewService, rows, studio) -> None:
    query = queries(studio)["from"]
    expected: dict[str, dict[str, Any]] = {}
    for row in rows:
        if not matches(row, query, studio):
            continue
        line = expected.setdefault(
            row["instructor_id"],
            {
                "lessons": 0,
                "seconds": 0,
                "revenue": defaultdict(int),
                "cancelled": 0,
                "no_show": 0,
                "completed": 0,
            },
        )
        if row["status"] == "cancelled":
            line["cancelled"] += 1
            continue
        line["lessons"] += 1
        line["seconds"] += seconds(row)
        line["revenue"][row["currency"]] += row["price_cents"]
        if row["status"] in ("no_show", "completed"):
            line[row["status"]] += 1
    summary = {s.instructor_id: s for s in review.summary(query)}
    assert summary.keys() == expected.keys()
    for iid, line in expected.items():
        got = summary[iid]
        assert (got.lessons, got.cancellations, got.no_shows, got.completed) == (
            line["lessons"],
            line["cancelled"],
            line["no_show"],
            line["completed"],
        )
        assert got.hours == pytest.approx(line["seconds"] / 3600)
        assert dict(got.revenue) == dict(line["revenue"])
        decided = line["no_show"] + line["completed"]
        assert got.no_show_rate == (line["no_show"] / decided if decided else None)


def test_a_booking_deleted_under_an_order_is_left_out_of_its_page(
    tmp_path: Path,
) -> None:
    small = build_studio(tmp_path / "small.sqlite3", 50)
    opened = open_store(small.path)
    try:
        service = ReviewService(opened)
        order = service.order(ReviewQuery())
        gone = order.rowids[3]
        conn = sqlite3.connect(small.path)
        with conn:
            conn.execute("DELETE FROM bookings WHERE rowid = ?", (gone,))
        conn.close()
        page = service.rows(order.rowids[:10])
        assert [r.rowid for r in page] == [r for r in order.rowids[:10] if r != gone]
    finally:
        opened.close()


def _first_page(store: Store, query: ReviewQuery, sort: SortKey, descending: bool, walk: int):
    with store.read() as uow:
        return [
            r.rowid
            for r in uow.review.first_rows(stored_filter(query), sort, descending, PAGE_ROWS, walk)
        ]


def test_every_plan_of_a_first_page_reads_the_independent_first_page(
    store: Store, rows, studio
) -> None:
    """A short walk of the sort order that finds a page, and one that does not (the filter then
    reads the whole table): both answer the first page of the independent order."""
    walked_enough = fell_back = 0
    for name in QUERY_NAMES:
        query = queries(studio)[name]
        f = stored_filter(query)
        for sort, descending in (
            (SortKey.START, False),
            (SortKey.STUDENT, True),
            (SortKey.LENGTH, False),
        ):
            expected = reference(rows, query, sort, descending, studio)[:PAGE_ROWS]
            for walk in (150, 1_000, WALK_ROWS):
                assert _first_page(store, query, sort, descending, walk) == expected, (
                    name,
                    sort,
                    walk,
                )
                plan = first_page_plan(f, sort, descending, PAGE_ROWS, walk)
                if len(plan) == 2:
                    conn = sqlite3.connect(studio.path)
                    found = len(conn.execute(*plan[0]).fetchall())
                    conn.close()
                    walked_enough += found == PAGE_ROWS
                    fell_back += found < PAGE_ROWS
    assert walked_enough, "no first page was found by the walk alone"
    assert fell_back, "no first page needed the whole table"


def query_plan(path: Path, statement: tuple[str, list[Any]]) -> str:
    conn = sqlite3.connect(path)
    try:
        sql, params = statement
        return " | ".join(r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("name", "index"),
    [
        ("instructor", "ix_bookings_instructor_start"),
        ("student", "ix_bookings_student_id_start"),
        ("one status", "ix_bookings_status_start"),
        ("flagged", "ix_bookings_flagged_start"),
        ("date range", FILTER_INDEX),
        ("from", FILTER_INDEX),
        ("before", FILTER_INDEX),
        ("two statuses", FILTER_INDEX),
        ("lesson type", FILTER_INDEX),
        ("type + flag", FILTER_INDEX),
        ("instructor + status + range", FILTER_INDEX),
    ],
)
def test_an_exact_filter_in_time_order_reads_an_index_and_no_booking(studio, name, index) -> None:
    f = stored_filter(queries(studio)[name])
    assert time_index(f) == index
    for statement in (
        order_plan(f, SortKey.START, False),
        order_plan(f, SortKey.START, True),
        *first_page_plan(f, SortKey.START, False, PAGE_ROWS),
    ):
        plan = query_plan(studio.path, statement)
        reads = [p for p in plan.split(" | ") if p.startswith(("SCAN b", "SEARCH b"))]
        assert reads, plan
        assert all(f"INDEX {index}" in p for p in reads), plan
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan  # in time order as read
    assert f"COVERING INDEX {index}" in query_plan(studio.path, order_plan(f, SortKey.START, False))


def reads_of(plan: str) -> list[str]:
    """The steps of a plan that read the bookings (``b``)."""
    return [p for p in plan.split(" | ") if p.startswith(("SCAN b", "SEARCH b"))]


#: The index each sort of the whole table walks (the instructor sort: after the names).
SORT_INDEX = {
    SortKey.START: FILTER_INDEX,
    SortKey.INSTRUCTOR: "ix_bookings_instructor_start",
    SortKey.STUDENT: "ix_bookings_student_start",
    SortKey.LESSON: "ix_bookings_type_start",
    SortKey.LENGTH: "ix_bookings_length_start",
    SortKey.STATUS: "ix_bookings_status_start",
    SortKey.PRICE: "ix_bookings_price_start",
    SortKey.REVIEW: "ix_bookings_flagged_start",
}


@pytest.mark.parametrize("sort", list(SortKey))
def test_every_sort_of_the_whole_table_walks_its_index_and_sorts_nothing(studio, sort) -> None:
    """The default view (time order, no filter) and every other sort, both ways: the order and
    the first page walk an index; at most bookings that start together are put in rowid order
    (the time order's index goes on with the filter columns), never the whole table."""
    conn = sqlite3.connect(studio.path)
    try:  # schema 9: the time order has the filters' index, and no plain start index
        start_index = "SELECT 1 FROM sqlite_master WHERE name = 'ix_bookings_start'"
        assert not conn.execute(start_index).fetchall()
    finally:
        conn.close()
    f = stored_filter(ReviewQuery())
    for descending in (False, True):
        statements = [order_plan(f, sort, descending)]
        if sort is not SortKey.INSTRUCTOR:  # its first page is a slice of its order
            statements.append(unfiltered_page_plan(sort, descending, PAGE_ROWS))
        for statement in statements:
            plan = query_plan(studio.path, statement)
            reads = reads_of(plan)
            assert reads, plan
            assert all(f"INDEX {SORT_INDEX[sort]}" in p for p in reads), plan
            assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
            if sort is not SortKey.START:
                assert "TEMP B-TREE" not in plan, plan  # the index's order is the table's


@pytest.mark.parametrize(("name", "own"), [("one status", "status"), ("flagged", "flagged")])
def test_a_filter_whose_own_index_is_not_built_yet_walks_the_filters_index(
    studio, tmp_path, name, own
) -> None:
    """Between a first download and the step after it the status and flag indexes are not in
    the file: those filters walk the filters' index in time order instead of sorting."""
    path = tmp_path / "cache.sqlite3"
    shutil.copyfile(studio.path, path)
    conn = sqlite3.connect(path)
    conn.execute(f"DROP INDEX ix_bookings_{own}_start")
    conn.commit()
    held = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    conn.close()
    f = stored_filter(queries(studio)[name])
    assert time_index(f) == f"ix_bookings_{own}_start"
    assert time_index(f, held) == FILTER_INDEX
    for statement in (
        order_plan(f, SortKey.START, True, held),
        *first_page_plan(f, SortKey.START, False, PAGE_ROWS, indexes=held),
    ):
        plan = query_plan(path, statement)
        assert all(f"INDEX {FILTER_INDEX}" in p for p in reads_of(plan)), plan
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan


def test_a_text_filters_first_page_walks_the_sort_index_before_the_table(studio) -> None:
    f = stored_filter(queries(studio)["text, any case"])
    walk, whole = first_page_plan(f, SortKey.STUDENT, False, PAGE_ROWS)
    assert "COVERING INDEX ix_bookings_student_start" in query_plan(studio.path, walk)
    assert walk[1][0] == WALK_ROWS
    assert "TEMP B-TREE FOR ORDER BY" in query_plan(studio.path, whole)  # filter, then sort


@pytest.fixture(scope="module")
def bare(studio: Studio, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReviewService]:
    """The same cache as a first download leaves it between its pages: no declared index of
    the bookings or the instructors (dropped after the file was opened: opening builds them)."""
    path = tmp_path_factory.mktemp("bare") / "cache.sqlite3"
    shutil.copyfile(studio.path, path)
    opened = open_store(path)
    conn = sqlite3.connect(path)
    try:
        names = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            " AND tbl_name IN ('bookings', 'instructors')"
        ).fetchall()
        for (name,) in names:
            conn.execute(f"DROP INDEX {name}")
        conn.commit()
    finally:
        conn.close()
    assert {FILTER_INDEX, "ix_instructors_name_id"} <= {n for (n,) in names}
    yield ReviewService(opened)
    opened.close()


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_without_its_indexes_the_table_answers_the_same(
    bare: ReviewService, rows, studio, name
) -> None:
    """While a first download is going in, every filter and sort still answers (no plan names
    an index the file lacks), in the same order."""
    query = queries(studio)[name]
    for sort in SortKey:
        for descending in (False, True):
            expected = reference(rows, query, sort, descending, studio)
            assert list(bare.order(query, sort, descending).rowids) == expected, (name, sort)
            first = bare.first_rows(query, sort, descending)
            assert [r.rowid for r in first] == expected[:PAGE_ROWS], (name, sort)
