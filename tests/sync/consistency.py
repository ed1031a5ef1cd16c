"""The closing check of every sync test: nothing lost, nothing duplicated.

It compares three things after a quiet sync:

1. the client's outbox: every edit the user made has an answer (applied or rejected), the ids
   it still holds run without a hole up to N (only answered, acknowledged rows past the
   retention period may be gone from the front), and no optimistic (shadowed) row is left;
2. the server database: it holds exactly one stored result per mutation id of this client, with
   the same status, its ``last_mutation_id`` is N, and no mutation was applied twice (the audit
   entries a mutation wrote all come from one application);
3. the client cache against the server's truth: a fresh download from cursor ``"0"`` by the same
   account, row by row, for every mirrored entity.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from instainstru_desktop.store.mirror import ENTITIES
from instainstru_desktop.sync.api import ApiClient
from tests.sync.harness import Device, ServerHandle


def server_snapshot(server: ServerHandle, token: str) -> dict[str, dict[str, dict[str, Any]]]:
    """Every row the account may see, by entity and key, downloaded from scratch."""
    rows: dict[str, dict[str, dict[str, Any]]] = {e.name: {} for e in ENTITIES}
    with ApiClient(server.url, token=token, device="consistency-check") as api:
        cursor = "0"
        while True:
            page = api.pull(cursor, table=False)
            written: set[tuple[str, str]] = set()
            for entity in ENTITIES:
                for item in page.get(entity.page_field) or ():
                    row = entity.wire_row(item)
                    rows[entity.name][entity.key_of(row)] = row
                    written.add((entity.name, entity.key_of(row)))
            for tombstone in page.get("tombstones") or ():
                # a row sent in the same page exists: its key's tombstone is the older change
                if (tombstone["entity"], tombstone["id"]) not in written:
                    rows[tombstone["entity"]].pop(tombstone["id"], None)
            cursor = page["cursor"]
            if not page.get("has_more"):
                return rows


def cache_snapshot(device: Device) -> dict[str, dict[str, dict[str, Any]]]:
    with device.store.read() as uow:
        return {e.name: {e.key_of(r): r for r in uow.mirror.rows(e.name)} for e in ENTITIES}


def assert_cache_equals_server(device: Device, server: ServerHandle) -> None:
    expected = server_snapshot(server, device.person.token)
    found = cache_snapshot(device)
    for entity in expected:
        missing = expected[entity].keys() - found[entity].keys()
        extra = found[entity].keys() - expected[entity].keys()
        assert not missing, f"{entity}: the cache lacks {sorted(missing)[:5]}"
        assert not extra, f"{entity}: the cache has rows the server does not: {sorted(extra)[:5]}"
        differing = [k for k in expected[entity] if expected[entity][k] != found[entity][k]]
        assert not differing, (
            f"{entity} {differing[0]}: cache {found[entity][differing[0]]} "
            f"!= server {expected[entity][differing[0]]}"
        )


def assert_nothing_lost_nothing_duplicated(device: Device, server: ServerHandle) -> None:
    """The full check (run it after a quiet, successful sync)."""
    with device.store.read() as uow:
        outbox = uow.outbox.all()
        state = uow.sync_state.get()
        dirty = {e.name: uow.changes.dirty_keys(e.name) for e in ENTITIES}
    # 1. the outbox: answered, contiguous (answered rows past the retention period may have
    #    been forgotten from the front), nothing optimistic left
    newest = state.next_mutation_id - 1
    retained = [m.mutation_id for m in outbox]
    first = retained[0] if retained else newest + 1
    assert retained == list(range(first, newest + 1)), "outbox ids have holes"
    still_open = [
        (m.mutation_id, m.name, m.status) for m in outbox if m.status not in ("applied", "rejected")
    ]
    assert not still_open, f"edits not answered: {still_open[:5]}"
    assert not any(dirty.values()), f"optimistic rows left: {dirty}"
    assert state.last_acked_mutation_id == newest
    # 2. the server: one stored result per mutation, same status, applied once
    stored = dict(
        server.query(
            "SELECT mutation_id, status FROM mutation_results WHERE client_id = ?",
            state.client_id,
        )
    )
    assert sorted(stored) == list(range(1, newest + 1))
    assert {i: stored[i] for i in retained} == {m.mutation_id: m.status for m in outbox}
    [(last,)] = server.query(
        "SELECT last_mutation_id FROM sync_clients WHERE client_id = ?", state.client_id
    ) or [(0,)]
    assert last == newest
    applications: dict[int, set[str]] = defaultdict(set)
    for details, at in server.query("SELECT details, at FROM audit_log"):
        parsed = json.loads(details) if isinstance(details, str) else details
        if parsed.get("client_id") == state.client_id and "mutation_id" in parsed:
            applications[int(parsed["mutation_id"])].add(str(at))
    twice = {m: ats for m, ats in applications.items() if len(ats) > 1}
    assert not twice, f"mutations applied more than once: {twice}"
    created = [m.args["booking_id"] for m in outbox if m.name == "booking.create"]
    for booking_id in created:
        assert len(server.query("SELECT id FROM bookings WHERE id = ?", booking_id)) <= 1
    # 3. the cache equals the server's truth
    assert_cache_equals_server(device, server)


def booking_row(device: Device, booking_id: str) -> dict[str, Any] | None:
    with device.store.read() as uow:
        return uow.mirror.get("booking", booking_id)
