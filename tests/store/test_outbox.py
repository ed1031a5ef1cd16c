"""The outbox queue: order, backoff, answers, re-queueing after a restore, retention."""

from __future__ import annotations

from tests.store import factories as f

NOW = "2026-03-04T12:00:00.000000Z"


def queue(store, count):
    with store.uow() as uow:
        for i in range(count):
            uow.changes.record(
                "availability.set_date",
                {"instructor_id": f.INSTRUCTOR_ID, "date": f"2026-03-{10 + i}", "ranges": []},
            )
        uow.commit()


def answer(uow, mutation_id, applied=True, seq=5):
    uow.outbox.record_result(
        mutation_id, applied=applied, code=None, message=None, result={}, applied_seq=seq
    )


def ids(mutations):
    return [m.mutation_id for m in mutations]


def test_the_queue_is_sent_in_order_and_waits_while_its_head_backs_off(store):
    f.seed(store)
    queue(store, 3)
    with store.uow() as uow:
        assert ids(uow.outbox.due(2, NOW)) == [1, 2]
        uow.outbox.mark_sent([1, 2])
        uow.outbox.record_failure([1, 2], "offline", "2026-03-04T12:00:00.500000Z")
        uow.commit()
    with store.read() as uow:
        assert uow.outbox.due(10, NOW) == []  # the head is backing off
        assert ids(uow.outbox.due(10, NOW, force=True)) == [1, 2, 3]
        assert ids(uow.outbox.due(10, "2026-03-04T12:00:00.600000Z")) == [1, 2, 3]
        head = uow.outbox.get(1)
        assert (head.status, head.attempts, head.last_error) == ("sent", 1, "offline")
        assert uow.outbox.earliest_attempt() == "2026-03-04T12:00:00.500000Z"
        assert uow.outbox.open_count() == 3


def test_a_restore_puts_answered_mutations_back_in_the_queue(store):
    f.seed(store)
    queue(store, 4)
    with store.uow() as uow:
        for mutation_id in (1, 2, 3):
            answer(uow, mutation_id, applied=mutation_id != 2)
        assert uow.recovery.requeue_above(1) == [2, 3]
        uow.commit()
    with store.read() as uow:
        assert ids(uow.outbox.due(10, NOW)) == [2, 3, 4]
        assert uow.outbox.get(1).status == "applied"


def test_when_the_lost_mutations_are_gone_the_client_starts_a_new_numbering(store):
    f.seed(store)
    queue(store, 4)
    with store.uow() as uow:
        before = uow.sync_state.get().client_id
        for mutation_id in (1, 2):
            answer(uow, mutation_id)
        assert uow.recovery.restart_numbering(uow.sync_state, server_last_id=2) == 2
        uow.commit()
    with store.read() as uow:
        state = uow.sync_state.get()
        rows = uow.outbox.all()
        assert state.client_id != before
        assert (state.next_mutation_id, state.last_acked_mutation_id) == (3, 0)
        assert [(m.mutation_id, m.args["date"]) for m in rows] == [
            (1, "2026-03-12"),
            (2, "2026-03-13"),
        ]
        assert uow.outbox.subjects_of(1) == [("override", f"{f.INSTRUCTOR_ID}/2026-03-12")]


def test_a_new_numbering_keeps_the_answered_edits_the_server_lost(store):
    f.seed(store)
    queue(store, 4)
    with store.uow() as uow:
        for mutation_id in (1, 2, 3):
            answer(uow, mutation_id, applied=mutation_id != 3)
        # the server has 1; 2 (applied) and 3 (refused) are held here and go out again
        assert uow.recovery.restart_numbering(uow.sync_state, server_last_id=1) == 3
        uow.commit()
    with store.read() as uow:
        rows = uow.outbox.all()
        assert [(m.mutation_id, m.args["date"], m.status) for m in rows] == [
            (1, "2026-03-11", "pending"),
            (2, "2026-03-12", "pending"),
            (3, "2026-03-13", "pending"),
        ]
        assert uow.sync_state.get().next_mutation_id == 4


def test_old_answers_are_forgotten_but_never_open_or_unacknowledged_ones(store):
    f.seed(store)
    queue(store, 4)
    with store.uow() as uow:
        answer(uow, 1)
        answer(uow, 2)
        answer(uow, 3, applied=False)
        forgotten = uow.recovery.prune("2999-01-01T00:00:00Z", acked_up_to=1)
        uow.commit()
    assert forgotten == 1
    with store.read() as uow:
        assert ids(uow.outbox.all()) == [2, 3, 4]
        assert uow.outbox.subjects_of(1) == []
