"""The vocabulary of changes a client sends and the server applies, shared by both sides.

Each kind of change is one frozen dataclass (:mod:`.changes`) carrying its wire name and the
version of its argument shape; its fields carry their limits as ``annotated_types`` metadata
(:mod:`.fields`), declared once. The client builds these objects, checks the limits before it
queues one (:mod:`.limits`) and replays queued ones by type; the server validates pushed
arguments against the same types and dispatches by type. Refusals are worded for people in one
place (:mod:`.wording`).

Neutral ground: the standard library, ``annotated_types`` and the pure domain only -- no
database, network, web, validation or Qt library (an import-linter contract keeps it so), which
is what lets both the client and the server import it.
"""

from instainstru_desktop.protocol.changes import (
    CHANGE_TYPES,
    CLASH_CODE,
    HOURS_CLASH,
    NOTE_CLASH,
    AddDateHours,
    AddLessonType,
    AnyChange,
    BookLesson,
    CancelLesson,
    Change,
    ClearDateHours,
    CompleteLesson,
    CorrectOutcome,
    DayRange,
    EditLessonType,
    EditProfileText,
    MarkNoShow,
    NoteLesson,
    Policy,
    RemoveDateHours,
    RescheduleLesson,
    ResolveConflict,
    ReviewBooking,
    SetDateHours,
    SetUsualWeek,
    TemplateRange,
    UpdatePolicy,
    UpdateProfile,
    change_from_args,
    change_types,
    to_args,
)

__all__ = [
    "CHANGE_TYPES",
    "CLASH_CODE",
    "HOURS_CLASH",
    "NOTE_CLASH",
    "AddDateHours",
    "AddLessonType",
    "AnyChange",
    "BookLesson",
    "CancelLesson",
    "Change",
    "ClearDateHours",
    "CompleteLesson",
    "CorrectOutcome",
    "DayRange",
    "EditLessonType",
    "EditProfileText",
    "MarkNoShow",
    "NoteLesson",
    "Policy",
    "RemoveDateHours",
    "RescheduleLesson",
    "ResolveConflict",
    "ReviewBooking",
    "SetDateHours",
    "SetUsualWeek",
    "TemplateRange",
    "UpdatePolicy",
    "UpdateProfile",
    "change_from_args",
    "change_types",
    "to_args",
]
