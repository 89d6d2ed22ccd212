"""Error pages: a full page for a browser, a short fragment for htmx."""

from flask import Flask, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from app.core.access import PUBLIC, audience_of
from app.core.audit import record
from app.core.files import FileStoreUnavailable, StoredFileMissing
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
        503: (_("Service unavailable"), _("The server cannot do this at the moment; please try again later.")),
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

    @app.errorhandler(FileStoreUnavailable)
    def file_store_unavailable(exc: FileStoreUnavailable):
        """The files directory lost a file or cannot be written to: the administrator must act, so the page says
        what is wrong and the audit log keeps it (a person may only say "the download did not work")."""
        db.session.rollback()  # the request's changes, and the files it wrote with them (app/core/files.py)
        missing = isinstance(exc, StoredFileMissing)
        action = "file.missing" if missing else "file.store_failed"
        app.logger.error("%s: stored file %s (%s) at %s", action, exc.sha256, exc.reason, request.path)
        try:
            actor = current_user if current_user.is_authenticated else None
            event = record(actor, action, object_type="StoredFile", reason=exc.reason, path=request.path)
            event.object_id = exc.sha256
            db.session.commit()
        except SQLAlchemyError:  # the database may be on the same full disk: the log line above must do
            db.session.rollback()
            app.logger.exception("could not record %s in the audit log", action)
        if missing:
            message = _(
                "The stored file %(file)s is missing from the files directory. Please tell the administrator: "
                "it must be restored from a backup. The audit log records this.",
                file=exc.sha256[:12],
            )
        else:
            message = _(
                "The files directory cannot be written to (%(reason)s): the disk may be full or read-only. Nothing "
                "was saved. Please tell the administrator. The audit log records this.",
                reason=exc.reason,
            )
        return page(503, message)

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        return page(500)
