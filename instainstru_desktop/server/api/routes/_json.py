"""Fast JSON responses for the endpoints whose bodies are large (slots, sync pull)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from instainstru_desktop.server.services.views import encode


def json_response(content: Any, status_code: int = 200) -> Response:
    """``content`` serialized by orjson: instants in UTC end in ``Z``."""
    return Response(encode(content), status_code=status_code, media_type="application/json")
