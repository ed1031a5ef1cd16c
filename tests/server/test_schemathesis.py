"""Property-based API testing against the app's own OpenAPI document (in-process ASGI).

Whatever schemathesis sends -- valid or not, signed in as an admin -- every check it has must
pass (``--checks all``): no 5xx; answers match the documented statuses, content types, headers and
schemas; requests that break the schema are refused; operations that ask for a token refuse
requests without one; a 405 lists the path's methods in ``Allow``. Requests that keep to the
schema are accepted, unless a rule the schema cannot state refuses them (below).

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
from schemathesis.config import CacheConfig, SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation

from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.settings import Settings
from instainstru_desktop.server.core.wire import has_control_character
from tests.server.helpers import build_studio

_DIR = Path(tempfile.mkdtemp(prefix="instainstru-fuzz-"))
atexit.register(shutil.rmtree, _DIR, ignore_errors=True)
APP = create_app(Settings(database_url=f"sqlite:///{_DIR / 'fuzz.sqlite3'}"))
STUDIO = build_studio(APP.state.context.uow, now=datetime.now(UTC))
#: Only the settings given here (no ``schemathesis.toml`` found in a parent folder), and no cache:
#: nothing is written into the checkout.
CONFIG = SchemathesisConfig(cache=CacheConfig(enabled=False))
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP, config=CONFIG).exclude(
    path_regex=r"^/api/v1/(events|instructors/\{instructor_id\}/live)$"  # endless streams:
)  # tested against a real server instead


#: Problem codes that may refuse a request the schema allows: rules across fields or over stored
#: data, which no JSON schema can state.
RULES_BEYOND_THE_SCHEMA = {
    "invalid_time_range": "a range or window that ends before it starts",
    "invalid_term": "a term whose dates and breaks do not fit together (ends before it starts)",
    "off_step": "a start off the instructor's slot grid",
}
#: Fields whose ``validation_error`` depends on more than the field's own value.
FIELDS_BEYOND_THE_SCHEMA = {
    "cursor": "a page cursor the server did not make (cursors are opaque)",
    "to": "a window longer than the server serves at once",
    "student_id": "instructors and admins must name the student; students must not",
    "slug": "a page address the site uses itself (``lessons``), or shorter than two letters "
    "once the spaces around it are dropped",
}


def valid_requests_are_refused_only_by_rules_beyond_the_schema(
    _ctx: Any, response: Any, case: Any
) -> bool | None:
    """``positive_data_acceptance``, but knowing the rules above: a request that keeps to the
    schema and is refused anyway means the schema says less than the server checks."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code not in (400, 422):
        return None
    problem = response.json()
    if problem["code"] in RULES_BEYOND_THE_SCHEMA:
        return None
    if _breaks_its_own_pattern(case):
        return None
    fields = {error["field"] for error in problem["errors"]}
    beyond = fields <= FIELDS_BEYOND_THE_SCHEMA.keys()
    if problem["code"] == "validation_error" and fields and beyond:
        return None
    raise AssertionError(f"A request the schema allows was refused: {problem}")


def _breaks_its_own_pattern(case: Any) -> bool:
    """Whether a path or query value holds a control character although every such parameter
    declares ``TEXT_PATTERN``: the generator did not keep to the schema (it happens, rarely, in
    the coverage phase), so the request is not one the schema allows."""
    values = [*(case.path_parameters or {}).values(), *(case.query or {}).values()]
    texts = [str(v) for value in values for v in (value if isinstance(value, list) else [value])]
    return any(has_control_character(text) for text in texts)


def _headers(case: Any) -> dict[str, str]:
    signs_out = case.path.endswith("/auth/logout")  # signed out, the rest would only see 401s
    # a request made invalid by leaving the token out must stay without it
    token_left_out = (
        case.meta is not None
        and case.meta.is_negative_at(ParameterLocation.HEADER)
        and "Authorization" not in (case.headers or {})
    )
    if signs_out or token_left_out:
        return {}
    return {"Authorization": f"Bearer {STUDIO.admin.token}"}


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_all_checks_pass(case: Any) -> None:
    case.call_and_validate(
        headers=_headers(case),
        excluded_checks=[checks.positive_data_acceptance],
        additional_checks=[valid_requests_are_refused_only_by_rules_beyond_the_schema],
    )


class Workflows(schema.as_state_machine()):  # type: ignore[misc]
    """Sequences of calls linked by the ids they return: the checks that need a history (a
    deleted resource stays gone, a created one can be read) run here."""

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"headers": _headers(case)}

    def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
        case.validate_response(
            response,
            headers=_headers(case),
            excluded_checks=[checks.positive_data_acceptance],
            additional_checks=[valid_requests_are_refused_only_by_rules_beyond_the_schema],
            transport_kwargs=kwargs or None,
            recorder=getattr(self, "recorder", None),
        )


TestWorkflows = pytest.mark.slow(Workflows.TestCase)
TestWorkflows.settings = settings(
    max_examples=10,
    stateful_step_count=6,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
