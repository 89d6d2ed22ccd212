"""The page-or-partial rule and other response helpers shared by every feature, and the rules every request's
address must follow before a view sees it."""

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask import Flask, Request, abort, redirect, render_template, request, send_file, url_for
from flask_sqlalchemy.pagination import SelectPagination
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from app.core.files import FileKind, kind_of, safe_download_name
from app.extensions import db, htmx


def wants_partial() -> bool:
    """True for an htmx request that swaps a fragment (not boosted, not a history restore)."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(page_template: str, partial_template: str | None = None, /, **context):
    """Render the partial for an htmx fragment request, else the whole page.

    The page template includes the same partial, so both show the same markup.
    """
    if partial_template is not None and wants_partial():
        return render_template(partial_template, **context)
    return render_template(page_template, **context)


def see_other(endpoint: str, **values):
    """Redirect after a successful POST (303, so the browser GETs the next page)."""
    return redirect(url_for(endpoint, **values), code=303)


def send_download(data: bytes, name: str, kind: FileKind, *, inline: bool = False):
    """The bytes as a download named name.<extension of the kind> (shown in the browser instead when inline).

    The extension is the one of the detected type (looked up by `kind.content_type`), never one that came with
    the upload: a PDF uploaded as 进度报告.bat downloads as 进度报告.pdf, a type this app does not know as .bin.
    """
    kind = kind_of(kind.content_type)
    return send_file(
        io.BytesIO(data),
        mimetype=kind.content_type,
        as_attachment=not inline,
        download_name=safe_download_name(name, kind.extension),
    )


class _KnownTotal(SelectPagination):
    def _query_count(self) -> int:
        return self._query_args["total"]


# No list here is this long; a page past it is an address nobody was given (and one past 2**63 rows would make
# the database fail on the OFFSET).
MAX_PAGE = 1_000_000


def page_number() -> int:
    """?page= as a page number: 1 when it is absent or not a number, 404 past MAX_PAGE."""
    raw = request.args.get("page", "")
    if not (raw.isascii() and raw.isdigit()):
        return 1
    if len(raw) > len(str(MAX_PAGE)) or int(raw) > MAX_PAGE:
        abort(404)
    return max(int(raw), 1)


def paginate(select, *, per_page: int, total: int | None = None):
    """``db.paginate`` (page from ``?page=``, no 404 past the end but for absurd pages, see page_number);
    ``total`` spares its count query when the caller has counted already."""
    page = page_number()
    if total is None:
        return db.paginate(select, page=page, per_page=per_page, error_out=False)
    return _KnownTotal(select=select, session=db.session(), total=total, page=page, per_page=per_page, error_out=False)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list read as rows (a Core select, not ORM objects), with what the pager macro reads of
    Flask-SQLAlchemy's Pagination: the same numbers for the same page and total."""

    items: Sequence
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def __iter__(self):
        return iter(self.items)


def rows_page(read: Callable[[int, int], Sequence], *, per_page: int, total: int) -> Page:
    """The page ``?page=`` names (as ``paginate``: no 404 past the end), its rows read by ``read(limit, offset)``;
    the caller has counted the ``total`` already."""
    page = page_number()
    return Page(read(per_page, (page - 1) * per_page), page, per_page, total)


# Input rules

# Every id column is an INTEGER: PostgreSQL's holds up to 2**31 - 1, and SQLite's driver cannot even bind an int
# past 2**63 - 1. A larger number from an address is no object of ours.
DATABASE_INT_MAX = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: a number the database can hold, else the route does not match (404).

    Werkzeug's own passes /notices/99999999999999999999 to the view, whose query then fails in the database driver
    with a 500 (SQLite: OverflowError; PostgreSQL: integer out of range).
    """

    regex = r"\d{1,10}"

    def __init__(self, map, fixed_digits=0, min=0, max=DATABASE_INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class _DatabaseSafeArgs(ImmutableMultiDict):
    """Query and form values where ``.get(name, type=int)`` gives the default for a number the database cannot
    hold, as it does for one that is not a number: ``?parent=99999999999999999999`` is no task's id."""

    def get(self, key, default=None, type=None):
        value = super().get(key, default=default, type=type)
        if type is int and isinstance(value, int) and not -DATABASE_INT_MAX - 1 <= value <= DATABASE_INT_MAX:
            return default
        return value


class AppRequest(Request):
    parameter_storage_class = _DatabaseSafeArgs


# Control characters have no place in an address: NUL cannot reach PostgreSQL (the query fails), CR and LF would
# split a Location header (?next=). Tab is left alone.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


def refuse_control_characters():
    """before_request: 400 for a path or query value with a control character in it."""
    if _CONTROL.search(request.path) or any(
        _CONTROL.search(key) or _CONTROL.search(value) for key, value in request.args.items(multi=True)
    ):
        abort(400)


def register_input_rules(app: Flask) -> None:
    """Before the blueprints are registered (their rules are compiled with the converter of their time)."""
    app.url_map.converters["int"] = IdConverter
    app.request_class = AppRequest
    app.before_request(refuse_control_characters)
