"""Errors the server's services raise besides the domain's own.

Each carries a stable ``code``; :mod:`.problems` alone maps codes to HTTP statuses, so services
never speak HTTP. The class names read as the problem they report (like the domain's errors),
hence no ``Error`` suffix.
"""

# ruff: noqa: N818

from __future__ import annotations

from typing import Any, ClassVar


class ServiceError(Exception):
    """A request the server refuses on purpose; ``code`` is the problem code on the wire."""

    code: ClassVar[str] = "bad_request"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.extra = extra or {}
        self.headers = headers or {}


class Unauthenticated(ServiceError):
    code = "unauthenticated"


class Forbidden(ServiceError):
    code = "forbidden"


class NotFound(ServiceError):
    code = "not_found"


class RateLimited(ServiceError):
    code = "rate_limited"


class InvalidInput(ServiceError):
    """Well-formed input of the right types that still cannot be served (a 400-day range)."""

    code = "validation_error"


class SlotTaken(ServiceError):
    code = "slot_taken"


class SlugTaken(ServiceError):
    code = "slug_taken"


class EmailTaken(ServiceError):
    code = "email_taken"


class MutationGap(ServiceError):
    code = "mutation_gap"


class ResetRequired(ServiceError):
    code = "reset_required"


class EditClash(ServiceError):
    """Another change to the same hours (or the same note) reached the server first: it is
    kept, and this edit is set aside as a conflict the person settles ("use mine").

    ``kind`` is the conflict's kind (``hours_clash``, ``note_clash``); ``details`` say what was
    kept and what was set aside, for the conflict the sync records.
    """

    code = "edit_clash"  # the vocabulary's CLASH_CODE

    def __init__(self, detail: str, *, kind: str, details: dict[str, Any]) -> None:
        super().__init__(detail)
        self.kind = kind
        self.details = details
