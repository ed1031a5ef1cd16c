"""Edits of a date's hours as hours opened or closed, and when two of them really clash."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from instainstru_desktop.domain import HoursEdit, WallRange, edits_between, normalize
from instainstru_desktop.domain import replacement_clashes as whole_day_clashes


def w(start: int, end: int) -> WallRange:
    return WallRange(start * 60, end * 60)


HOURS = st.lists(
    st.tuples(st.integers(0, 47), st.integers(1, 8)).map(
        lambda t: WallRange(t[0] * 30, min(1440, t[0] * 30 + t[1] * 30))
    ),
    max_size=5,
).map(normalize)


@given(before=HOURS, after=HOURS)
def test_the_edits_between_two_days_turn_one_into_the_other_and_never_clash_with_it(
    before: list[WallRange], after: list[WallRange]
) -> None:
    closing, opening = edits_between(before, after)
    hours = before
    for edit in (closing, opening):
        if edit is not None:
            assert not edit.clashes_with(hours)  # made on these hours: no clash with them
            hours = edit.applied(hours)
    assert hours == normalize(after)


@given(base=HOURS, mine=HOURS, theirs=HOURS)
def test_edits_of_different_hours_made_on_one_day_merge_in_either_order(
    base: list[WallRange], mine: list[WallRange], theirs: list[WallRange]
) -> None:
    """Two devices edit the same day: when the hours each changed do not meet, both apply
    whoever comes first, and the day ends the same."""
    my_edits = [e for e in edits_between(base, mine) if e is not None]
    their_edits = [e for e in edits_between(base, theirs) if e is not None]
    mine_touched = normalize(r for e in my_edits for r in e.ranges)
    theirs_touched = normalize(r for e in their_edits for r in e.ranges)
    if any(a.start < b.end and b.start < a.end for a in mine_touched for b in theirs_touched):
        return
    ends = []
    for first, second in ((my_edits, their_edits), (their_edits, my_edits)):
        hours = base
        for edit in [*first, *second]:
            assert not edit.clashes_with(hours)
            hours = edit.applied(hours)
        ends.append(hours)
    assert ends[0] == ends[1]


def test_hours_someone_else_changed_first_clash_unless_already_as_wanted() -> None:
    evening = HoursEdit.of([w(17, 19)], opens=True)
    assert evening.clashes_with([w(9, 17), w(18, 20)])  # 18-19 opened elsewhere, 17-18 not
    assert not evening.clashes_with([w(9, 17)])  # as seen
    assert not evening.clashes_with([w(9, 20)])  # already open: nothing is lost
    lunch = HoursEdit.of([w(11, 13)], opens=False)
    assert lunch.clashes_with([w(9, 11), w(12, 17)])  # 11-12 closed elsewhere
    assert not lunch.clashes_with([w(9, 17)])
    assert not lunch.clashes_with([w(9, 11), w(13, 17)])
    assert lunch.applied([w(9, 17)]) == [w(9, 11), w(13, 17)]


def test_a_whole_day_clashes_only_with_hours_changed_since_it_was_seen() -> None:
    usual, copied = [w(9, 17)], [w(10, 12)]
    assert not whole_day_clashes(usual, usual, copied)
    assert not whole_day_clashes(copied, usual, copied)
    assert whole_day_clashes([w(9, 12), w(13, 17)], usual, copied)
