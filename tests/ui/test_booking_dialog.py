"""Booking for a student: nobody is chosen until the instructor chooses, students are found by
name or e-mail (both shown), and a time the booking rules refuse is said before Book."""

from __future__ import annotations

from datetime import UTC

import pytest
from PySide6.QtCore import Qt

from instainstru_desktop.services.views import BookingChecks, Verdict
from tests.ui.sample_data import ZONE
from tests.ui.test_attention_booking_status import POLICY, START, STUDENTS, TYPES
from tests.ui.test_screenshots_panels import themed  # noqa: F401 - a fixture
from ui.lessons.booking_dialog import BookForStudentDialog, BookingChoice

NOTICE = (
    "This is inside your minimum notice of 2 hours: the earliest time that can be booked now is "
    "Fri 14 Mar, 16:20."
)


@pytest.fixture
def dialog(qtbot) -> BookForStudentDialog:
    shown = BookForStudentDialog(
        None,
        start=START,
        instructor_zone=ZONE,
        students=STUDENTS,
        lesson_types=TYPES,
        policy_text=POLICY,
    )
    qtbot.addWidget(shown)
    return shown


def listed(dialog: BookForStudentDialog) -> list[str]:
    return dialog.students.listed_texts()


def test_nobody_is_chosen_until_the_instructor_chooses(dialog):
    assert dialog.choice() is None
    assert not dialog.confirm.isEnabled()
    assert dialog.problem.text() == "Choose a student: search by name or e-mail."
    assert dialog.students.search.text() == ""
    dialog.accept()  # Enter on the dialog books nobody
    assert dialog.result() == 0


def test_students_show_their_name_and_email_and_are_found_by_either(dialog):
    assert listed(dialog) == [
        "Ana García\nana@example.com",
        "Ben Okafor\nben@example.com",
        "Hana Sato\nhana@example.com",
    ]
    dialog.students.search.setText("okafor")
    assert listed(dialog) == ["Ben Okafor\nben@example.com"]
    dialog.students.search.setText("HANA@")
    assert listed(dialog) == ["Hana Sato\nhana@example.com"]
    assert dialog.choice() is None  # a search alone chooses nobody
    dialog.students.search.setText("nobody here")
    assert listed(dialog) == []


def test_choosing_from_the_list_and_enter_on_a_single_match(qtbot, dialog):
    dialog.students.search.setText("ben@")
    qtbot.keyClick(dialog.students.search, Qt.Key.Key_Return)  # the only match: chosen
    assert dialog.choice() == BookingChoice("s-ben", "t-piano", START.astimezone(UTC))
    assert dialog.confirm.isEnabled()
    assert dialog.students.chosen_text() == "Ben Okafor · ben@example.com"
    dialog.students.search.setText("a")  # several match: Enter chooses none of them
    qtbot.keyClick(dialog.students.search, Qt.Key.Key_Return)
    assert dialog.choice() is not None  # the choice stays until another is made
    dialog.students.choose("s-ana")
    assert dialog.choice() == BookingChoice("s-ana", "t-piano", START.astimezone(UTC))


def test_a_time_the_rules_refuse_is_said_before_book(qtbot):
    checks = BookingChecks(
        START.astimezone(UTC),
        {"t-piano": Verdict(False, "too_soon", NOTICE), "t-trial": Verdict(True)},
    )
    dialog = BookForStudentDialog(
        None,
        start=START,
        instructor_zone=ZONE,
        students=STUDENTS,
        lesson_types=TYPES,
        policy_text=POLICY,
        checks=checks,
        student_id="s-ben",
    )
    qtbot.addWidget(dialog)
    assert dialog.problem.text() == NOTICE
    assert not dialog.confirm.isEnabled()
    assert dialog.choice() is None
    dialog.lesson_type.setCurrentIndex(dialog.lesson_type.findData("t-trial"))  # 30 min: fine
    assert dialog.problem.isHidden()
    assert dialog.confirm.isEnabled()


def test_booking_dialog_screenshots(qtbot, save_shot, themed):  # noqa: F811 - the fixture
    from tests.ui.test_screenshots_panels import show

    fresh = BookForStudentDialog(
        None, start=START, instructor_zone=ZONE, students=STUDENTS, lesson_types=TYPES,
        policy_text=POLICY,
    )
    show(qtbot, fresh, 520, 0)
    fresh.students.search.setText("o")
    save_shot(fresh, f"book_nobody_chosen_{themed.name}")
    refused = BookForStudentDialog(
        None,
        start=START,
        instructor_zone=ZONE,
        students=STUDENTS,
        lesson_types=TYPES,
        policy_text=POLICY,
        checks=BookingChecks(
            START.astimezone(UTC), {"t-piano": Verdict(False, "too_soon", NOTICE)}
        ),
        student_id="s-hana",
    )
    show(qtbot, refused, 520, 0)
    save_shot(refused, f"book_refused_time_{themed.name}")
