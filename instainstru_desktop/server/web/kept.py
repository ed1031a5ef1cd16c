"""Parts of pages kept in memory until a commit touches their instructor.

An instructor's page is the same for everyone who looks at the same week from the same zone:
the profile, the lessons and the week of free times. Only the frame around it (who is signed
in, their CSRF value) belongs to one visitor. So the shared part is rendered once and kept
under the key of what it shows -- the instructor, the lesson type, the viewer's zone and the
:class:`~instainstru_desktop.server.services.free_week.FreeWeek` itself, which compares equal
exactly when two weeks read the same -- and each request adds only its frame.

What a week shows moves with the clock (minimum notice drops the times passing, a new day
pages the week), and a student's own lessons are left out of their week: each request works
that out from the kept slot answers, so a changed week is simply another key. What the key
cannot see -- a booking, a bio edited, new hours -- is a commit naming the instructor, which
drops every kept part of theirs, the same way (and in the same order, after the slot answers
and profiles) as the other answers in memory (see ``services.answer_cache``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from markupsafe import Markup

from instainstru_desktop.server.core.events import EventHub
from instainstru_desktop.server.services.answer_cache import AnswerCache, Generation


class KeptParts:
    """Rendered parts and whole pages by key, each in its instructor's scope."""

    def __init__(self, *, entries: int, ttl_seconds: float) -> None:
        self.cache: AnswerCache[Markup | bytes] = AnswerCache(
            entries=entries, ttl_seconds=ttl_seconds
        )

    def follow(self, hub: EventHub) -> None:
        """Hear every commit. Registered after the slot answers and profiles are, a part is
        never dropped later than what it was made from."""
        hub.watch(self.cache.observe)

    def mark(self) -> Generation:
        """Read before reading what a part is made from: the instructor (the scope) is known
        only after their profile is read, so the studio-wide count of commits read here and
        again when the part is kept tells whether any commit landed in between."""
        return self.cache.generation(None)

    def part(
        self, key: Hashable, instructor_id: str, mark: Generation, make: Callable[[], str]
    ) -> Markup:
        """The HTML kept under ``key``, or ``make()`` (rendered by an autoescaping template)."""
        kept = self._kept(("part", key), instructor_id, mark, lambda: Markup(make()))
        assert isinstance(kept, Markup)
        return kept

    def page(
        self, key: Hashable, instructor_id: str, mark: Generation, make: Callable[[], str]
    ) -> bytes:
        """The whole page kept under ``key`` as the body of a response, or ``make()``."""
        kept = self._kept(("page", key), instructor_id, mark, lambda: make().encode())
        assert isinstance(kept, bytes)
        return kept

    def _kept(
        self,
        key: Hashable,
        instructor_id: str,
        mark: Generation,
        make: Callable[[], Markup | bytes],
    ) -> Markup | bytes:
        """What is kept under ``key``, or ``make()`` -- kept unless a commit landed since
        ``mark`` (then it is served once and made again next time)."""
        kept = self.cache.get(key)
        if kept is not None:
            return kept
        made = make()
        generation = self.cache.generation(instructor_id)
        if self.cache.generation(None) == mark:
            self.cache.put(key, instructor_id, generation, made)
        return made
