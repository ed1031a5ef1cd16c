"""Property-based API testing against the app's own OpenAPI document (in-process ASGI).

Whatever schemathesis sends -- valid or not, signed in as an admin -- the server must never
answer 5xx, and every answer must match the documented status codes, content types and schemas.

The app is built when the module is collected (schemathesis parametrizes from a schema object),
on a private temporary database removed at exit.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.settings import Settings
from tests.server.helpers import build_studio

_DIR = Path(tempfile.mkdtemp(prefix="instainstru-fuzz-"))
atexit.register(shutil.rmtree, _DIR, ignore_errors=True)
APP = create_app(Settings(database_url=f"sqlite:///{_DIR / 'fuzz.sqlite3'}"))
STUDIO = build_studio(APP.state.context.uow, now=datetime.now(UTC))
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP).exclude(
    path="/api/v1/events"  # an endless stream: tested against a real server instead
)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_no_server_errors_and_no_schema_violations(case: Any) -> None:
    signs_out = case.path.endswith("/auth/logout")
    headers = {} if signs_out else {"Authorization": f"Bearer {STUDIO.admin.token}"}
    case.call_and_validate(
        headers=headers,
        checks=[
            checks.not_a_server_error,
            checks.response_schema_conformance,
            checks.status_code_conformance,
            checks.content_type_conformance,
        ],
    )
