"""What is wrong with a name, a bio or a lesson type, in sentences a person understands.

The bounds are the change vocabulary's (:mod:`instainstru_desktop.protocol.fields`), the ones
the server holds a pushed change to, so a value refused here would be refused there, and a value
accepted here is not refused there for its size. The profile page shows these under its fields
as they are typed, and the services say them again when asked to queue a bad value.

This module imports no database code: the page checks what is typed before anything is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from instainstru_desktop.protocol import fields
from instainstru_desktop.services.views import LessonTypeOption


@dataclass(frozen=True, slots=True)
class LessonTypeDraft:
    """A lesson type as the person entered it (new, or the whole of one being edited)."""

    name: str
    duration_minutes: int
    price_cents: int
    currency: str
    color: str  # "#RRGGBB"
    active: bool = True

    def normalized(self) -> LessonTypeDraft:
        """As the server stores it: the name trimmed, the currency and colour in capitals."""
        return LessonTypeDraft(
            name=self.name.strip(),
            duration_minutes=self.duration_minutes,
            price_cents=self.price_cents,
            currency=self.currency.strip().upper(),
            color=self.color.strip().upper(),
            active=self.active,
        )


def draft_of(option: LessonTypeOption) -> LessonTypeDraft:
    """The whole of a stored lesson type, as a form starts from it."""
    return LessonTypeDraft(
        option.name,
        option.duration_minutes,
        option.price_cents,
        option.currency,
        option.color,
        option.active,
    )


def money_text(cents: int, currency: str = "") -> str:
    """``45.00 EUR``: the amount with its two decimals, and the currency when given."""
    amount = f"{cents // 100:,}.{cents % 100:02d}"
    return f"{amount} {currency}" if currency else amount


def length_text(minutes: int) -> str:
    """A lesson's length as people say it: "45 minutes", "1 hour", "1 hour 30 minutes"."""
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours, rest = divmod(minutes, 60)
    text = f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{text} {rest} minute{'s' if rest != 1 else ''}" if rest else text


def _text_problem(what: str, text: str, limit: int, *, required: bool) -> str | None:
    if required and not text.strip():
        return f"{what} cannot be empty."
    if not fields.is_text(text):
        return f"{what} holds a control character; use letters, spaces and line breaks only."
    if len(text) > limit:
        return f"{what} can be at most {limit:,} characters long; this one has {len(text):,}."
    return None


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be the name students see, or None."""
    return _text_problem("Your name", name.strip(), fields.PERSON_NAME_MAX_CHARS, required=True)


def bio_problem(bio: str) -> str | None:
    """Why ``bio`` cannot be the bio on the booking page, or None (an empty bio is fine)."""
    return _text_problem("The bio", bio, fields.BIO_MAX_CHARS, required=False)


def lesson_type_problems(draft: LessonTypeDraft) -> dict[str, str]:
    """Field name to what is wrong with it (empty: the lesson type can be saved)."""
    draft = draft.normalized()
    problems: dict[str, str] = {}
    name = _text_problem("The name", draft.name, fields.LESSON_NAME_MAX_CHARS, required=True)
    if name is not None:
        problems["name"] = name
    low, high = fields.LESSON_MINUTES_MIN, fields.LESSON_MINUTES_MAX
    if not low <= draft.duration_minutes <= high:
        problems["duration_minutes"] = (
            f"A lesson lasts from {length_text(low)} to {length_text(high)}."
        )
    if draft.price_cents < 0:
        problems["price_cents"] = "The price cannot be below zero."
    elif draft.price_cents > fields.PRICE_CENTS_MAX:
        problems["price_cents"] = (
            f"The price can be at most {money_text(fields.PRICE_CENTS_MAX)}."
        )
    if not fields.is_currency(draft.currency):
        problems["currency"] = "Write the currency as its three-letter code, such as EUR or USD."
    if not fields.is_colour(draft.color):
        problems["color"] = "Pick a colour for the lesson type."
    return problems
