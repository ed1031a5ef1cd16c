"""Pushed changes: every kind has a handler, arguments are judged once, refusals in plain words."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from instainstru_desktop.domain import POLICY_BOUNDS
from instainstru_desktop.protocol import CHANGE_TYPES, change_types, to_args
from instainstru_desktop.protocol.fields import NOTE_MAX_CHARS, REASON_MAX_CHARS
from tests.server.helpers import Person, Studio, new_id
from tests.server.test_sync import pull, push
from tests.unit.protocol.samples import sample


def _mutation(n: int, name: str, args: Any) -> dict[str, Any]:
    return {"id": n, "name": name, "args": args, "base_version": None}


def test_every_kind_of_change_has_a_server_handler(client: TestClient, studio: Studio) -> None:
    """A kind without its arm in ``changes.apply`` fails here (and in mypy, via assert_never)."""
    teacher = studio.instructors[0]
    kinds = change_types()
    # the bases a change was made on are left out: a sample's would clash with the studio's hours
    unbased = {"base_ranges": None, "base_note": None}
    mutations = [
        _mutation(
            n,
            kind.wire_name,
            to_args(sample(kind, instructor_id=teacher.instructor_id, **unbased)),
        )
        if "instructor_id" in kind.__dataclass_fields__
        else _mutation(n, kind.wire_name, to_args(sample(kind, **unbased)))
        for n, kind in enumerate(kinds, start=1)
    ]

    response = push(client, studio.admin, new_id(), *mutations)

    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert len(results) == len(kinds)
    # every kind was understood; most of the samples name lessons that do not exist
    assert [r["code"] for r in results if r["code"] == "validation_error"] == []
    applied = {kinds[r["id"] - 1].wire_name for r in results if r["status"] == "applied"}
    assert {
        "availability.set_date",
        "availability.add_date_hours",
        "availability.remove_date_hours",
        "availability.set_template",
        "policy.update",
    } <= applied


def _args(name: str, teacher: Person, **values: Any) -> dict[str, Any]:
    return {**to_args(sample(CHANGE_TYPES[name], instructor_id=teacher.instructor_id)), **values}


REFUSALS = [
    (
        "booking.note",
        {"note": "n" * 10_023},
        "The note can be at most 10,000 characters long; this one has 10,023.",
    ),
    (
        "booking.cancel",
        {"reason": "r" * 2_006},
        "The reason can be at most 2,000 characters long; this one has 2,006.",
    ),
    ("availability.set_date", {"date": "2026-13-01"}, "The date must be written like 2026-03-05."),
    ("availability.set_date", {"date": "1066-10-14"}, "The date must be written like 2026-03-05."),
    ("availability.clear_date", {"date": "0"}, "The date must be written like 2026-03-05."),
    (
        "availability.set_date",
        {"ranges": [{"start": "9", "end": "10:00"}]},
        "The start time is not valid.",
    ),
    (
        "availability.set_date",
        {"ranges": [{"start": "09:00", "end": "10:00", "colour": "red"}]},
        "The change holds “colour”, which this server does not know.",
    ),
    (
        "availability.set_date",
        {"ranges": [{"start": "09:00", "end": "09:15"}] * 97},
        "The list of hours can have at most 96 entries; this one has 97.",
    ),
    (
        "booking.create",
        {"start": "2026-03-10T09:00:00"},
        "The start time must be written like 2026-03-05T14:00:00Z.",
    ),
    ("admin.review", {"flagged": 1}, "The review flag is not valid."),
    (
        "booking.note",
        {"note": "a\x00b"},
        "The note contains a control character (such as NUL), which cannot be stored; "
        "only tabs and line breaks may be used.",
    ),
    (
        "policy.update",
        {"policy": {"slot_step_minutes": 7}},
        "The start-time step must divide a day evenly, such as 15, 30 or 60 minutes.",
    ),
    ("booking.complete", {"booking_id": "lesson-7"}, "The lesson's id is not valid."),
    ("conflict.resolve", {"resolution": "maybe"}, "The way to settle the clash is not valid."),
    (
        "policy.update",
        {"policy": {"min_notice_minutes": 0, "booking_horizon_days": 0}},
        "The booking window must be at least 1.",
    ),
    ("profile.update", {"time_zone": ""}, "The time zone cannot be empty."),
]


@pytest.mark.parametrize(("name", "values", "message"), REFUSALS)
def test_a_malformed_change_is_refused_in_plain_words(
    client: TestClient, studio: Studio, name: str, values: dict[str, Any], message: str
) -> None:
    teacher = studio.instructors[0]
    args = _args(name, teacher)
    args |= {k: {**args[k], **v} if isinstance(v, dict) else v for k, v in values.items()}

    [result] = push(client, teacher, new_id(), _mutation(1, name, args)).json()["results"]

    assert (result["status"], result["code"], result["message"]) == (
        "rejected",
        "validation_error",
        message,
    )


def test_missing_arguments_and_unknown_kinds_are_refused_in_plain_words(
    client: TestClient, studio: Studio
) -> None:
    teacher = studio.instructors[0]
    results = push(
        client,
        teacher,
        new_id(),
        _mutation(1, "availability.clear_date", {"instructor_id": teacher.instructor_id}),
        _mutation(2, "booking.teleport", {}),
    ).json()["results"]
    assert [r["message"] for r in results] == [
        "The date is missing.",
        "This server does not know this kind of change (“booking.teleport”); "
        "the app may be newer than the server.",
    ]


def test_a_refusal_reaches_the_instructors_other_devices_in_plain_words(
    client: TestClient, studio: Studio
) -> None:
    teacher = studio.instructors[0]
    args = _args("booking.note", teacher, note="n" * 10_023)
    push(client, teacher, new_id(), _mutation(1, "booking.note", args))

    [conflict] = pull(client, teacher)["conflicts"]

    assert conflict["kind"] == "rejected_mutation"
    assert conflict["message"] == (
        "Your note on a lesson was not applied: "
        "The note can be at most 10,000 characters long; this one has 10,023."
    )


def test_the_rest_api_holds_text_and_rules_to_the_vocabularys_limits(app: FastAPI) -> None:
    schemas = app.openapi()["components"]["schemas"]
    assert schemas["NoteIn"]["properties"]["note"]["maxLength"] == NOTE_MAX_CHARS
    assert schemas["ReviewIn"]["properties"]["note"]["maxLength"] == NOTE_MAX_CHARS
    assert schemas["CancelIn"]["properties"]["reason"]["maxLength"] == REASON_MAX_CHARS
    policy = schemas["Policy"]["properties"]
    for name, (low, high) in POLICY_BOUNDS.items():
        stated = policy[name].get("anyOf", [policy[name]])[0]
        if "enum" in stated:  # the start-time step lists the divisors of a day
            stated = {"minimum": min(stated["enum"]), "maximum": max(stated["enum"])}
        assert (stated["minimum"], stated["maximum"]) == (low, high), name
