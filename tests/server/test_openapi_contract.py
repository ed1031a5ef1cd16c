"""The OpenAPI document says what the server does: which methods a path has, who may call an
operation, and what text a parameter may hold (schemathesis checks the rest of it)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.server.helpers import Studio
from tests.server.test_errors import assert_problem

API = "/api/v1"
ANY_ID = "00000000-0000-4000-8000-000000000000"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", f"/instructors/{ANY_ID}", {"GET", "PATCH"}),
        ("OPTIONS", f"/instructors/{ANY_ID}", {"GET", "PATCH"}),
        ("OPTIONS", "/bookings", {"GET", "POST"}),
        ("PATCH", f"/instructors/{ANY_ID}/weekly-template", {"GET", "PUT"}),
        ("GET", f"/instructors/{ANY_ID}/availability/2026-03-03", {"PUT", "DELETE"}),
        ("DELETE", "/me", {"GET"}),
    ],
)
def test_a_405_lists_every_method_of_the_path(
    client: TestClient, studio: Studio, method: str, path: str, allowed: set[str]
) -> None:
    response = client.request(method, API + path, headers=studio.admin.headers)
    assert_problem(response, 405, "method_not_allowed")
    listed = {m.strip() for m in response.headers["allow"].split(",")}
    assert listed - {"HEAD"} == allowed
    schema = client.get(f"{API}/openapi.json").json()
    template = path.replace(ANY_ID, "{instructor_id}").replace("2026-03-03", "{day}")
    documented = {m.upper() for m in schema["paths"][API + template]}
    assert documented == allowed


def _operations(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path.removeprefix(API)}": operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }


def test_each_operation_states_who_may_call_it(client: TestClient) -> None:
    schema = client.get(f"{API}/openapi.json").json()
    operations = _operations(schema)
    bearer = {"HTTPBearer": []}
    anonymous = (
        "GET /meta",
        "POST /auth/token",
        "POST /auth/sign-up",
        "GET /instructors/{instructor_id}/live",
    )
    for name in anonymous:
        assert "security" not in operations[name], name
    assert operations["GET /instructors/{instructor_id}/slots"]["security"] == [bearer, {}]
    assert operations["GET /events"]["security"] == [bearer, {"AccessTokenQuery": []}]
    query_token = schema["components"]["securitySchemes"]["AccessTokenQuery"]
    assert (query_token["type"], query_token["in"], query_token["name"]) == (
        "apiKey",
        "query",
        "access_token",
    )
    assert not [p for p in operations["GET /events"].get("parameters", ())
                if p["name"] == "access_token"]  # fmt: skip
    for name, operation in operations.items():
        if name not in (*anonymous, "GET /events") and "slots" not in name:
            assert operation["security"] == [bearer], name


def test_every_text_parameter_states_that_control_characters_are_refused(
    client: TestClient,
) -> None:
    schema = client.get(f"{API}/openapi.json").json()
    for name, operation in _operations(schema).items():
        for parameter in operation.get("parameters", ()):
            stated = parameter["schema"]
            options = stated.get("anyOf", [stated])
            for option in options:
                if option.get("type") == "string":
                    assert "pattern" in option or "enum" in option, (name, parameter["name"])
