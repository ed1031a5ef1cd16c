"""Use cases the UI calls. They never import SQLAlchemy: they work through the store's units of
work and repositories, and return the frozen read models of :mod:`.views`.

Every write use case writes its optimistic local state and its outbox row in one transaction and
returns :class:`~.views.Changed` (the dates, bookings, usual week or attention items touched);
``StatusService.changed_by_sync`` says what a sync changed in the same terms. Each view re-reads
only when a change touches what it shows (``ui/shell/refresh.py`` hands the changes out).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from instainstru_desktop.lazy_names import lazy_attributes

if TYPE_CHECKING:
    from instainstru_desktop.services.admin import AdminQuery, AdminService
    from instainstru_desktop.services.attention import AttentionService
    from instainstru_desktop.services.availability import AvailabilityService
    from instainstru_desktop.services.errors import (
        ActionNotAllowedError,
        AlreadySentError,
        InFlightError,
        InvalidInputError,
        ServiceError,
        UnknownItemError,
    )
    from instainstru_desktop.services.lessons import LessonService
    from instainstru_desktop.services.messages import MessageService
    from instainstru_desktop.services.schedule import ScheduleService
    from instainstru_desktop.services.series import SeriesService
    from instainstru_desktop.services.status import StatusService

# Imported on first use: the read models in ``services.views`` are needed by the first window,
# before the store and SQLAlchemy load (they cost a third of a second of start-up).
_HOMES = {
    "AdminQuery": "admin",
    "AdminService": "admin",
    "AttentionService": "attention",
    "AvailabilityService": "availability",
    "ActionNotAllowedError": "errors",
    "AlreadySentError": "errors",
    "InFlightError": "errors",
    "InvalidInputError": "errors",
    "ServiceError": "errors",
    "UnknownItemError": "errors",
    "LessonService": "lessons",
    "ScheduleService": "schedule",
    "SeriesService": "series",
    "MessageService": "messages",
    "StatusService": "status",
}


__getattr__ = lazy_attributes(__name__, _HOMES, globals())


__all__ = [
    "ActionNotAllowedError",
    "AdminQuery",
    "AdminService",
    "AlreadySentError",
    "AttentionService",
    "AvailabilityService",
    "InFlightError",
    "InvalidInputError",
    "LessonService",
    "MessageService",
    "ScheduleService",
    "SeriesService",
    "ServiceError",
    "StatusService",
    "UnknownItemError",
]
