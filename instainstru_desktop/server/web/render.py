"""Templates (Jinja2, autoescaped) and the filters they format times, money and text with."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse

from instainstru_desktop.domain.bookings import duration_text
from instainstru_desktop.server.web.session import CSRF_FIELD, Visit

HERE = Path(__file__).parent
_SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€", "JPY": "¥", "INR": "₹", "AUD": "A$", "BRL": "R$"}


def money(cents: int, currency: str) -> str:
    """``£45``, ``€25.50``, ``4,500 SEK`` -- whole amounts without decimals."""
    amount = f"{cents // 100:,}" if cents % 100 == 0 else f"{cents / 100:,.2f}"
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


def clock(instant: datetime, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%H:%M")


def day_label(day: date) -> str:
    """``Mon 2 Mar``."""
    return f"{day:%a} {day.day} {day:%b}"


def long_day(day: date) -> str:
    """``Monday 2 March 2026``."""
    return f"{day:%A} {day.day} {day:%B} {day.year}"


def when(instant: datetime, tz: ZoneInfo) -> str:
    """``Monday 2 March 2026, 09:00``, on ``tz``'s clock."""
    local = instant.astimezone(tz)
    return f"{long_day(local.date())}, {local:%H:%M}"


def short_when(instant: datetime, tz: ZoneInfo) -> str:
    """``Mon 2 Mar, 09:00``."""
    local = instant.astimezone(tz)
    return f"{day_label(local.date())}, {local:%H:%M}"


def paragraphs(text: str) -> list[list[str]]:
    """Plain text as paragraphs (split at blank lines) of lines: the template joins them with
    ``<br>``, each line escaped, so a bio keeps its shape and no markup of its own."""
    blocks = [b for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return [[line for line in block.strip("\n").split("\n")] for block in blocks]


def iso(instant: datetime) -> str:
    """An instant for a URL: UTC, minutes precision (``2026-03-02T09:00Z``)."""
    return instant.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%MZ")


def zone_city(name: str) -> str:
    """``America/New_York`` as people read it: ``New York``."""
    return name.rsplit("/", 1)[-1].replace("_", " ")


@functools.lru_cache(maxsize=1024)
def zone_options(chosen: str) -> Markup:
    """The ``<option>`` list of every zone, ``chosen`` selected: made once per zone, since the
    list is long (~500 zones) and the same on every page."""
    return Markup("").join(
        Markup("<option selected>%s</option>\n") % name
        if name == chosen
        else Markup("<option>%s</option>\n") % name
        for name in _ZONES
    )


_ZONES: list[str] = []


def slot_list(href_prefix: str, starts: Sequence[datetime], tz: ZoneInfo, label: str) -> Markup:
    """A day's free times as ``<li>`` links (``href_prefix`` + the start in UTC), built here
    rather than in a template loop: a week has a few hundred of them, and each is only a fixed
    shape around two generated values (digits), so one escape of the prefix and the day's label
    does for all of them."""
    prefix, day = escape(href_prefix), escape(label)
    items = []
    for start in starts:
        local = start.astimezone(tz)
        hm = f"{local.hour:02d}:{local.minute:02d}"
        at = start.astimezone(UTC).isoformat(timespec="minutes").replace("+00:00", "Z")
        items.append(f'<li><a href="{prefix}{at}" aria-label="{day}, {hm}">{hm}</a></li>')
    return Markup("\n".join(items))


class Pages:
    """The template environment, made once per app."""

    def __init__(self, zones: list[str]) -> None:
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        self.env.filters.update(
            money=money,
            clock=clock,
            day_label=day_label,
            long_day=long_day,
            when=when,
            short_when=short_when,
            paragraphs=paragraphs,
            iso=iso,
            minutes=duration_text,
            zone_city=zone_city,
            tz=ZoneInfo,
        )
        _ZONES[:] = zones
        self.env.globals.update(
            zones=zones, csrf_field=CSRF_FIELD, zone_options=zone_options, slot_list=slot_list
        )

    def render(self, visit: Visit, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = self.env.get_template(template).render(_base(visit), **values)
        return self.respond(visit, html, status)

    def respond(self, visit: Visit, html: str | bytes, status: int = 200) -> HTMLResponse:
        """A page for this visit (never stored by the browser or a proxy, with its cookies)."""
        response = HTMLResponse(html, status_code=status)
        response.headers["Cache-Control"] = "no-store"
        visit.apply(response)
        return response

    def fragment(self, template: str, **values: Any) -> str:
        return self.env.get_template(template).render(**values)

    def framed(
        self, visit: Visit, title: str, main: Markup, *, viewer_zone: str | None = None
    ) -> str:
        """A whole page around ``main``, content rendered before: this visit's frame (who is
        signed in, their CSRF value, the page's own address) around it."""
        values = {"title": title, "main": main, "viewer_zone": viewer_zone}
        return self.env.get_template("page.html").render(_base(visit), **values)


def _base(visit: Visit) -> Mapping[str, Any]:
    return {"me": visit.principal, "csrf": visit.csrf, "path": visit.request.url.path}
