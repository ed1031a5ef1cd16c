"""Who is asking, from which device, and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from instainstru_desktop.domain.bookings import Actor
from instainstru_desktop.server.core.errors import Unauthenticated
from instainstru_desktop.server.core.permissions import Principal


@dataclass(frozen=True, slots=True)
class Caller:
    """The caller of a use case: ``principal`` None is an anonymous visitor."""

    principal: Principal | None
    device: str
    now: datetime
    #: Added to the details of every audit record this call writes (e.g. the pushed mutation).
    audit_context: dict[str, Any] = field(default_factory=dict)

    @property
    def signed_in(self) -> Principal:
        if self.principal is None:
            raise Unauthenticated("Sign in to do this.")
        return self.principal

    @property
    def actor(self) -> Actor:
        return Actor(self.signed_in.role.value)
