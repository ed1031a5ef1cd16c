"""Typed API errors: problem+json documents and network failures as exceptions a UI can show.

Callers switch on the class (or on ``code``, the server's stable problem code); ``message`` is a
sentence for a person. :class:`Offline` and :class:`ServerUnavailable` are *transient*: the sync
engine retries them later by itself, nothing the user typed is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One invalid field of a request, as the server named it."""

    field: str
    message: str


class ApiError(Exception):
    """The server refused a request, or could not be asked."""

    def __init__(
        self,
        code: str,
        status: int,
        detail: str,
        field_errors: tuple[FieldError, ...] = (),
        body: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.code = code
        self.status = status
        self.detail = detail
        self.field_errors = field_errors
        self.body = body or {}

    @property
    def message(self) -> str:
        return self.detail

    @property
    def transient(self) -> bool:
        """Whether trying again later may succeed without anyone doing anything."""
        return False

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.status}, {self.detail!r})"


class Offline(ApiError):  # noqa: N818 - the name is the state the app shows
    """The server could not be reached (no network, refused, timed out).

    ``reached``: whether any attempt got as far as a connection, so the request may have
    arrived (a reply lost, a read timed out). False only when every attempt failed to connect:
    then nothing was sent, which is what lets an unsent change still be taken back.
    """

    def __init__(self, detail: str, *, reached: bool = True) -> None:
        super().__init__("offline", 0, detail)
        self.reached = reached

    @property
    def transient(self) -> bool:
        return True


class ForeignAnswer(Offline):
    """Something answered that is not the server: a web page where its JSON should be.

    Most often a network that wants a sign-in first (a train's or a hotel's Wi-Fi) answers every
    address with its own page; a wrong server address does the same. The app is as good as
    offline until the server itself answers, so this is transient like :class:`Offline`. It
    counts as ``reached``: a request that got an answer may have been passed on.
    """

    def __init__(self, host: str) -> None:
        #: What happened, without what it means for the person's changes.
        self.explanation = (
            f"Something other than the InstaInstru server answered at {host}: perhaps a "
            "Wi-Fi network that asks you to sign in first, or a wrong server address."
        )
        super().__init__(
            f"{self.explanation} You can keep working; your changes are saved here and sent "
            "when the server answers.",
            reached=True,
        )
        self.code = "foreign_answer"


class ServerUnavailable(ApiError):  # noqa: N818
    """The server answered 5xx even after retries."""

    @property
    def transient(self) -> bool:
        return True


class RateLimited(ApiError):  # noqa: N818
    """Too many attempts; ``retry_after`` seconds to wait (0 if the server did not say)."""

    def __init__(self, *args: Any, retry_after: float = 0.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after

    @property
    def transient(self) -> bool:
        return True


class Unauthenticated(ApiError):  # noqa: N818
    """Sign in again: the token is missing, expired or revoked, or the password was wrong."""


class Forbidden(ApiError):  # noqa: N818
    """The signed-in account may not do this."""


class NotFound(ApiError):  # noqa: N818
    """The item does not exist (or the account may not even see it)."""


class UpdateRequired(ApiError):  # noqa: N818
    """This app is older than the server accepts; the user must update it."""


class ResetRequired(ApiError):  # noqa: N818
    """The server cannot continue from our sync position: download everything again."""


class MutationGap(ApiError):  # noqa: N818
    """The server expected another mutation id next (it lost some: restored from a backup)."""

    @property
    def expected_mutation_id(self) -> int:
        return int(self.body.get("expected_mutation_id", 0))


class UnreadableAnswer(ApiError):  # noqa: N818
    """The server answered with changes this app cannot read; none of them was applied."""


class IncompleteDownload(ApiError):  # noqa: N818
    """A download from the start did not arrive whole, even when downloaded a second time: the
    cache holds another number of rows of some entity than the server counted for it."""


_BY_CODE: dict[str, type[ApiError]] = {
    "unauthenticated": Unauthenticated,
    "forbidden": Forbidden,
    "not_found": NotFound,
    "update_required": UpdateRequired,
    "reset_required": ResetRequired,
    "mutation_gap": MutationGap,
}


def error_for(status: int, body: dict[str, Any], retry_after: float = 0.0) -> ApiError:
    """The typed error of a problem document (or of a bare status when the body is not one)."""
    code = str(body.get("code") or _code_of_status(status))
    detail = str(body.get("detail") or body.get("title") or _detail_of_status(status))
    fields = tuple(
        FieldError(str(e.get("field", "")), str(e.get("message", "")))
        for e in body.get("errors") or ()
        if isinstance(e, dict)
    )
    if status == 429 or code == "rate_limited":
        return RateLimited(code, status, detail, fields, body, retry_after=retry_after)
    if status >= 500:
        return ServerUnavailable(code, status, detail, fields, body)
    cls = _BY_CODE.get(code)
    if cls is None:
        cls = {401: Unauthenticated, 403: Forbidden, 404: NotFound, 426: UpdateRequired}.get(
            status, ApiError
        )
    return cls(code, status, detail, fields, body)


def _code_of_status(status: int) -> str:
    return {
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        426: "update_required",
        429: "rate_limited",
    }.get(status, "server_error" if status >= 500 else "bad_request")


def _detail_of_status(status: int) -> str:
    if status >= 500:
        return "The server had a problem; your changes are kept and will be sent again."
    if status == 401:
        return "Please sign in again."
    if status == 426:
        return "This version of InstaInstru is too old for the server. Please update the app."
    return f"The server refused the request (HTTP {status})."
