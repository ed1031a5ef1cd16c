"""Repositories: the only code besides the unit of work that talks to a SQLAlchemy session.

Reads that feed responses directly (booking pages, the sync pull) are Core selects returning
rows, not ORM objects: they are read-only and an order of magnitude cheaper per row.
"""

from instainstru_desktop.server.repositories.accounts import TokenRepository, UserRepository
from instainstru_desktop.server.repositories.attempts import AttemptRepository
from instainstru_desktop.server.repositories.availability import AvailabilityRepository
from instainstru_desktop.server.repositories.bookings import (
    BookingFilter,
    BookingRepository,
    NewBooking,
)
from instainstru_desktop.server.repositories.bulk import BulkRepository
from instainstru_desktop.server.repositories.catalog import (
    InstructorRepository,
    LessonTypeRepository,
)
from instainstru_desktop.server.repositories.messages import MessageRepository
from instainstru_desktop.server.repositories.records import AuditRepository, ConflictRepository
from instainstru_desktop.server.repositories.series import SeriesRepository
from instainstru_desktop.server.repositories.sync import SyncRepository

__all__ = [
    "AttemptRepository",
    "AuditRepository",
    "AvailabilityRepository",
    "BookingFilter",
    "BookingRepository",
    "BulkRepository",
    "ConflictRepository",
    "InstructorRepository",
    "LessonTypeRepository",
    "MessageRepository",
    "NewBooking",
    "SeriesRepository",
    "SyncRepository",
    "TokenRepository",
    "UserRepository",
]
