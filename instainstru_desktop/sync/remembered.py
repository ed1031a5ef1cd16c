"""Who signed in last on each server: ``session.json``, with no secret in it.

Kept apart from :mod:`instainstru_desktop.sync.sign_in` so the window can read the remembered
role (to build itself for an admin or an instructor) without loading the cache's database
layer. The file maps each server to the last account's identity; ``signed_out`` lists the
servers the person signed out of.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from instainstru_desktop.json_files import read_json, write_json

#: The key of the servers signed out of (never a server: those are "embedded" or URLs).
SIGNED_OUT = "signed_out"


@dataclass(frozen=True)
class Identity:
    """Who is signed in, where."""

    server: str  # the configured server URL, or "embedded"
    email: str
    user_id: str
    name: str
    role: str  # "instructor" | "admin" | "student"
    instructor_id: str | None
    time_zone: str

    @classmethod
    def of_user(cls, server: str, user: dict[str, Any]) -> Identity:
        return cls(
            server=server,
            email=str(user["email"]),
            user_id=str(user["id"]),
            name=str(user.get("name", "")),
            role=str(user.get("role", "")),
            instructor_id=user.get("instructor_id"),
            time_zone=str(user.get("time_zone") or "UTC"),
        )

    def as_user(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "id": self.user_id,
            "name": self.name,
            "role": self.role,
            "instructor_id": self.instructor_id,
            "time_zone": self.time_zone,
        }


class RememberedSignIns:
    """Who signed in last on each server, in a side file (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def _all(self) -> dict[str, Any]:
        data = read_json(self._path)
        return data if isinstance(data, dict) else {}

    def get(self, server: str) -> Identity | None:
        user = self._all().get(server)
        if not isinstance(user, dict):
            return None
        try:
            return Identity.of_user(server, user)
        except KeyError:  # a damaged entry: as good as none
            return None

    def remember(self, identity: Identity) -> None:
        signed = self._all()
        signed[identity.server] = identity.as_user()
        out = [s for s in signed.get(SIGNED_OUT, []) if s != identity.server]
        if out:
            signed[SIGNED_OUT] = out
        else:
            signed.pop(SIGNED_OUT, None)
        write_json(self._path, signed)

    def forget(self, server: str) -> None:
        """Forget who signed in on ``server``, and remember that they signed out there (so the
        built-in server asks who is signing in instead of opening the demo account)."""
        signed = self._all()
        signed.pop(server, None)
        out = signed.get(SIGNED_OUT)
        signed[SIGNED_OUT] = [*(out if isinstance(out, list) else []), server]
        write_json(self._path, signed)

    def signed_out(self, server: str) -> bool:
        """Whether the last person on ``server`` signed out (and nobody signed in since)."""
        out = self._all().get(SIGNED_OUT)
        return isinstance(out, list) and server in out

    def role(self, server: str) -> str | None:
        """The role of whoever signed in last on ``server`` (None: nobody remembered)."""
        known = self.get(server)
        return known.role if known is not None else None
