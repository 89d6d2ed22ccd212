"""The page-or-partial rule and other response helpers shared by every feature."""

import io

from flask import redirect, render_template, send_file, url_for
from flask_sqlalchemy.pagination import SelectPagination

from app.core.files import FileKind, safe_download_name
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
    """The bytes as a download named name.<the kind's extension> (shown in the browser instead when inline)."""
    return send_file(
        io.BytesIO(data),
        mimetype=kind.content_type,
        as_attachment=not inline,
        download_name=safe_download_name(name, kind.extension),
    )


class _KnownTotal(SelectPagination):
    def _query_count(self) -> int:
        return self._query_args["total"]


def paginate(select, *, per_page: int, total: int | None = None):
    """``db.paginate`` (page from ``?page=``, no 404 past the end); ``total`` spares its count query when the
    caller has counted already."""
    if total is None:
        return db.paginate(select, per_page=per_page, error_out=False)
    return _KnownTotal(select=select, session=db.session(), total=total, per_page=per_page, error_out=False)
