"""The page-or-partial rule and other response helpers shared by every feature."""

from flask import redirect, render_template, url_for

from app.extensions import htmx


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
