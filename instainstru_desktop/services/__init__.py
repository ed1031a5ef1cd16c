"""Use cases the UI calls. They never import SQLAlchemy: they work through the store's units of
work and repositories, and return the frozen read models of :mod:`.views`.

Every write use case writes its optimistic local state and its outbox row in one transaction and
returns :class:`~.views.Changed` (the dates / bookings touched), so a view refreshes only that.
"""

from instainstru_desktop.services.admin import AdminQuery, AdminService
from instainstru_desktop.services.attention import AttentionService
from instainstru_desktop.services.availability import AvailabilityService
from instainstru_desktop.services.errors import (
    ActionNotAllowedError,
    InvalidInputError,
    ServiceError,
    UnknownItemError,
)
from instainstru_desktop.services.lessons import LessonService
from instainstru_desktop.services.status import StatusService

__all__ = [
    "ActionNotAllowedError",
    "AdminQuery",
    "AdminService",
    "AttentionService",
    "AvailabilityService",
    "InvalidInputError",
    "LessonService",
    "ServiceError",
    "StatusService",
    "UnknownItemError",
]
