from flask import Blueprint, abort, current_app, flash, request
from flask_babel import gettext as _
from flask_login import current_user

from app.core.access import Role, bureau_required, login_required, roles_required
from app.core.files import XLSX
from app.core.forms import error_text
from app.core.mail import MailSettings
from app.core.web import paginate, render, see_other, send_download, wants_partial
from app.database import writes_briefly
from app.extensions import db
from app.notices.models import Notice
from app.receipts.forms import ReceiptForm, ReminderForm
from app.receipts.reading import read_by_a_person
from app.receipts.services import (
    ReceiptError,
    Reply,
    acknowledge,
    inbox_counts,
    inbox_query,
    open_reminders,
    overview_xlsx,
    own_distribution,
    receipt_overview,
    record_opening,
    remind,
    reminders_of,
)

bp = Blueprint("receipts", __name__)

PER_PAGE = 20


# The clerk's inbox and receipt


@bp.get("/inbox")
@login_required
def inbox():
    pending_only = request.args.get("pending") == "1"
    counts = inbox_counts(current_user)
    query = inbox_query(current_user, pending_only=pending_only)
    page = paginate(query, per_page=PER_PAGE, total=counts["pending" if pending_only else "all"])
    partial = wants_partial()
    return render(
        "receipts/inbox.html",
        "receipts/_inbox_list.html",
        page=page,
        counts=counts,
        # Reminders are about notices not yet acknowledged, and only the whole page shows them.
        reminders=open_reminders(current_user) if counts["pending"] and not partial else [],
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


@bp.post("/inbox/<int:distribution_id>/receipt")
@login_required
@writes_briefly  # 300 schools may press at the same moment: the write lock only around the UPDATE
def receipt(distribution_id: int):
    """签收. htmx swaps the button for "已签收 <time> <name>"; without JavaScript the page comes back."""
    distribution = own_distribution(current_user, distribution_id) or abort(404)
    form = ReceiptForm()
    error = None
    if form.validate():
        reply = Reply(form.reply_participants.data or "", form.reply_phone.data or "", form.reply_text.data or "")
        try:
            distribution, made = acknowledge(
                current_user, distribution, reply if distribution.notice.reply_requested else None
            )
        except ReceiptError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            if not wants_partial():
                if made:
                    flash(_("Receipt recorded."), "success")
                return see_other("notices.show", notice_id=distribution.notice_id)
    else:
        error = error_text(form)
    if error and not wants_partial():
        flash(error, "error")
        return see_other("notices.show", notice_id=distribution.notice_id)
    return render(
        "notices/show.html", "receipts/_receipt.html", distribution=distribution, receipt_form=form, receipt_error=error
    ), (422 if error else 200)


# The bureau's view of one notice


@bp.get("/notices/<int:notice_id>/receipts")
@bureau_required
def overview(notice_id: int):
    notice = db.session.get(Notice, notice_id) or abort(404)
    pending_only = request.args.get("pending") == "1"
    return render(
        "receipts/overview.html",
        "receipts/_overview_table.html",
        notice=notice,
        overview=receipt_overview(notice, pending_only=pending_only),
        pending_only=pending_only,
        reminders=reminders_of(notice),
        reminder_form=ReminderForm(formdata=None),
        refresh_seconds=current_app.config["RECEIPTS_REFRESH_SECONDS"],
    )


@bp.get("/notices/<int:notice_id>/receipts.xlsx")
@bureau_required
def overview_export(notice_id: int):
    notice = db.session.get(Notice, notice_id) or abort(404)
    return send_download(overview_xlsx(notice), f"{notice.number or notice.id} 签收情况", XLSX)


@bp.post("/notices/<int:notice_id>/reminders")
@roles_required(Role.secretary, Role.staff)
def send_reminders(notice_id: int):
    notice = db.session.get(Notice, notice_id) or abort(404)
    form = ReminderForm()
    chosen = form.unit_ids.data if request.form.get("scope") == "chosen" else None
    if form.validate():
        mail = MailSettings.from_config(current_app.config)
        try:
            sent = remind(current_user, notice, chosen, form.message.data or "", mail=mail)
        except ReceiptError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            emailed = sum(1 for r in sent if r.emailed_to and not r.email_error)
            flash(_("Reminded %(n)d units (%(emailed)d by email).", n=len(sent), emailed=emailed), "success")
            failed = [r for r in sent if r.email_error]
            if failed:
                flash(
                    _(
                        "%(n)d emails could not be sent; the reminders are in their inboxes all the same.",
                        n=len(failed),
                    ),
                    "error",
                )
    else:
        flash(error_text(form), "error")
    return see_other("receipts.overview", notice_id=notice.id, _anchor="reminders")
