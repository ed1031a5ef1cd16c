"""Reading a posted HTML form (``application/x-www-form-urlencoded``) without extra packages."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import Request

#: A form of the pages is a few short fields; anything bigger is not one of ours.
MAX_FORM_BYTES = 64 * 1024


async def read_form(request: Request) -> dict[str, str]:
    """The posted fields (the first value of each); an oversized or foreign body reads as empty,
    which every form then refuses as incomplete or not genuine."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return {}
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    fields: dict[str, str] = {}
    for name, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        fields.setdefault(name, value)
    return fields
