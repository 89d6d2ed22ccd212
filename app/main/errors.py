"""Error pages: a full page for a browser, a short fragment for htmx."""

from flask import Flask, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.core.access import PUBLIC, audience_of
from app.core.web import render
from app.extensions import db, login_manager


def _messages():
    return {
        400: (_("Bad request"), _("The request could not be understood.")),
        403: (_("Not allowed"), _("Your account does not have access to this page.")),
        404: (_("Not found"), _("There is nothing here, or it is not yours to see.")),
        405: (_("Not allowed"), _("This address does not accept that kind of request.")),
        413: (_("Too large"), _("The upload is larger than the server accepts.")),
        500: (_("Server error"), _("Something went wrong on the server. Nothing was saved; please try again.")),
    }


def register_error_handlers(app: Flask) -> None:
    def page(code: int, message: str | None = None):
        title, default = _messages().get(code, (str(code), ""))
        return render(
            "errors/error.html", "errors/_error.html", code=code, title=title, message=message or default
        ), code

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        # A session that ended takes its CSRF token with it: that is an expired login, not a forged form,
        # and under htmx it must answer with HX-Redirect to the login page like any other expired session.
        if not current_user.is_authenticated and audience_of(request.endpoint or "") not in (PUBLIC, None):
            return login_manager.unauthorized()
        return page(400, _("The form had expired or came from elsewhere. Go back, reload the page and send it again."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code in (400, 403, 404, 405, 413):
            return page(exc.code)
        return exc

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        return page(500)
