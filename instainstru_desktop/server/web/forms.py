"""Reading a posted HTML form (``application/x-www-form-urlencoded``) without extra packages."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import Request

from instainstru_desktop.server.core.wire import has_control_character

#: A form of the pages is a few short fields; anything bigger is not one of ours.
MAX_FORM_BYTES = 64 * 1024


async def read_form(request: Request) -> dict[str, str]:
    """The posted fields (the first value of each); an oversized or foreign body, or one with a
    control character in it, reads as empty, which every form then refuses as incomplete or not
    genuine."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return {}
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    fields: dict[str, str] = {}
    for name, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        if has_control_character(name) or has_control_character(value):
            return {}  # no text holds one (PostgreSQL cannot even store NUL): not our form
        fields.setdefault(name, value)
    return fields
