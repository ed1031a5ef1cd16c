"""Errors the use cases raise; ``message`` is a sentence the UI can show as it is."""

from __future__ import annotations


class ServiceError(Exception):
    """A use case cannot do what was asked; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownItemError(ServiceError):
    """The lesson, instructor, student or attention item is not in the local data."""


class ActionNotAllowedError(ServiceError):
    """The rules forbid the action now (e.g. completing a cancelled lesson, or one not started)."""


class InvalidInputError(ServiceError):
    """The values given make no sense (overlapping hours, an empty reason, ...)."""


class AlreadySentError(ServiceError):
    """A change cannot be taken back: the server has it, or may be applying it right now."""


class InFlightError(ServiceError):
    """A change is on its way to the server at this moment: whether it can still be taken back
    is known once that attempt ends (one that never connected carried nothing)."""
