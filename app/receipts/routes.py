from flask import Blueprint, abort, current_app, flash, g, make_response, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.core.access import Role, bureau_required, login_required, roles_required
from app.core.files import XLSX, FileKind, extension_of, read_bytes
from app.core.forms import error_text
from app.core.mail import MailSettings
from app.core.todo import TODO_CHANGED
from app.core.web import render, rows_page, see_other, send_download, wants_partial
from app.database import writes_briefly
from app.extensions import db
from app.notices.models import Notice
from app.notices.services import own_notice
from app.receipts.cascade import district_units
from app.receipts.forms import ReceiptForm, ReminderForm, SupplementForm, receipt_form
from app.receipts.reading import read_by_a_person
from app.receipts.services import (
    ReceiptError,
    RemindedRecently,
    Reply,
    Upload,
    acknowledge,
    forward_reminder_text,
    inbox_counts,
    inbox_lines,
    latest_reminder,
    open_reminders,
    overview_xlsx,
    own_distribution,
    receipt_overview,
    record_opening,
    remind,
    remind_to_forward,
    reminders_of,
    reply_file,
    supplement,
    supplement_picker,
    units_of_groups,
)

bp = Blueprint("receipts", __name__)

PER_PAGE = 20


# The clerk's inbox and receipt


@bp.get("/inbox")
@login_required
def inbox():
    pending_only = request.args.get("pending") == "1"
    counts = inbox_counts(current_user)
    page = rows_page(
        lambda limit, offset: inbox_lines(current_user, pending_only=pending_only, limit=limit, offset=offset),
        per_page=PER_PAGE,
        total=counts.pending if pending_only else counts.all,
    )
    # Reminders are about notices not yet acknowledged, and only the whole page shows them.
    shows_reminders = counts.reminded and not wants_partial()
    return render(
        "receipts/inbox.html",
        "receipts/_inbox_list.html",
        page=page,
        counts=counts,
        reminders=open_reminders(current_user) if shows_reminders else [],
        pending_only=pending_only,
    )


@bp.post("/inbox/<int:distribution_id>/opened")
@login_required
@writes_briefly  # at nine in the morning, as many as there are schools
def opened(distribution_id: int):
    """The notice's page, fetched ahead of time, is now on the clerk's screen: record the opening (once).

    Sent by the receipt panel on load; a prerendered page sends it again when it becomes the page shown."""
    distribution = own_distribution(current_user, distribution_id) or abort(404)
    if read_by_a_person(request.headers):
        record_opening(current_user, distribution)
    return "", 204


def _reply_of(form: ReceiptForm, limit: int) -> Reply:
    # One byte past the limit is enough to know a file is too large, without reading all of it.
    files = {key: Upload(f.filename, f.read(limit + 1)) for key, f in form.uploads().items()}
    return Reply(values=form.reply_values(), files=files)


def _form_error(form: ReceiptForm) -> str:
    """The message above the form: the reply's own errors stand under their fields."""
    others = [str(e) for name, errors in form.errors.items() if not name.startswith("reply_") for e in errors]
    return " ".join(others) or _("The reply is not complete: see the fields marked below.")


@bp.post("/inbox/<int:distribution_id>/receipt")
@login_required
@writes_briefly  # 300 schools may press at the same moment: the write lock only around the UPDATE
def receipt(distribution_id: int):
    """签收, with the reply the notice asks for. htmx swaps the form for "已签收 <time> <name>" and tells the page
    (TODO_CHANGED) that the 待办 count has changed; without JavaScript the notice's page comes back."""
    distribution = own_distribution(current_user, distribution_id) or abort(404)
    form = receipt_form(distribution.notice.reply_fields)
    error = None
    if form.validate():
        limit = current_app.config["MAX_UPLOAD_BYTES"]
        try:
            distribution, made = acknowledge(current_user, distribution, _reply_of(form, limit), max_bytes=limit)
        except ReceiptError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            if not wants_partial():
                if made:
                    flash(_("Receipt recorded."), "success")
                return see_other("notices.show", notice_id=distribution.notice_id)
            response = make_response(
                render("notices/show.html", "receipts/_receipt.html", distribution=distribution, receipt_form=form)
            )
            response.headers["HX-Trigger"] = TODO_CHANGED
            return response
    else:
        error = _form_error(form)
    if not wants_partial():
        return _notice_page_with(distribution, form, error)
    context = {"distribution": distribution, "receipt_form": form, "receipt_error": error}
    return render("notices/show.html", "receipts/_receipt.html", **context, reminder=latest_reminder(distribution)), 422


def _notice_page_with(distribution, form: ReceiptForm, error: str):
    """The notice's page as its own route makes it, with the receipt form as it was sent and why it was refused
    (the receipt panel takes them from `g`): nothing typed is lost without JavaScript either."""
    g.receipt_form, g.receipt_error = form, error
    response = make_response(current_app.view_functions["notices.show"](notice_id=distribution.notice_id))
    response.status_code = 422
    return response


@bp.get("/receipts/<int:distribution_id>/files/<key>")
@login_required
def reply_file_download(distribution_id: int, key: str):
    """A file sent with a reply: for the unit that sent it and for the bureau."""
    stored, name = reply_file(current_user, distribution_id, key) or abort(404)
    return send_download(read_bytes(stored.sha256), name, FileKind(stored.content_type, extension_of(name)))


# The bureau's view of one notice


def _organ_notice(notice_id: int) -> Notice:
    """A notice of the person's own organ, else 404: another organ's receipts are its own business."""
    return own_notice(current_user, notice_id) or abort(404)


def _overview_page(notice: Notice, *, status: int = 200, **context):
    """The receipt view (or, for htmx, its table), with the reminder and 补发 forms as `context` leaves them."""
    pending_only = request.args.get("pending") == "1"
    supplement_form = context.pop("supplement_form", None) or SupplementForm(formdata=None)
    picker = context.pop("picker", None)
    if picker is None and not wants_partial() and notice.is_issued:
        picker = supplement_picker(notice, [], "")
    return render(
        "receipts/overview.html",
        "receipts/_overview_table.html",
        notice=notice,
        overview=receipt_overview(notice, pending_only=pending_only),
        pending_only=pending_only,
        reminders=reminders_of(notice),
        reminder_form=context.pop("reminder_form", None) or ReminderForm(formdata=None),
        forward_form=context.pop("forward_form", None) or ReminderForm(formdata=None, prefix="forward"),
        forward_text=forward_reminder_text(notice) if notice.is_issued else "",
        refresh_seconds=current_app.config["RECEIPTS_REFRESH_SECONDS"],
        supplement_form=supplement_form,
        picker=picker,
        **context,
    ), status


@bp.get("/notices/<int:notice_id>/receipts")
@bureau_required
def overview(notice_id: int):
    notice = _organ_notice(notice_id)
    return _overview_page(notice)


@bp.get("/notices/<int:notice_id>/receipts/districts/<int:unit_id>")
@bureau_required
def district(notice_id: int, unit_id: int):
    """One district bureau's line of the receipt view opened: the units its forwarding notice went to and their
    receipts (htmx: the list, in place; without JavaScript: a page of its own)."""
    notice = _organ_notice(notice_id)
    units = district_units(notice, unit_id) or abort(404)
    return render("receipts/district.html", "receipts/_district_units.html", notice=notice, units=units)


@bp.get("/notices/<int:notice_id>/receipts.xlsx")
@bureau_required
def overview_export(notice_id: int):
    notice = _organ_notice(notice_id)
    return send_download(overview_xlsx(notice), f"{notice.number or notice.id} 签收情况", XLSX)


# 补发


@bp.get("/notices/<int:notice_id>/receipts/supplement/choices")
@roles_required(Role.secretary, Role.admin)
def supplement_choices(notice_id: int):
    """The units the 补发 form offers, filtered by name as the secretary types (htmx), or the receipt view with
    the form so filtered (a plain GET)."""
    notice = _organ_notice(notice_id)
    form = SupplementForm(request.args)
    picker = supplement_picker(notice, form.unit_ids.data or [], form.q.data or "")
    if wants_partial():
        return render("receipts/overview.html", "receipts/_supplement_choices.html", notice=notice, picker=picker)
    return _overview_page(notice, picker=picker, supplement_form=form)


@bp.post("/notices/<int:notice_id>/receipts/supplement")
@roles_required(Role.secretary, Role.admin)
def send_supplement(notice_id: int):
    """补发 to the ticked units (and whole groups). Refused, or only filtered (the Find button, without
    JavaScript), the receipt view comes back with the same units ticked."""
    notice = _organ_notice(notice_id)
    form = SupplementForm()
    picked = form.unit_ids.data or []
    error = None
    if request.form.get("action") != "find":
        if form.validate():
            try:
                made = supplement(current_user, notice, picked + units_of_groups(notice, form.whole_groups.data or []))
            except ReceiptError as exc:
                db.session.rollback()
                error = str(exc)
            else:
                flash(ngettext("Sent to %(num)d more unit.", "Sent to %(num)d more units.", len(made)), "success")
                return see_other("receipts.overview", notice_id=notice.id, _anchor="supplement")
        else:
            error = error_text(form)
    picker = supplement_picker(notice, picked, form.q.data or "")
    return _overview_page(
        notice, status=422 if error else 200, picker=picker, supplement_form=form, supplement_error=error
    )


# Reminders (催办)


@bp.post("/notices/<int:notice_id>/reminders")
@roles_required(Role.secretary, Role.staff)
def send_reminders(notice_id: int):
    """催办. Units reminded lately (24 hours, less for an urgent notice) are not reminded again at once: the receipt
    view comes back saying who was reminded when, with a button that sends it all the same (confirm=1)."""
    notice = _organ_notice(notice_id)
    return _remind_and_answer(notice, ReminderForm(), remind, purpose="receipt")


@bp.post("/notices/<int:notice_id>/reminders/forward")
@roles_required(Role.secretary, Role.staff)
def send_forward_reminders(notice_id: int):
    """催办转发: the district bureaus that have acknowledged the notice and not forwarded it to their schools, as
    send_reminders does it."""
    notice = _organ_notice(notice_id)
    return _remind_and_answer(notice, ReminderForm(prefix="forward"), remind_to_forward, purpose="forward")


def _remind_and_answer(notice: Notice, form: ReminderForm, send, *, purpose: str):
    """Send the reminders the form asks for (`send`: remind or remind_to_forward) and say how it went: back to the
    receipt view's reminders (303), or the view asking first when some were reminded lately."""
    scope = "chosen" if request.form.get("scope") == "chosen" else "all"
    chosen = form.unit_ids.data if scope == "chosen" else None
    anchor = "remind-forward" if purpose == "forward" else "reminders"
    if form.validate():
        mail = MailSettings.from_config(current_app.config)
        confirmed = request.form.get("confirm") == "1"
        try:
            sent = send(current_user, notice, chosen, form.message.data or "", mail=mail, confirmed=confirmed)
        except RemindedRecently as exc:
            db.session.rollback()
            forms = {"forward_form" if purpose == "forward" else "reminder_form": form}
            return _overview_page(
                notice, **forms, reminder_scope=scope, reminded_recently=exc, reminded_purpose=purpose
            )
        except ReceiptError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            _flash_reminded(sent, purpose)
    else:
        flash(error_text(form), "error")
    return see_other("receipts.overview", notice_id=notice.id, _anchor=anchor)


def _flash_reminded(sent, purpose: str) -> None:
    n, emailed = len(sent), sum(1 for r in sent if r.emailed_to and not r.email_error)
    if purpose == "forward":
        text = _("Reminded %(n)d district bureaus to forward the notice (%(emailed)d by email).", n=n, emailed=emailed)
        flash(text, "success")
    else:
        flash(_("Reminded %(n)d units (%(emailed)d by email).", n=n, emailed=emailed), "success")
    failed = [r for r in sent if r.email_error]
    if failed:
        flash(
            _("%(n)d emails could not be sent; the reminders are in their inboxes all the same.", n=len(failed)),
            "error",
        )
