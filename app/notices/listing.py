"""The notice list (/notices): its filters and its rows, read with Core statements built once at import.

A page of the list shows twenty rows of five columns; reading them as ORM notices (with their series and authors)
cost more than the rest of the page. An htmx request for the list alone (a filter changed, a search typed, another
page) neither shows the filter form nor reads the series and years that fill it, unless a series or a year it was
given must be checked against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, or_, select

from app.auth.models import User
from app.core.forms import options
from app.core.time import CHINA, utcnow
from app.core.validators import strip_spaces
from app.extensions import db
from app.notices.forms import NoticeFilterForm
from app.notices.models import (
    RETURNED_TITLE,
    STATUS_TITLES,
    DocumentSeries,
    Notice,
    NoticeStatus,
    format_document_number,
)
from app.notices.services import NoticeFilter

_notices = Notice.__table__
_series = DocumentSeries.__table__
_authors = User.__table__

# Drafts first, then the newest issued.
_ORDER = (_notices.c.issued_at.is_(None).desc(), _notices.c.issued_at.desc(), _notices.c.id.desc())
_LINES = (
    select(
        _notices.c.id,
        _series.c.organ_code,
        _notices.c.year,
        _notices.c.serial,
        _notices.c.title,
        _notices.c.corrects_id,
        _notices.c.status,
        _notices.c.is_returned,
        _authors.c.display_name,
        _notices.c.issued_at,
        _notices.c.created_at,
    )
    .select_from(
        _notices.outerjoin(_series, _series.c.id == _notices.c.series_id).outerjoin(
            _authors, _authors.c.id == _notices.c.author_id
        )
    )
    .order_by(*_ORDER)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_COUNT = select(func.count()).select_from(_notices)
_SERIES = select(_series.c.id, _series.c.organ_code).where(_series.c.unit_id == bindparam("organ_id"))
_SERIES = _SERIES.order_by(_series.c.id)
_YEARS = (
    select(_notices.c.year).where(_notices.c.year.is_not(None), _notices.c.organ_id == bindparam("organ_id")).distinct()
)

STATUSES = frozenset(s.value for s in NoticeStatus)
MAX_QUERY = 100  # characters of the title search, as the form's Length(max=100)


@dataclass(frozen=True, slots=True)
class NoticeLine:
    """A row of the list: what its columns show."""

    id: int
    number: str | None
    title: str
    corrects_id: int | None
    state: str  # Notice.state: the status, or "returned"
    status_title: str
    author_name: str | None
    issued_at: datetime | None
    created_at: datetime


class FilterChoices:
    """The series and years of the organ's notices that the filter offers, each read once, when first needed."""

    def __init__(self, organ_id: int | None):
        self.organ_id = organ_id

    @cached_property
    def series(self) -> list[tuple[int, str]]:
        return [(id_, code) for id_, code in db.session.execute(_SERIES, {"organ_id": self.organ_id})]

    @cached_property
    def years(self) -> list[int]:
        """Years of issued notices, and this year (a draft's), newest first."""
        years = set(db.session.scalars(_YEARS, {"organ_id": self.organ_id}))
        years.add(utcnow().astimezone(CHINA).year)
        return sorted(years, reverse=True)


def filter_form(args, choices: FilterChoices) -> NoticeFilterForm:
    """The filter form as the page shows it, with what the address says chosen."""
    form = NoticeFilterForm(args)
    form.series_id.choices = options([("", _("All"))] + [(id_, code) for id_, code in choices.series])
    form.year.choices = options([("", _("All"))] + [(y, str(y)) for y in choices.years])
    return form


class _Invalid(ValueError):
    pass


def _blank(raw: list[str]) -> bool:
    """What the form's Optional() lets through whatever else is wrong with it: nothing given, or only spaces."""
    return not raw or not raw[0].strip()


def _number(raw: list[str], allowed) -> int | None:
    """A series or year as the form's SelectField takes it (``int(v) if v else None``, then one of its choices)."""
    if not raw:
        return None
    try:
        value = int(raw[0]) if raw[0] else None
    except ValueError:
        if _blank(raw):
            return None
        raise _Invalid from None
    if value is not None and value not in allowed():
        raise _Invalid
    return value


def read_filters(args, choices: FilterChoices) -> NoticeFilter:
    """The filters the address asks for, exactly as NoticeFilterForm validates them: any value the form would refuse
    drops every filter (the whole list is shown), and a value of spaces only is let through as it is."""
    status_raw, series_raw, year_raw, q_raw = (args.getlist(name) for name in ("status", "series_id", "year", "q"))
    try:
        status = status_raw[0] if status_raw else ""
        if status not in STATUSES and status != "" and not _blank(status_raw):
            raise _Invalid
        series_id = _number(series_raw, lambda: {id_ for id_, _code in choices.series})
        year = _number(year_raw, lambda: set(choices.years))
        q = strip_spaces(q_raw[0]) if q_raw else ""
        if len(q) > MAX_QUERY and not _blank(q_raw):
            raise _Invalid
    except _Invalid:
        return NoticeFilter(organ_id=choices.organ_id)
    return NoticeFilter(organ_id=choices.organ_id, status=status, series_id=series_id, year=year, q=q)


def _conditions(filters: NoticeFilter) -> list:
    """The list's conditions: always the organ's notices only (a person of no organ sees none)."""
    conditions = [_notices.c.organ_id == filters.organ_id]
    if filters.status:
        conditions.append(_notices.c.status == filters.status)
    if filters.series_id:
        conditions.append(_notices.c.series_id == filters.series_id)
    if filters.year:
        # Drafts have no number yet: they belong to the year they were written in.
        conditions.append(
            or_(
                _notices.c.year == filters.year,
                _notices.c.year.is_(None) & (func.extract("year", _notices.c.created_at) == filters.year),
            )
        )
    for word in filters.q.split():
        conditions.append(_notices.c.title.contains(word, autoescape=True))
    return conditions


def count_notices(filters: NoticeFilter) -> int:
    return db.session.scalar(_COUNT.where(*_conditions(filters)))


def notice_lines(filters: NoticeFilter, *, limit: int, offset: int = 0) -> list[NoticeLine]:
    """Notices matching the filters, drafts first, then the newest issued: the list's columns, no more."""
    statement = _LINES.where(*_conditions(filters))
    titles: dict[str, str] = {}
    lines = []
    rows = db.session.execute(statement, {"limit": limit, "offset": offset})
    for id_, organ, year, serial, title, corrects_id, status, returned, author, issued_at, created_at in rows:
        number = format_document_number(organ, year, serial) if None not in (organ, year, serial) else None
        state = "returned" if returned and status == NoticeStatus.draft else status
        if state not in titles:
            titles[state] = str(RETURNED_TITLE if state == "returned" else STATUS_TITLES[NoticeStatus(status)])
        lines.append(NoticeLine(id_, number, title, corrects_id, state, titles[state], author, issued_at, created_at))
    return lines
