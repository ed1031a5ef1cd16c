"""Realistic read models for the UI tests, screenshots and benchmarks.

A believable instructor week (Berlin, 25 lessons, mixed statuses, a day off, a conflict, pending
changes) so that the screenshots show what a person would really see.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from instainstru_desktop.services.views import (
    AttentionItem,
    DayHours,
    HistoryEntry,
    HoursRange,
    LessonCard,
    LessonDetail,
    SyncMark,
    SyncStatus,
    WeekSnapshot,
)

ZONE = "Europe/Berlin"
WEEK = date(2025, 3, 10)  # a Monday, no DST change
DST_WEEK = date(2025, 3, 24)  # Sunday 30 March 2025 has 23 hours in Berlin
FALL_WEEK = date(2025, 10, 20)  # Sunday 26 October 2025 has 25 hours in Berlin

LESSON_TYPES = {
    "piano": ("Piano", "#3f74e0", 45, 5500),
    "guitar": ("Guitar", "#e8833a", 30, 3500),
    "theory": ("Music theory", "#8e5bd6", 60, 6000),
    "singing": ("Singing", "#1fa596", 45, 5000),
    "trial": ("Trial lesson", "#dc4d78", 30, 0),
}
STUDENTS = {
    "ana": ("Ana García", "Europe/Madrid"),
    "ben": ("Ben Okafor", "Europe/London"),
    "chloe": ("Chloé Martin", "Europe/Paris"),
    "dmitri": ("Dmitri Volkov", "Europe/Berlin"),
    "emma": ("Emma Schneider", "Europe/Berlin"),
    "farah": ("Farah Haddad", "Asia/Dubai"),
    "george": ("George Whitfield-Brown", "America/New_York"),
    "hana": ("Hana Sato", "Asia/Tokyo"),
    "ivan": ("Ivan Petrović", "Europe/Belgrade"),
    "julia": ("Julia Nowak", "Europe/Warsaw"),
    "kofi": ("Kofi Mensah", "Africa/Accra"),
    "lena": ("Lena Hoffmann", "Europe/Berlin"),
}


def hours(*spans: tuple[str, str]) -> tuple[HoursRange, ...]:
    """``hours(("09:00", "12:00"))`` -> ranges in minutes."""

    def minute(text: str) -> int:
        h, m = text.split(":")
        return int(h) * 60 + int(m)

    return tuple(HoursRange(minute(a), minute(b)) for a, b in spans)


def lesson(
    booking_id: str,
    day: date,
    start: str,
    student: str,
    kind: str,
    *,
    zone: str = ZONE,
    status: str = "confirmed",
    mark: SyncMark = SyncMark.SYNCED,
    message: str = "",
    note: str = "",
    minutes: int | None = None,
) -> LessonCard:
    """A lesson at a wall time of the instructor's zone."""
    name, colour, duration, price = LESSON_TYPES[kind]
    h, m = (int(x) for x in start.split(":"))
    local = datetime.combine(day, time(h, m), tzinfo=ZoneInfo(zone))
    begin = local.astimezone(UTC)
    student_name, student_zone = STUDENTS[student]
    return LessonCard(
        booking_id=booking_id,
        start=begin,
        end=begin + timedelta(minutes=minutes or duration),
        student_id=f"student-{student}",
        student_name=student_name,
        student_time_zone=student_zone,
        lesson_type_id=f"type-{kind}",
        lesson_type_name=name,
        color=colour,
        status=status,
        price_cents=price,
        currency="EUR",
        note=note,
        mark=mark,
        mark_message=message,
    )


def realistic_week(week_start: date = WEEK, zone: str = ZONE) -> WeekSnapshot:
    """Mon–Sun with ~25 lessons; "now" in the screenshots is Wednesday 14:20."""
    d = [week_start + timedelta(days=i) for i in range(7)]
    days = (
        DayHours(d[0], hours(("09:00", "12:00"), ("14:00", "19:00")), False, False),
        DayHours(d[1], hours(("10:00", "18:00")), False, False),
        DayHours(
            d[2], hours(("09:00", "13:00"), ("15:00", "20:00")), True, False, SyncMark.PENDING
        ),
        DayHours(d[3], (), True, True),
        DayHours(d[4], hours(("09:00", "17:00")), False, False),
        DayHours(d[5], hours(("10:00", "14:00")), False, False),
        DayHours(d[6], (), False, False),
    )
    done, missed = "completed", "no_show"
    lessons = (
        lesson("b01", d[0], "09:00", "ana", "piano", status=done),
        lesson("b02", d[0], "10:00", "ben", "guitar", status=done, note="Barre chords"),
        lesson("b03", d[0], "11:00", "chloe", "theory", status=done),
        lesson("b04", d[0], "14:30", "dmitri", "singing", status=done),
        lesson("b05", d[0], "16:00", "emma", "piano", status=missed),
        lesson("b06", d[0], "17:30", "farah", "trial", status=done),
        lesson("b07", d[1], "10:00", "george", "piano", status=done),
        lesson("b08", d[1], "11:00", "hana", "guitar", status=done),
        lesson("b09", d[1], "13:00", "ivan", "theory", status=missed),
        lesson("b10", d[1], "15:00", "julia", "singing", status=done),
        lesson("b11", d[1], "16:30", "kofi", "guitar", status=done),
        lesson("b12", d[2], "09:30", "lena", "piano", status=done),
        lesson("b13", d[2], "11:00", "ana", "guitar", status=done),
        lesson("b27", d[2], "12:00", "dmitri", "singing"),  # ended, still to mark
        lesson("b14", d[2], "15:00", "ben", "piano"),
        lesson("b15", d[2], "16:00", "chloe", "singing", mark=SyncMark.PENDING),
        lesson("b16", d[2], "17:00", "emma", "trial"),
        lesson(
            "b17",
            d[2],
            "19:00",
            "george",
            "theory",
            mark=SyncMark.CONFLICT,
            message="Now outside your hours (you ended Wednesday at 20:00 → 19:30)",
        ),
        lesson("b18", d[4], "09:00", "hana", "piano"),
        lesson("b19", d[4], "10:00", "farah", "theory"),
        lesson("b20", d[4], "11:30", "ivan", "guitar", mark=SyncMark.PENDING, status=done),
        lesson("b21", d[4], "14:00", "julia", "piano"),
        lesson("b22", d[4], "15:00", "kofi", "singing"),
        lesson("b23", d[4], "16:30", "dmitri", "guitar"),
        lesson("b24", d[5], "10:00", "lena", "theory"),
        lesson(
            "b25",
            d[5],
            "11:30",
            "emma",
            "piano",
            mark=SyncMark.REJECTED,
            message="The server refused the change: the lesson was already cancelled.",
        ),
        lesson("b26", d[5], "12:30", "ben", "guitar"),
    )
    return WeekSnapshot("instructor-1", zone, week_start, days, lessons)


def now_in_week(week_start: date = WEEK) -> datetime:
    """Wednesday 14:20 Berlin time of the week, as an aware UTC datetime."""
    local = datetime.combine(week_start + timedelta(days=2), time(14, 20), tzinfo=ZoneInfo(ZONE))
    return local.astimezone(UTC)


def empty_week(week_start: date = WEEK, zone: str = ZONE) -> WeekSnapshot:
    """A week with no hours and no lessons (interaction tests start from here)."""
    days = tuple(DayHours(week_start + timedelta(days=i), (), False, False) for i in range(7))
    return WeekSnapshot("instructor-1", zone, week_start, days, ())


def random_week(count: int, week_start: date = WEEK, seed: int = 7) -> WeekSnapshot:
    """``count`` lessons spread over the week (benchmarks: 50, 300, 2,000)."""
    rnd = random.Random(seed)
    base = realistic_week(week_start)
    kinds = list(LESSON_TYPES)
    names = list(STUDENTS)
    lessons = []
    for i in range(count):
        day = week_start + timedelta(days=rnd.randrange(7))
        slot = rnd.randrange(7 * 4, 21 * 4)
        lessons.append(
            lesson(
                f"r{i:05d}",
                day,
                f"{slot // 4:02d}:{slot % 4 * 15:02d}",
                rnd.choice(names),
                rnd.choice(kinds),
                status=rnd.choice(["confirmed", "confirmed", "completed", "no_show"]),
                mark=rnd.choice([SyncMark.SYNCED, SyncMark.SYNCED, SyncMark.PENDING]),
            )
        )
    return WeekSnapshot(base.instructor_id, base.time_zone, week_start, base.days, tuple(lessons))


def attention_items(week: WeekSnapshot | None = None) -> tuple[AttentionItem, ...]:
    """A conflict and a rejected edit, as sync would report them."""
    week = week or realistic_week()
    by_id = {card.booking_id: card for card in week.lessons}
    created = datetime(2025, 3, 12, 9, 5, tzinfo=UTC)
    return (
        AttentionItem(
            "att-1",
            "outside_availability",
            "Lesson Wed 19:00 with George Whitfield-Brown is now outside your hours.",
            created,
            booking_id="b17",
            lesson=by_id["b17"],
        ),
        AttentionItem(
            "att-2",
            "rejected_mutation",
            "Your change to Sat 11:30 with Emma Schneider was refused: the lesson was already "
            "cancelled by the student.",
            created + timedelta(minutes=42),
            booking_id="b25",
            lesson=by_id["b25"],
        ),
        AttentionItem(
            "att-3",
            "rejected_mutation",
            "Your hours for Thursday 13 March could not be saved: the server did not accept "
            "a range that ends before it starts.",
            created + timedelta(hours=2),
        ),
    )


def clash_items(week: WeekSnapshot | None = None) -> tuple[AttentionItem, ...]:
    """Two clashes of edits made on two devices, as the server records them."""
    week = week or realistic_week()
    by_id = {card.booking_id: card for card in week.lessons}
    created = datetime(2025, 3, 12, 10, 40, tzinfo=UTC)
    return (
        AttentionItem(
            "conflict:clash-hours",
            "hours_clash",
            "Your hours for Thu 13 Mar: another change to the same hours reached the server "
            "first, and its hours were kept.",
            created,
            actions=("keep", "reapply"),
            kept="09:00–12:00, 18:00–20:00",
            mine="add 17:00–19:00",
        ),
        AttentionItem(
            "conflict:clash-note",
            "note_clash",
            "Your note on this lesson: another note reached the server first and was kept.",
            created + timedelta(minutes=7),
            booking_id="b17",
            lesson=by_id["b17"],
            actions=("keep", "reapply"),
            kept="Bring the new book.",
            mine="Scales in D major, then the Bach minuet. Ask about the exam in June and "
            "whether the Tuesday slot still suits her parents.",
        ),
    )


def sync_status(online: bool = True) -> SyncStatus:
    """A status bar state with some pending work."""
    return SyncStatus(
        online=online,
        pending_changes=3,
        needs_attention=2,
        last_sync=datetime(2025, 3, 12, 13, 18, tzinfo=UTC),
    )


def lesson_lists(
    week: WeekSnapshot | None = None,
) -> tuple[list[LessonCard], list[LessonCard], list[LessonCard]]:
    """(upcoming, past, cancelled) around "now" (Wednesday 14:20)."""
    from dataclasses import replace

    week = week or realistic_week()
    now = now_in_week(week.week_start)
    upcoming = [c for c in week.lessons if c.start >= now]
    past = [c for c in week.lessons if c.start < now]
    friday = week.week_start + timedelta(days=4)
    cancelled = [
        replace(
            lesson("c01", friday, "17:30", "george", "piano"),
            status="cancelled",
            cancel_reason="Family emergency, sorry!",
            cancelled_by="student",
        ),
        replace(
            lesson("c02", week.week_start + timedelta(days=3), "10:00", "chloe", "theory"),
            status="cancelled",
            cancel_reason="I am ill",
            cancelled_by="instructor",
        ),
    ]
    return upcoming, past, cancelled


def lesson_detail(booking_id: str = "b14") -> LessonDetail:
    """A detail with history and the student's other lessons."""
    from dataclasses import replace

    week = realistic_week()
    cards = {c.booking_id: c for c in week.lessons}
    card = replace(cards[booking_id], note="Scales in D major; start the Clementi sonatina.")
    booked = card.start - timedelta(days=6, hours=3)
    history = (
        HistoryEntry(
            booked,
            card.student_name,
            "student",
            "booked",
            "web",
            f"{card.lesson_type_name}, {money_text(card)}",
        ),
        HistoryEntry(
            booked + timedelta(days=2),
            "Maria Keller",
            "instructor",
            "note",
            "desktop",
            "Private note changed",
        ),
        HistoryEntry(
            booked + timedelta(days=3),
            "Maria Keller",
            "instructor",
            "hours",
            "desktop",
            "Wednesday's hours changed; the lesson stays inside them",
        ),
    )
    others = tuple(
        c for c in week.lessons if c.student_id == card.student_id and c.booking_id != booking_id
    )
    return LessonDetail(
        card,
        history,
        can_complete=False,
        can_no_show=False,
        can_cancel=True,
        student_lessons=others,
        can_move=True,
    )


def money_text(card: LessonCard) -> str:
    return f"€{card.price_cents // 100}.{card.price_cents % 100:02d}"
