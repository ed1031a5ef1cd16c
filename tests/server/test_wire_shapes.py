"""The presenters' JSON has exactly the fields the response models document, nested ones too.

The presenters are written out rather than generated from the models (see the docstring of
``server/services/views.py``); this is what keeps the two from drifting apart: a field added to
one and not the other fails here, whichever side it was added to.
"""

from __future__ import annotations

import types
from datetime import timedelta
from typing import Any, Union, get_args, get_origin

from fastapi.testclient import TestClient
from pydantic import BaseModel

from instainstru_desktop.server.api import schemas
from tests.server.helpers import PASSWORD, FakeClock, Studio, iso
from tests.server.test_sync import pull

API = "/api/v1"


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The response models an annotation holds (``X``, ``list[X]``, ``X | None``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if get_origin(annotation) in (list, Union, types.UnionType):
        return [m for arg in get_args(annotation) for m in _models_in(arg)]
    return []


def assert_shaped_as(model: type[BaseModel], value: Any, where: str) -> int:
    """Exactly ``model``'s fields in ``value`` (and in what it nests); how many objects checked."""
    assert isinstance(value, dict), where
    assert set(value) == set(model.model_fields), (where, set(value) ^ set(model.model_fields))
    model.model_validate(value)
    checked = 1
    for name, field in model.model_fields.items():
        nested = _models_in(field.annotation)
        if not nested or value[name] is None:
            continue
        items = value[name] if isinstance(value[name], list) else [value[name]]
        for item in items:
            checked += assert_shaped_as(nested[0], item, f"{where}.{name}")
    return checked


def test_every_presenter_writes_exactly_its_response_model(
    client: TestClient, studio: Studio, clock: FakeClock
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    start = (clock.now + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    booked = client.post(
        f"{API}/bookings",
        json={
            "instructor_id": teacher.instructor_id,
            "lesson_type_id": teacher.lesson_type_id,
            "start": iso(start),
        },
        headers=student.headers,
    )
    assert booked.status_code == 201, booked.text
    hours = f"{API}/instructors/{teacher.instructor_id}/availability"
    day, other = start.date().isoformat(), (start + timedelta(days=1)).date().isoformat()
    for path in (f"{hours}/{day}", f"{hours}/{other}"):  # a clash, and an override to delete
        assert client.put(path, json={"ranges": []}, headers=teacher.headers).status_code == 200
    assert client.delete(f"{hours}/{other}", headers=teacher.headers).status_code == 204

    page = pull(client, teacher, counts="1")  # a last page asked for counts: every field
    for listed in ("bookings", "conflicts", "audit", "tombstones", "overrides", "templates"):
        assert page[listed], f"the pull should hold {listed} to check"
    checked = assert_shaped_as(schemas.PullOut, page, "pull")
    empty = pull(client, teacher, page["cursor"], counts="1")
    checked += assert_shaped_as(schemas.PullOut, empty, "empty")
    assert set(pull(client, teacher)) == set(page) - {"counts"}  # not asked for: not sent

    signed_in = client.post(
        f"{API}/auth/token", json={"email": teacher.email, "password": PASSWORD}
    ).json()
    checked += assert_shaped_as(schemas.TokenOut, signed_in, "token")
    availability = client.get(
        hours, params={"from": day, "to": other}, headers=teacher.headers
    ).json()
    checked += assert_shaped_as(schemas.AvailabilityOut, availability, "availability")
    stats = client.get(f"{API}/admin/stats", headers=studio.admin.headers).json()
    checked += assert_shaped_as(schemas.StatsOut, stats, "stats")
    history = client.get(
        f"{API}/bookings/{booked.json()['id']}/history", headers=teacher.headers
    ).json()
    checked += sum(assert_shaped_as(schemas.AuditEntryOut, e, "history") for e in history)
    assert checked > 20
