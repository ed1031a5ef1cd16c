"""Fast JSON responses for the endpoints whose bodies are large (slots, sync pull)."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC


def json_response(content: Any, status_code: int = 200) -> Response:
    """``content`` serialized by orjson: instants in UTC end in ``Z``."""
    return Response(
        orjson.dumps(content, option=_OPTIONS),
        status_code=status_code,
        media_type="application/json",
    )
