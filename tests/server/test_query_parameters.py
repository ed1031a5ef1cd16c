"""The query parameters read in one pass (``api.query``) are the ones FastAPI reads one by one:
the same values, the same refusals, the same OpenAPI document.

Each case is asked of two endpoints of one app: one that declares the parameters to FastAPI as a
route's signature (the plain way, as the routes did before), one that reads them through
:class:`QueryParameters` of the same declarations. Their answers must be the same bytes.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import orjson
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.responses import Response

from instainstru_desktop.server.api import problems
from instainstru_desktop.server.api.query import QueryParameters
from instainstru_desktop.server.api.routes.admin import admin_page
from instainstru_desktop.server.api.routes.slots import slot_window

API = "/api/v1"
INSTANT = "2026-03-05T14:00:00Z"
WINDOW = f"lesson_type_id=lt-1&from={INSTANT}&to=2026-04-02T14:00:00%2B02:00"

ADMIN_QUERIES = [
    "",
    "limit=100",
    "limit=1",
    "limit=500",
    "limit=0",
    "limit=501",
    "limit=1.0",
    "limit=1e2",
    "limit=abc",
    "limit=",
    "limit=5&limit=7",
    "status=confirmed",
    "status=no_show",
    "status=bogus",
    "status=",
    f"from={INSTANT}",
    "from=2026-03-05T14:00:00%2B02:00",
    "from=2026-03-05",
    "from=2026-03-05T14:00:00",
    "from=3026-03-05T14:00:00Z",
    "to=soon",
    "start_from=2026-03-05T14:00:00Z",
    "flagged=true",
    "flagged=false",
    "flagged=yes",
    "flagged=1",
    "flagged=",
    "q=",
    "q=ana%20lopez",
    "q=" + "a" * 200,
    "q=" + "a" * 201,
    "instructor_id=" + "x" * 36,
    "instructor_id=" + "x" * 37,
    "cursor=abc",
    "cursor=" + "c" * 501,
    "unknown=1&limit=3",
    "limit=0&status=x&from=bad&flagged=maybe&q=" + "a" * 201,
]
SLOT_QUERIES = [
    WINDOW,
    WINDOW + "&tz=Europe/Berlin",
    WINDOW + "&tz=Australia/Lord_Howe",
    WINDOW + "&tz=Nowhere/Land",
    WINDOW + "&tz=localtime",
    WINDOW + "&tz=",
    "",
    f"lesson_type_id=lt-1&from={INSTANT}",
    f"from={INSTANT}&to={INSTANT}",
    "lesson_type_id=" + "x" * 37 + f"&from={INSTANT}&to={INSTANT}",
    f"lesson_type_id=lt-1&from=2026-03-05&to={INSTANT}",
    f"lesson_type_id=lt-1&from={INSTANT}&to={INSTANT}&to=later",
]


def _answer(asked: Any) -> Response:
    return Response(orjson.dumps(asdict(asked)), media_type="application/json")


def _declared(declaration: Callable[..., Any]) -> Callable[..., Response]:
    """An endpoint whose signature is ``declaration``'s: FastAPI reads each parameter itself."""

    def endpoint(**values: Any) -> Response:
        return _answer(declaration(**values))

    signature = inspect.signature(declaration, eval_str=True)
    endpoint.__signature__ = signature.replace(return_annotation=Response)  # type: ignore[attr-defined]
    return endpoint


def _read_in_one_pass(declaration: Callable[..., Any]) -> Callable[..., Response]:
    async def endpoint(asked: Any) -> Response:
        return _answer(asked)

    asked = Annotated[Any, QueryParameters(declaration).dependency()]
    parameter = inspect.Parameter("asked", inspect.Parameter.KEYWORD_ONLY, annotation=asked)
    endpoint.__signature__ = inspect.Signature([parameter], return_annotation=Response)  # type: ignore[attr-defined]
    return endpoint


@pytest.fixture(scope="module")
def both() -> TestClient:
    app = FastAPI()
    problems.install(app)
    for name, declaration in (("admin", admin_page), ("slots", slot_window)):
        app.get(f"/declared/{name}")(_declared(declaration))
        app.get(f"/read/{name}")(_read_in_one_pass(declaration))
    return TestClient(app)


def _both(client: TestClient, name: str, query: str) -> tuple[Any, Any]:
    declared = client.get(f"/declared/{name}?{query}")
    read = client.get(f"/read/{name}?{query}")
    return (
        (declared.status_code, declared.headers["content-type"], declared.content),
        (read.status_code, read.headers["content-type"], read.content),
    )


@pytest.mark.parametrize("query", ADMIN_QUERIES)
def test_an_admin_page_query_reads_as_when_declared(both: TestClient, query: str) -> None:
    declared, read = _both(both, "admin", query)
    assert read == declared


@pytest.mark.parametrize("query", SLOT_QUERIES)
def test_a_slot_window_query_reads_as_when_declared(both: TestClient, query: str) -> None:
    declared, read = _both(both, "slots", query)
    assert read == declared


def test_the_cases_hold_both_answers_and_refusals(both: TestClient) -> None:
    """The comparisons above cannot pass by comparing only refusals (or only answers)."""
    statuses = {_both(both, "admin", q)[0][0] for q in ADMIN_QUERIES}
    statuses |= {_both(both, "slots", q)[0][0] for q in SLOT_QUERIES}
    assert statuses == {200, 422}
    refused = _both(both, "admin", "limit=0&status=x&from=bad")[1]
    fields = [e["field"] for e in json.loads(refused[2])["errors"]]
    assert fields == ["status", "from", "limit"]


def test_the_openapi_document_keeps_the_parameters_routes_declared(client: TestClient) -> None:
    """Stored from the document of when these routes declared their parameters to FastAPI."""
    stored = json.loads((Path(__file__).parent / "read_parameters.json").read_text())
    schema = client.get(f"{API}/openapi.json").json()
    for path, parameters in stored.items():
        assert schema["paths"][API + path]["get"]["parameters"] == parameters
    assert "TimeZone" in schema["components"]["schemas"]
