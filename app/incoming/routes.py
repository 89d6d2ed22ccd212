from flask import Blueprint, abort, current_app, flash, request
from flask_babel import gettext as _
from flask_login import current_user

from app.core.access import Role, login_required, roles_required
from app.core.files import DOCX, PDF, FileKind, StoredFile, extension_of, read_bytes
from app.core.forms import error_text, options
from app.core.limits import Busy
from app.core.time import today_in_china
from app.core.web import paginate, render, see_other, send_download
from app.documents.pdf import PdfConversionFailed, PdfUnavailable
from app.extensions import db
from app.incoming.forms import CirculationForm, ReadForm, RegisterFilterForm, RegisterForm, StepForm
from app.incoming.services import (
    STATE_TITLES,
    STEP_TITLES,
    IncomingError,
    OutsideDocument,
    RegisterFilter,
    StepData,
    Upload,
    available_steps,
    circulate,
    circulation_readers,
    count_entries,
    handling_units,
    holder_of,
    mark_read,
    open_assignments,
    reading_due,
    register_outside,
    register_query,
    register_years,
    take_step,
    visible_entry,
)
from app.incoming.slip import slip_docx
from app.notices.documents import convert
from app.units.models import Unit

bp = Blueprint("incoming", __name__)

PER_PAGE = 20


@bp.get("/incoming")
@login_required
def index():
    """The register of the person's organ (or unit): every entry, newest number first, by year and words."""
    holder_id = holder_of(current_user)
    form = RegisterFilterForm(request.args)
    form.year.choices = options([("", _("All"))] + [(y, str(y)) for y in register_years(holder_id)])
    filters = RegisterFilter(year=form.year.data, q=form.q.data or "") if form.validate() else RegisterFilter()
    page = paginate(register_query(holder_id, filters), per_page=PER_PAGE, total=count_entries(holder_id, filters))
    args = {k: v for k, v in {"year": filters.year, "q": filters.q}.items() if v}
    holder = db.session.get(Unit, holder_id)
    return render("incoming/index.html", "incoming/_rows.html", page=page, form=form, args=args, holder=holder)


@bp.route("/incoming/new", methods=["GET", "POST"])
@roles_required(Role.secretary, Role.clerk)
def register():
    """Register a document from outside. A refusal answers 422 with everything typed kept (the files are chosen
    again: a browser never refills a file field)."""
    form = RegisterForm()
    if request.method == "GET":
        form.received_on.data = today_in_china()
    elif form.validate_on_submit():
        limit = current_app.config["MAX_UPLOAD_BYTES"]
        uploads = [Upload(f.filename, f.read(limit + 1)) for f in form.files.data or [] if f and f.filename]
        try:
            entry = register_outside(
                current_user,
                OutsideDocument(
                    sender=form.sender.data,
                    sender_number=form.sender_number.data or "",
                    title=form.title.data,
                    received_on=form.received_on.data,
                    urgency=form.urgency.data or "",
                    files=uploads,
                ),
                max_bytes=limit,
            )
        except IncomingError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(_("Registered as %(number)s.", number=entry.number), "success")
            return see_other("incoming.show", entry_id=entry.id)
    status = 422 if form.errors or form.form_errors else 200
    return render("incoming/register.html", form=form), status


def _step_form(entry, formdata=None) -> StepForm:
    form = StepForm(formdata=formdata) if formdata is not None else StepForm(formdata=None)
    form.unit_id.choices = options([("", "—")] + [(u.id, u.name) for u in handling_units(entry)])
    return form


@bp.get("/incoming/<int:entry_id>")
@login_required
def show(entry_id: int):
    entry = visible_entry(current_user, entry_id) or abort(404)
    return _entry_page(entry)


def _circulation_form(entry) -> CirculationForm:
    form = CirculationForm(formdata=None)
    form.reader_ids.choices = options([(p.id, p.display_name) for p in circulation_readers(entry)])
    return form


def _entry_page(entry, form=None, failed_action=None, error=None, **circulation):
    return render(
        "incoming/show.html",
        entry=entry,
        may_circulate=entry.state != "closed" and current_user.has_role(Role.secretary, Role.clerk),
        circulation_form=circulation.pop("circulation_form", None) or _circulation_form(entry),
        circulation_error=circulation.pop("circulation_error", None),
        reading=reading_due(current_user, entry),
        reading_error=circulation.pop("reading_error", None),
        steps=available_steps(current_user, entry),
        assignments=open_assignments(current_user, entry),
        step_titles=STEP_TITLES,
        state_titles=STATE_TITLES,
        step_form=form or _step_form(entry),
        failed_action=failed_action,
        step_error=error,
    )


@bp.post("/incoming/<int:entry_id>/steps/<action>")
@login_required
def step(entry_id: int, action: str):
    """One step of handling. Refused, the page comes back (422) with the step's form as it was sent."""
    entry = visible_entry(current_user, entry_id) or abort(404)
    if action not in STEP_TITLES:
        abort(404)
    form = _step_form(entry, request.form)
    if not form.validate():
        return _entry_page(entry, form, action, error_text(form)), 422
    data = StepData(
        text=form.text.data or "", unit_id=form.unit_id.data, due_on=form.due_on.data, answers_id=form.answers_id.data
    )
    try:
        take_step(current_user, entry, action, data)
    except IncomingError as exc:
        db.session.rollback()
        return _entry_page(entry, form, action, str(exc)), 422
    flash(_("%(step)s recorded.", step=STEP_TITLES[action]), "success")
    return see_other("incoming.show", entry_id=entry.id)


@bp.get("/incoming/<int:entry_id>/files/<int:file_id>")
@login_required
def file(entry_id: int, file_id: int):
    entry = visible_entry(current_user, entry_id) or abort(404)
    found = next((f for f in entry.files if f.id == file_id), None) or abort(404)
    stored = db.session.get(StoredFile, found.file_sha256)
    kind = FileKind(stored.content_type, extension_of(found.filename))
    return send_download(read_bytes(stored.sha256), found.filename.rsplit(".", 1)[0], kind)


# 传阅


@bp.post("/incoming/<int:entry_id>/circulate")
@roles_required(Role.secretary, Role.clerk)
def send_round(entry_id: int):
    """Send the document round to the readers ticked, in parallel or (in_order) one after the other."""
    entry = visible_entry(current_user, entry_id) or abort(404)
    form = CirculationForm()
    form.reader_ids.choices = options([(p.id, p.display_name) for p in circulation_readers(entry)])
    if not form.validate():
        return _entry_page(entry, circulation_error=error_text(form), circulation_form=form), 422
    try:
        made = circulate(current_user, entry, form.reader_ids.data or [], in_order=bool(form.in_order.data))
    except IncomingError as exc:
        db.session.rollback()
        return _entry_page(entry, circulation_error=str(exc), circulation_form=form), 422
    flash(_("Sent round to %(n)d readers (传阅).", n=len(made)), "success")
    return see_other("incoming.show", entry_id=entry.id, _anchor="circulation")


@bp.post("/incoming/<int:entry_id>/read")
@login_required
def read(entry_id: int):
    """阅: the reader whose turn it is marks it read, with an optional comment (阅批)."""
    entry = visible_entry(current_user, entry_id) or abort(404)
    form = ReadForm()
    if not form.validate():
        return _entry_page(entry, reading_error=error_text(form)), 422
    try:
        mark_read(current_user, entry, form.comment.data or "")
    except IncomingError as exc:
        db.session.rollback()
        return _entry_page(entry, reading_error=str(exc)), 422
    flash(_("Marked read."), "success")
    return see_other("incoming.show", entry_id=entry.id, _anchor="circulation")


# The 办理单 (收文处理笺)


@bp.get("/incoming/<int:entry_id>/slip.docx")
@login_required
def slip_document(entry_id: int):
    entry = visible_entry(current_user, entry_id) or abort(404)
    return send_download(slip_docx(entry), f"{entry.number} 收文处理笺", DOCX)


@bp.get("/incoming/<int:entry_id>/slip.pdf")
@login_required
def slip_pdf(entry_id: int):
    """The slip as PDF, made now (it changes with every step): a busy machine answers 503 with the .docx instead."""
    entry = visible_entry(current_user, entry_id) or abort(404)
    docx = slip_docx(entry)
    try:
        data = convert(docx, person=current_user.id)
    except Busy:
        return render("incoming/busy.html", entry=entry), 503
    except (PdfUnavailable, PdfConversionFailed):
        return render("incoming/busy.html", entry=entry, unavailable=True), 503
    return send_download(data, f"{entry.number} 收文处理笺", PDF)
