"""Pushed changes: every kind of change has a handler on the server."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from instainstru_desktop.protocol import change_types, to_args
from tests.server.helpers import Studio, new_id
from tests.server.test_sync import push
from tests.unit.protocol.samples import sample


def _mutation(n: int, name: str, args: Any) -> dict[str, Any]:
    return {"id": n, "name": name, "args": args, "base_version": None}


def test_every_kind_of_change_has_a_server_handler(client: TestClient, studio: Studio) -> None:
    """A kind without its arm in ``changes.apply`` fails here (and in mypy, via assert_never)."""
    teacher = studio.instructors[0]
    kinds = change_types()
    mutations = [
        _mutation(n, kind.wire_name, to_args(sample(kind, instructor_id=teacher.instructor_id)))
        if "instructor_id" in kind.__dataclass_fields__
        else _mutation(n, kind.wire_name, to_args(sample(kind)))
        for n, kind in enumerate(kinds, start=1)
    ]

    response = push(client, studio.admin, new_id(), *mutations)

    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert len(results) == len(kinds)
    # every kind was understood; most of the samples name lessons that do not exist
    assert [r["code"] for r in results if r["code"] == "validation_error"] == []
    applied = {kinds[r["id"] - 1].wire_name for r in results if r["status"] == "applied"}
    assert {"availability.set_date", "availability.set_template", "policy.update"} <= applied
