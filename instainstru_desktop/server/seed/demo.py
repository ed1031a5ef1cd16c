"""Demo data: a studio with a dozen instructors around the world, their students and lessons.

Deterministic for a given week (seeded random; dates are relative to the current week), so
screenshots and demos look alike. Fast: each distinct password is hashed once (argon2 is slow on
purpose) and rows go in with bulk inserts in one transaction.

Each lesson's history reads as real use would leave it: booked some days ahead, cancelled
between booking and lesson (never later, never in the future) at an hour the student is awake,
marked by the instructor a little after it ended. The moments come from a random source of
their own, so which lessons exist does not depend on them.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from instainstru_desktop.domain.zones import local_date, wall_time_to_utc, week_start, zone
from instainstru_desktop.server.core import slugs
from instainstru_desktop.server.core.models import (
    AuditEntry,
    AvailabilityOverride,
    Booking,
    Instructor,
    LessonType,
    User,
    WeeklyTemplate,
)
from instainstru_desktop.server.core.security import hash_password
from instainstru_desktop.server.repositories.uow import Tx, UnitOfWork
from instainstru_desktop.server.seed.data import (
    FIRST_NAMES,
    HOURS,
    INSTRUCTORS,
    LAST_NAMES,
    STUDENT_ZONES,
)

SEED = 2026
DOMAIN = "demo.instainstru.app"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str


#: The documented demo accounts (README and the desktop app refer to these).
DEMO_ADMIN = DemoLogin(f"admin@{DOMAIN}", "admin-demo-2026")
DEMO_INSTRUCTOR = DemoLogin(f"maria.lopez@{DOMAIN}", "teach-demo-2026")
INSTRUCTOR_PASSWORD = "teach-demo-2026"
STUDENT_PASSWORD = "learn-demo-2026"

STUDENTS = 200
WEEKS_BACK, WEEKS_AHEAD = 4, 4
#: Local hours at which people book and cancel (from 07:00 to before 22:00).
AWAKE = (7, 22)
#: A student cancels at least this long before the lesson (the instructors' minimum notice).
CANCEL_NOTICE = timedelta(hours=2)
#: The audit actions of the server's own use cases, by the status they lead to.
OUTCOME_ACTIONS = {
    "cancelled": "booking.cancel",
    "completed": "booking.complete",
    "no_show": "booking.no_show",
}


def seed_if_empty(uow: UnitOfWork, now: datetime) -> bool:
    """Seed the demo studio unless the database already has users; True when it seeded."""
    with uow.write() as tx:
        if not tx.bulk.is_empty():
            return False
        _Seeder(tx, now).run()
        tx.commit()
    return True


class _Seeder:
    def __init__(self, tx: Tx, now: datetime) -> None:
        self.tx = tx
        self.now = now
        self.rng = random.Random(SEED)
        self.moments = random.Random(f"{SEED}-moments")  # when things happened (see above)
        self.rows: dict[type, list[dict[str, Any]]] = {}
        self.student_busy: dict[str, list[tuple[datetime, datetime]]] = {}
        self.names: dict[str, str] = {}  # user id -> name, for the audit entries
        self.zones: dict[str, str] = {}  # user id -> time zone
        self.teachers: dict[str, str] = {}  # instructor id -> its user id

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def add(self, model: type, **row: Any) -> None:
        self.rows.setdefault(model, []).append(row)

    def run(self) -> None:
        hashes = {
            p: hash_password(p)
            for p in (DEMO_ADMIN.password, INSTRUCTOR_PASSWORD, STUDENT_PASSWORD)
        }
        instructors = self._instructors(hashes[INSTRUCTOR_PASSWORD])
        self._user(
            DEMO_ADMIN.email, "Alex Admin", "admin", hashes[DEMO_ADMIN.password], "Europe/London"
        )
        students = [self._student(i, hashes[STUDENT_PASSWORD]) for i in range(STUDENTS)]
        for instructor_id, tz_name, types, hours, is_maria in instructors:
            self._lessons(instructor_id, tz_name, types, hours, students, is_maria)
        seq = self.tx.allocate_seq({i[0] for i in instructors})
        for model in (
            User,
            Instructor,
            LessonType,
            WeeklyTemplate,
            AvailabilityOverride,
            Booking,
            AuditEntry,
        ):
            rows = self.rows.get(model, [])
            for row in rows:
                row["seq"] = seq
            self.tx.bulk.insert(model, rows)

    def _user(self, email: str, name: str, role: str, password_hash: str, tz: str) -> str:
        user_id = self.uid()
        self.names[user_id] = name
        self.zones[user_id] = tz
        self.add(
            User,
            id=user_id,
            email=email,
            name=name,
            role=role,
            password_hash=password_hash,
            time_zone=tz,
            created_at=self.now,
        )
        return user_id

    def _student(self, n: int, password_hash: str) -> str:
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        email = f"{first.lower()}.{last.lower()}{n + 1}@{DOMAIN}"
        return self._user(
            email, f"{first} {last}", "student", password_hash, self.rng.choice(STUDENT_ZONES)
        )

    def _instructors(
        self, password_hash: str
    ) -> list[tuple[str, str, list[dict[str, Any]], dict[int, list[tuple[int, int]]], bool]]:
        made = []
        taken: set[str] = set()
        for index, (name, tz_name, bio, types, hours_key) in enumerate(INSTRUCTORS):
            email = f"{name.lower().replace(' ', '.')}@{DOMAIN}"
            user_id = self._user(email, name, "instructor", password_hash, tz_name)
            instructor_id = self.uid()
            self.teachers[instructor_id] = user_id
            slug = slugs.first_free(slugs.from_name(name), taken)
            taken.add(slug)
            self.add(
                Instructor,
                id=instructor_id,
                user_id=user_id,
                bio=bio,
                slug=slug,
                min_notice_minutes=120,
                booking_horizon_days=28,
                buffer_minutes=15 if index % 3 == 1 else 0,
                slot_step_minutes=15,
                daily_limit=None,
                weekly_limit=None,
                version=1,
            )
            type_rows = []
            for type_name, minutes, price, currency, color in types:
                row = {
                    "id": self.uid(),
                    "instructor_id": instructor_id,
                    "name": type_name,
                    "duration_minutes": minutes,
                    "price_cents": price,
                    "currency": currency,
                    "color": color,
                    "active": True,
                    "version": 1,
                }
                self.add(LessonType, **row)
                type_rows.append(row)
            hours = HOURS[hours_key]
            self.add(
                WeeklyTemplate,
                instructor_id=instructor_id,
                version=1,
                ranges=[[d, s, e] for d, day in sorted(hours.items()) for s, e in day],
            )
            made.append((instructor_id, tz_name, type_rows, hours, index == 0))
        return made

    def _lessons(
        self,
        instructor_id: str,
        tz_name: str,
        types: list[dict[str, Any]],
        hours: dict[int, list[tuple[int, int]]],
        students: list[str],
        is_maria: bool,
    ) -> None:
        tz = zone(tz_name)
        monday = week_start(local_date(self.now, tz))
        first = monday - timedelta(weeks=WEEKS_BACK)
        days_off = {first + timedelta(days=self.rng.randrange(7 * (WEEKS_BACK + WEEKS_AHEAD)))}
        own_hours: dict[date, list[tuple[int, int]]] = {}
        if is_maria:  # a visible time-off day in the current week, and a half day next week
            days_off = {monday + timedelta(days=3)}
            half_day = monday + timedelta(days=9)
            own_hours[half_day] = [(9 * 60, 12 * 60)]
            self.add(
                AvailabilityOverride,
                instructor_id=instructor_id,
                version=1,
                day=half_day,
                ranges=[list(r) for r in own_hours[half_day]],
            )
        for day in days_off:
            self.add(
                AvailabilityOverride, instructor_id=instructor_id, day=day, ranges=[], version=1
            )
        mine: list[dict[str, Any]] = []
        for offset in range(7 * (WEEKS_BACK + WEEKS_AHEAD)):
            day = first + timedelta(days=offset)
            if day in days_off:
                continue
            # lessons only inside the day's effective hours (its own, else the usual week)
            for start_min, end_min in own_hours.get(day, hours.get(day.weekday(), [])):
                minute = start_min
                while minute < end_min:
                    kind = self.rng.choice(types)
                    length = kind["duration_minutes"]
                    if minute + length > end_min:
                        break
                    if self.rng.random() < (0.6 if is_maria else 0.45):
                        start = wall_time_to_utc(day, minute, tz)
                        booking = self._booking(instructor_id, kind, start, students)
                        if booking is not None:
                            mine.append(booking)
                    minute += length + (15 if self.rng.random() < 0.3 else 0)
        if is_maria:
            self._maria_week(mine)
        for booking in mine:
            self._audit(booking)  # first: it stamps the booking's last change
            self.add(Booking, **booking)

    def _booking(
        self, instructor_id: str, kind: dict[str, Any], start: datetime, students: list[str]
    ) -> dict[str, Any] | None:
        end = start + timedelta(minutes=kind["duration_minutes"])
        for _ in range(5):
            student = self.rng.choice(students)
            busy = self.student_busy.setdefault(student, [])
            if all(end <= s or e <= start for s, e in busy):
                busy.append((start, end))
                break
        else:
            return None
        roll = self.rng.random()
        if end <= self.now:
            status = (
                "completed"
                if roll < 0.8
                else "no_show"
                if roll < 0.86
                else "cancelled"
                if roll < 0.96
                else "confirmed"
            )
        else:
            status = "cancelled" if roll < 0.08 else "confirmed"
        latest = min(self.now, start)
        created = self._awake_moment(
            latest - timedelta(days=self.rng.randrange(1, 20)),
            latest - timedelta(hours=3),
            self.zones[student],
        )
        return {
            "id": self.uid(),
            "instructor_id": instructor_id,
            "student_id": student,
            "lesson_type_id": kind["id"],
            "start_utc": start,
            "end_utc": end,
            "status": status,
            "cancelled_by": "student" if status == "cancelled" else None,
            "cancel_reason": "Can't make it, sorry" if status == "cancelled" else None,
            "note": "",
            "flagged": self.rng.random() < 0.02,
            "review_note": "",
            "price_cents": kind["price_cents"],
            "currency": kind["currency"],
            "created_at": created,
            "updated_at": created,
            "version": 1,
        }

    def _maria_week(self, mine: list[dict[str, Any]]) -> None:
        """Make the demo instructor's week tell a story: done, a no-show, a cancellation."""
        past = [b for b in mine if b["end_utc"] <= self.now]
        future = [b for b in mine if b["start_utc"] > self.now]
        for booking in past[-4:-1]:
            booking.update(
                status="completed",
                cancelled_by=None,
                cancel_reason=None,
                note="Worked on scales and the Clementi sonatina.",
            )
        if past:
            past[-1].update(status="no_show", cancelled_by=None, cancel_reason=None)
        for booking in future[:6]:
            booking.update(status="confirmed", cancelled_by=None, cancel_reason=None)
        if len(future) > 2:
            future[2].update(
                status="cancelled",
                cancelled_by="student",
                cancel_reason="Exam moved to that morning.",
            )

    def _audit(self, booking: dict[str, Any]) -> None:
        """The history of a lesson: booked by its student, then cancelled or marked."""
        base = {
            "instructor_id": booking["instructor_id"],
            "booking_id": booking["id"],
            "device": "demo-seed",
        }
        student = booking["student_id"]
        self._entry(base, booking["created_at"], student, "student", "booking.create", {})
        status = booking["status"]
        if status == "cancelled":
            at = self._awake_moment(
                booking["created_at"] + timedelta(minutes=10),
                min(self.now, booking["start_utc"] - CANCEL_NOTICE),
                self.zones[student],
            )
            details = {"reason": booking["cancel_reason"]}
            self._entry(base, at, student, "student", "booking.cancel", details)
        elif status in OUTCOME_ACTIONS:
            after = timedelta(minutes=self.moments.randrange(5, 240))
            at = min(self.now, booking["end_utc"] + after)
            teacher = self.teachers[booking["instructor_id"]]
            self._entry(base, at, teacher, "instructor", OUTCOME_ACTIONS[status], {})
        else:
            return
        booking["updated_at"] = at

    def _entry(
        self,
        base: dict[str, Any],
        at: datetime,
        actor_id: str,
        role: str,
        action: str,
        details: dict[str, Any],
    ) -> None:
        self.add(
            AuditEntry,
            id=self.uid(),
            at=at,
            actor_id=actor_id,
            actor_name=self.names.get(actor_id, role.capitalize()),
            actor_role=role,
            action=action,
            details=details,
            **base,
        )

    def _awake_moment(self, earliest: datetime, latest: datetime, tz_name: str) -> datetime:
        """A whole minute in ``[earliest, latest]``, in waking hours of ``tz_name`` if any
        minute of the span is (a span shorter than a night may have none)."""
        span = max(0, int((latest - earliest).total_seconds() // 60))
        tz = zone(tz_name)
        moment = earliest
        for _ in range(12):
            moment = earliest + timedelta(minutes=self.moments.randrange(span + 1))
            if AWAKE[0] <= moment.astimezone(tz).hour < AWAKE[1]:
                break
        return moment


def add_past_lessons(
    uow: UnitOfWork, instructor_id: str, count: int, before: date, *, per_day: int = 8
) -> None:
    """Pile ``count`` completed lessons into an instructor's past (benchmarks and load tests).

    Hourly lessons from 08:00 UTC, ``per_day`` a day, walking back from ``before``; one commit.
    """
    rng = random.Random(f"{SEED}-{instructor_id}")
    with uow.write() as tx:
        lesson_types = tx.lesson_types.of_instructors([instructor_id])[instructor_id]
        students = sorted(tx.users.student_ids_all())
        seq = tx.allocate_seq({instructor_id})
        rows = []
        for n in range(count):
            day = before - timedelta(days=1 + n // per_day)
            start = wall_time_to_utc(day, (8 + n % per_day) * 60, zone("UTC"))
            kind = lesson_types[n % len(lesson_types)]
            rows.append(
                {
                    "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "instructor_id": instructor_id,
                    "student_id": rng.choice(students),
                    "lesson_type_id": kind.id,
                    "start_utc": start,
                    "end_utc": start + timedelta(minutes=min(kind.duration_minutes, 60)),
                    "status": "completed",
                    "cancelled_by": None,
                    "cancel_reason": None,
                    "note": "",
                    "flagged": False,
                    "review_note": "",
                    "price_cents": kind.price_cents,
                    "currency": kind.currency,
                    "created_at": start,
                    "updated_at": start,
                    "version": 1,
                    "seq": seq,
                }
            )
        for chunk in range(0, len(rows), 20_000):
            tx.bulk.insert(Booking, rows[chunk : chunk + 20_000])
        tx.commit()
