from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.access import Role, bureau_required, login_required, roles_required
from app.core.files import DOCX, PDF, FileKind, StoredFile, extension_of, read_bytes
from app.core.forms import error_text
from app.core.limits import Busy
from app.core.time import today_in_china
from app.core.web import render, rows_page, see_other, send_download, wants_partial
from app.documents.pdf import PdfConversionFailed, PdfTextMissing, PdfUnavailable, pdf_available
from app.documents.text import paragraphs
from app.extensions import db, htmx
from app.notices import editor, listing
from app.notices.documents import (
    mongolian_version,
    mongolian_version_docx,
    mongolian_version_pdf,
    mongolian_versions,
    notice_docx,
    notice_pdf,
    notice_rosters,
    numbered_copy,
    render_notice_docx,
)
from app.notices.forms import (
    AttachmentForm,
    CountersignAnswerForm,
    NewSeriesForm,
    SeriesChainForm,
    SeriesCounterForm,
    StepForm,
    TranslationForm,
)
from app.notices.forwarding import forwarded_original, forwards_by_organ, may_forward, start_forward
from app.notices.jobs import files_job, may_retry_files, retry_files
from app.notices.models import DocumentSeries, Notice, NoticeStatus
from app.notices.preview import is_preview_key, notice_preview, notice_preview_key, page_png, preview_docx
from app.notices.services import (
    TRANSITIONS,
    CountersignPick,
    EditConflict,
    NoticeError,
    TranslationData,
    action_title,
    add_attachment,
    add_series,
    advance,
    answer_countersign,
    available_actions,
    corrections_of,
    countersign_choices,
    countersign_sections,
    create_draft,
    delete_draft,
    in_organ,
    lint_notice,
    list_series,
    may_edit,
    may_request_countersign,
    own_notice,
    remove_attachment,
    request_countersign,
    save_translation,
    set_chain,
    set_next_serial,
    start_correction,
    step_title,
    update_draft,
    visible_notice,
    withheld_steps,
)
from app.notices.signals import answers, copy_requested, notice_page

bp = Blueprint("notices", __name__)

secretary_only = roles_required(Role.secretary)
# Who may hold an editor open: secretaries, and staff on the drafts they wrote (a roster's adjustment notice).
drafters = roles_required(Role.secretary, Role.staff)
PER_PAGE = 20


@bp.app_template_global()
def text_paragraphs(body: str):
    return paragraphs(body)


@bp.app_template_global()
def notice_step_title(action: str) -> str:
    return step_title(action)


@bp.app_template_global()
def notice_action_title(action: str) -> str:
    return action_title(action)


# The list


@bp.get("/notices")
@bureau_required
def index():
    choices = listing.FilterChoices(current_user.organ_id)
    filters = listing.read_filters(request.args, choices)
    page = rows_page(
        lambda limit, offset: listing.notice_lines(filters, limit=limit, offset=offset),
        per_page=PER_PAGE,
        total=listing.count_notices(filters),
    )
    args = request.args.to_dict()
    if wants_partial():
        return render("notices/index.html", "notices/_list.html", page=page, args=args)
    return render("notices/index.html", form=listing.filter_form(request.args, choices), page=page, args=args)


# Drafting


@bp.route("/notices/new", methods=["GET", "POST"])
@secretary_only
def create():
    form = editor.build_form()
    if request.method == "GET":
        editor.fill_defaults(form)
    elif editor.run_action(form, request.form.get("action", "save")):
        pass  # the editor changed itself (import, fix, add a document): show it again, nothing saved
    elif form.validate():
        notice = create_draft(current_user, editor.form_data(form))
        flash(_("Draft saved."), "success")
        return see_other("notices.edit", notice_id=notice.id)
    return editor.render_editor(form, notice=None)


def _own_notice(notice_id: int) -> Notice:
    return own_notice(current_user, notice_id) or abort(404)


def _editable(notice_id: int) -> Notice:
    """The draft this person may edit (a secretary, or the draft's own author), else 404 or 403."""
    notice = _own_notice(notice_id)
    if notice.status == NoticeStatus.draft and not may_edit(current_user, notice):
        abort(403)
    return notice


@bp.route("/notices/<int:notice_id>/edit", methods=["GET", "POST"])
@drafters
def edit(notice_id: int):
    notice = _editable(notice_id)
    if notice.status != NoticeStatus.draft:
        flash(_("Only a draft can be edited. This notice is %(status)s.", status=notice.status_title), "error")
        return see_other("notices.show", notice_id=notice.id)
    form = editor.build_form(notice)
    conflict = None
    if request.method == "POST" and not editor.run_action(form, request.form.get("action", "save")):
        if form.validate():
            try:
                update_draft(current_user, notice, editor.form_data(form), int(form.version.data or 0))
            except EditConflict as exc:
                conflict = editor.compare(exc.current, form)
                form.form_errors.append(str(exc))
                # Saving again now is a deliberate choice to keep this version.
                form.version.data = str(exc.current.version)
            except NoticeError as exc:
                db.session.rollback()
                form.form_errors.append(str(exc))
            else:
                flash(_("Draft saved."), "success")
                return see_other("notices.edit", notice_id=notice.id)
    return editor.render_editor(form, notice=notice, conflict=conflict)


@bp.post("/notices/lint")
@drafters
def lint_preview():
    """htmx: the format check and the addressee line, as the secretary types."""
    form = editor.build_form()
    editor_url = request.form.get("editor_url", "")
    if not editor_url.startswith("/notices/") or "//" in editor_url:
        editor_url = url_for("notices.create")
    return editor.render_lint(form, editor_url)


@bp.post("/notices/<int:notice_id>/delete")
@drafters
def delete(notice_id: int):
    notice = _editable(notice_id)
    try:
        delete_draft(current_user, notice)
    except NoticeError as exc:
        flash(str(exc), "error")
        return see_other("notices.show", notice_id=notice_id)
    flash(_("Draft deleted."), "success")
    return see_other("notices.index")


@bp.post("/notices/<int:notice_id>/correct")
@secretary_only
def correct(notice_id: int):
    original = _own_notice(notice_id)
    try:
        draft = start_correction(current_user, original)
    except NoticeError as exc:
        flash(str(exc), "error")
        return see_other("notices.show", notice_id=notice_id)
    flash(_("A correction of %(number)s has been started as a new draft.", number=original.number), "success")
    return see_other("notices.edit", notice_id=draft.id)


# 转发


@bp.post("/notices/<int:notice_id>/forward")
@secretary_only
def forward(notice_id: int):
    """Start the organ's 转发通知 of a notice it received, as a draft of its own."""
    original = visible_notice(current_user, notice_id) or abort(404)
    try:
        draft = start_forward(current_user, original)
    except NoticeError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return see_other("notices.show", notice_id=notice_id)
    flash(_("A draft forwarding %(number)s has been started.", number=original.number), "success")
    return see_other("notices.edit", notice_id=draft.id)


# Attached files


@bp.post("/notices/<int:notice_id>/attachments")
@drafters
def attach(notice_id: int):
    """Attach a file to the draft. A refusal answers 422 with the form again, the name typed kept and the reason at
    the field; htmx swaps only the attachments panel, so nothing typed in the editor above it is lost either."""
    notice = _editable(notice_id)
    form = AttachmentForm()
    upload = form.file.data
    valid = form.validate()
    if not (upload and upload.filename):
        form.file.errors.append(_("Choose a file."))
    elif valid:
        limit = current_app.config["MAX_UPLOAD_BYTES"]
        try:
            add_attachment(
                current_user,
                notice,
                form.title.data,
                upload.read(limit + 1),
                upload.filename,
                limit,
                print_as_pages=bool(form.print_as_pages.data),
            )
        except NoticeError as exc:
            db.session.rollback()
            form.file.errors.append(_("The file was not attached: %(reason)s", reason=str(exc)))
        else:
            if wants_partial():
                fresh = AttachmentForm(formdata=None)
                return render("notices/attach.html", "notices/_attachments.html", notice=notice, attachment_form=fresh)
            flash(_("Attached: %(title)s", title=form.title.data), "success")
            return see_other("notices.edit", notice_id=notice.id)
    return render("notices/attach.html", "notices/_attachments.html", notice=notice, attachment_form=form), 422


@bp.post("/notices/<int:notice_id>/attachments/<int:attachment_id>/delete")
@drafters
def detach(notice_id: int, attachment_id: int):
    notice = _editable(notice_id)
    try:
        remove_attachment(current_user, notice, attachment_id)
    except NoticeError as exc:
        flash(str(exc), "error")
    return see_other("notices.edit", notice_id=notice.id)


@bp.get("/notices/<int:notice_id>/attachments/<int:attachment_id>")
@login_required
def attachment(notice_id: int, attachment_id: int):
    notice = visible_notice(current_user, notice_id) or abort(404)
    found = next((a for a in notice.attachments if a.id == attachment_id), None) or abort(404)
    stored = db.session.get(StoredFile, found.file_sha256)
    kind = FileKind(stored.content_type, extension_of(found.filename))
    return send_download(read_bytes(stored.sha256), found.title, kind)


# The notice and its workflow


@bp.get("/notices/<int:notice_id>")
@login_required
def show(notice_id: int):
    notice = visible_notice(current_user, notice_id) or abort(404)
    panels = answers(notice_page, notice, user=current_user)
    findings = lint_notice(notice) if not notice.is_issued and current_user.is_bureau_user else []
    corrections = corrections_of(current_user, notice)
    return render(
        "notices/show.html",
        notice=notice,
        countersign_choices=countersign_choices(notice) if may_request_countersign(current_user, notice) else [],
        countersign_form=CountersignAnswerForm(formdata=None),
        mn_version=mongolian_version(notice),
        actions=available_actions(current_user, notice),
        withheld=withheld_steps(current_user, notice),
        transitions=TRANSITIONS,
        step_form=StepForm(),
        findings=findings,
        corrections=corrections,
        forwarded_original=forwarded_original(notice, current_user),
        own_forwards=forwards_by_organ(notice, current_user.organ_id) if may_forward(current_user, notice) else [],
        rosters=notice_rosters(notice),
        pdf_ready=bool(notice.pdf_sha256) or pdf_available(),
        files_job=_files_job(notice),
        first_panels=[p.html for p in panels if p.first],
        side_panels=[p.html for p in panels if not p.first],
    )


def _files_job(notice: Notice):
    """The job making an issued notice's PDFs, while they are not all made (None otherwise)."""
    if not notice.is_issued:
        return None
    made = notice.pdf_sha256 and all(t.pdf_sha256 for t in notice.translations if t.is_frozen)
    return None if made else files_job(notice)


@bp.get("/notices/<int:notice_id>/documents")
@login_required
def documents(notice_id: int):
    """The documents panel (htmx polls it while a worker makes the PDFs); the notice's page for a plain GET. Once the
    files are made the answer tells the page (notice-files-ready), whose preview then loads."""
    notice = visible_notice(current_user, notice_id) or abort(404)
    if not wants_partial():
        return redirect(url_for("notices.show", notice_id=notice.id))
    job = _files_job(notice)
    response = make_response(_documents_panel(notice, job))
    if job is None or not job.is_open:
        response.headers["HX-Trigger"] = "notice-files-ready"
    return response


@bp.post("/notices/<int:notice_id>/documents/retry")
@roles_required(Role.secretary, Role.admin)
def retry_documents(notice_id: int):
    """Ask a worker again for the PDFs it failed to make."""
    notice = _own_notice(notice_id)
    if not may_retry_files(current_user, notice):
        abort(403)
    if retry_files(current_user, notice) is not None:
        flash(_("The PDF is being made again."), "success")
    if wants_partial():
        return _documents_panel(notice, _files_job(notice))
    return see_other("notices.show", notice_id=notice.id)


def _documents_panel(notice: Notice, job) -> str:
    """The documents panel alone, as the notice's page includes it."""
    pdf_ready = bool(notice.pdf_sha256) or pdf_available()
    return render_template("notices/_documents.html", notice=notice, files_job=job, pdf_ready=pdf_ready)


@bp.post("/notices/<int:notice_id>/steps/<action>")
@bureau_required
def step(notice_id: int, action: str):
    notice = _own_notice(notice_id)
    if action not in TRANSITIONS:
        abort(404)
    form = StepForm()
    if not form.validate():
        flash(error_text(form), "error")
        return see_other("notices.show", notice_id=notice.id)
    try:
        advance(current_user, notice, action, form.comment.data or "")
    except NoticeError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return see_other("notices.show", notice_id=notice.id)
    if action == "issued":
        flash(_("Issued as %(number)s.", number=notice.number), "success")
    else:
        flash(_("%(step)s: %(action)s.", step=step_title(action), action=action_title(action)), "success")
    return see_other("notices.show", notice_id=notice.id)


# 会签


@bp.post("/notices/<int:notice_id>/countersign")
@secretary_only
def ask_countersign(notice_id: int):
    """Ask sections to countersign: a field section-<unit id> holds the person chosen in that section."""
    notice = _own_notice(notice_id)
    form = StepForm()  # the CSRF check
    picks = []
    for section in countersign_sections(notice.organ_id):
        person = request.form.get(f"section-{section.id}", type=int)
        if person:
            picks.append(CountersignPick(unit_id=section.id, user_id=person))
    if not form.validate():
        flash(error_text(form), "error")
        return see_other("notices.show", notice_id=notice.id)
    try:
        made = request_countersign(current_user, notice, picks)
    except NoticeError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(_("Asked %(n)d sections to countersign (会签).", n=len(made)), "success")
    return see_other("notices.show", notice_id=notice.id)


@bp.post("/notices/<int:notice_id>/countersign/answer")
@login_required
def countersign(notice_id: int):
    """A section's answer; the person asked may work outside the bureau's roles (a section's clerk)."""
    notice = visible_notice(current_user, notice_id) or abort(404)
    if not in_organ(current_user, notice) and not any(c.assignee_id == current_user.id for c in notice.countersigns):
        abort(404)  # neither its organ's nor asked: a notice received from another organ is not countersigned
    form = CountersignAnswerForm()
    if not form.validate():
        flash(error_text(form), "error")
        return see_other("notices.show", notice_id=notice.id)
    try:
        answer_countersign(current_user, notice, agreed=form.answer.data == "agree", comment=form.comment.data or "")
    except NoticeError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return see_other("notices.show", notice_id=notice.id)
    flash(_("Your section's countersign (会签) is recorded."), "success")
    return see_other("notices.show", notice_id=notice.id)


# The documents


@bp.get("/notices/<int:notice_id>/document.docx")
@login_required
def document_docx(notice_id: int):
    """The notice as Word: the frozen file, or for a unit holding a numbered copy (份号) that copy."""
    notice = visible_notice(current_user, notice_id) or abort(404)
    copy = _copy_number(notice)
    docx = render_notice_docx(notice, copy_number=copy) if copy else notice_docx(notice)
    return send_download(docx, notice.number or notice.title, DOCX)


@bp.get("/notices/<int:notice_id>/document.pdf")
@login_required
def document_pdf(notice_id: int):
    notice = visible_notice(current_user, notice_id) or abort(404)
    try:
        pdf = notice_pdf(notice, person=current_user.id)
    except (PdfUnavailable, PdfConversionFailed, Busy) as exc:
        return _no_pdf(notice, exc)
    copy = _copy_number(notice)
    if copy:
        pdf = numbered_copy(notice, pdf, copy)
    return send_download(pdf, notice.number or notice.title, PDF, inline=request.args.get("inline") == "1")


def _copy_number(notice: Notice) -> int | None:
    """The 份号 of the copy the person's unit holds, when the notice went out in counted copies."""
    if not (notice.is_issued and notice.copy_numbers):
        return None
    return next(iter(answers(copy_requested, notice, user=current_user)), None)


# The preview: the document as it will print, at every stage


@bp.get("/notices/<int:notice_id>/preview")
@login_required
def preview(notice_id: int):
    """The notice's pages as images (htmx: the panel; else a page of its own)."""
    notice = visible_notice(current_user, notice_id) or abort(404)

    def image_url(key: str, page: int) -> str:
        return url_for("notices.preview_page", notice_id=notice.id, key=key, page=page)

    return _preview_panel(notice, lambda: notice_preview(notice, person=current_user.id), image_url)


@bp.get("/notices/<int:notice_id>/preview/<key>/<int:page>.png")
@login_required
def preview_page(notice_id: int, key: str, page: int):
    notice = visible_notice(current_user, notice_id) or abort(404)
    if key != notice_preview_key(notice):  # only the notice's own pages, as it stands
        abort(404)
    return _page_image(key, page)


@bp.post("/notices/preview")
@drafters
def typed_preview():
    """htmx: the editor's preview, of what the secretary has typed, saved or not."""
    form = editor.build_form()
    typed, attachments = editor.typed_notice(form, request.form.get("editor_url", ""))
    docx = render_notice_docx(typed, attachments=attachments)

    def image_url(key: str, page: int) -> str:
        return url_for("notices.typed_preview_page", key=key, page=page)

    return _preview_panel(None, lambda: preview_docx(docx, person=current_user.id), image_url)


@bp.get("/notices/preview/<key>/<int:page>.png")
@drafters
def typed_preview_page(key: str, page: int):
    return _page_image(key, page)


def _preview_panel(notice: Notice | None, make, image_url):
    try:
        shown, problem = make(), None
    except (PdfUnavailable, PdfConversionFailed, Busy) as exc:
        shown, problem = None, exc
        if isinstance(exc, PdfTextMissing):
            current_app.logger.error("Preview of notice %s not made: %s", notice.id if notice else "(typed)", exc)
    context = {
        "notice": notice,
        "preview": shown,
        "image_url": image_url,
        "problem": problem,
        "text_missing": isinstance(problem, PdfTextMissing),
        "busy": isinstance(problem, Busy),
    }
    response = render("notices/preview.html", "notices/_preview.html", **context)
    if isinstance(problem, Busy) and not htmx:  # htmx swaps only a 2xx answer: the panel asks again by itself
        return response, 503, {"Retry-After": "3"}
    return response


def _page_image(key: str, page: int):
    data = page_png(key, page) if is_preview_key(key) else None
    if data is None:
        abort(404)
    # Not cached by the browser, as nothing behind the login is (school computers are shared): drawn once on the
    # server, each image is read from disk.
    return current_app.response_class(data, mimetype="image/png")


def _no_pdf(notice: Notice, problem: Exception, docx_url: str | None = None):
    """503: no LibreOffice, a PDF refused for lost text, or conversions busy (try again in a few seconds)."""
    text_missing = isinstance(problem, PdfTextMissing)
    if text_missing:
        current_app.logger.error("PDF of notice %s not kept: %s", notice.id, problem)
    busy = isinstance(problem, Busy)
    page = render(
        "notices/pdf_unavailable.html",
        notice=notice,
        reason="" if busy else str(problem),
        text_missing=text_missing,
        busy=busy,
        mine=busy and problem.mine,
        docx_url=docx_url or url_for("notices.document_docx", notice_id=notice.id),
    )
    return page, 503, {"Retry-After": "3"} if busy else {}


# The Mongolian version


@bp.route("/notices/<int:notice_id>/translation", methods=["GET", "POST"])
@roles_required(Role.translator, Role.secretary)
def translation(notice_id: int):
    notice = _own_notice(notice_id)
    current = mongolian_version(notice)
    form = _translation_form(notice, current)
    if form.validate_on_submit():
        names = (form.attachment_titles.data or "").replace("\r\n", "\n").split("\n")
        while names and not names[-1]:
            names.pop()
        data = TranslationData(
            title=form.title.data,
            addressee_text=form.addressee_text.data or "",
            body=form.body.data or "",
            signature_organ=form.signature_organ.data or "",
            note=form.note.data or "",
            cc_text=form.cc_text.data or "",
            imprint_organ=form.imprint_organ.data or "",
            attachment_titles=names,
            documents=[
                {"title": entry.title.data or "", "body": entry.body.data or ""}
                for entry in form.documents[: len(notice.documents)]
            ],
            needs_review=form.needs_review.data,
            review_note=form.review_note.data or "",
        )
        try:
            saved = save_translation(current_user, notice, data)
        except NoticeError as exc:
            flash(str(exc), "error")
            return render("notices/translation.html", **_translation_page(notice, form)), 409
        if saved.is_frozen:
            flash(
                _(
                    "Saved as version %(n)d of the Mongolian version; the earlier ones stay as they were.",
                    n=saved.version,
                ),
                "success",
            )
        else:
            flash(_("The Mongolian version is saved."), "success")
        return see_other("notices.translation", notice_id=notice.id)
    return render("notices/translation.html", **_translation_page(notice, form)), (422 if form.errors else 200)


def _translation_page(notice: Notice, form: TranslationForm) -> dict:
    return {
        "notice": notice,
        "form": form,
        "translation": mongolian_version(notice),
        "versions": mongolian_versions(notice),
    }


def _translation_form(notice: Notice, current) -> TranslationForm:
    """The form as saved (GET) or as posted, with a pair of fields for each of the notice's distributed documents."""
    if request.method == "GET" and current:
        saved = {name: getattr(current, name) for name in ("title", "addressee_text", "body", "signature_organ")}
        saved |= {name: getattr(current, name) for name in ("note", "cc_text", "imprint_organ", "review_note")}
        form = TranslationForm(
            data=saved
            | {
                "attachment_titles": "\n".join(current.attachment_titles or []),
                "documents": list(current.documents or []),
                "needs_review": current.needs_review,
            }
        )
    else:
        form = TranslationForm()
    while len(form.documents) < len(notice.documents):
        form.documents.append_entry()
    return form


def _with_mongolian_version(notice_id: int):
    """The notice and the version of its Mongolian translation asked for (?version=N, else the newest), if this user
    may read the notice and that version exists (else 404)."""
    notice = visible_notice(current_user, notice_id) or abort(404)
    translation = mongolian_version(notice, request.args.get("version", type=int))
    if translation is None:
        abort(404)
    return notice, translation


def _mongolian_name(notice: Notice, translation) -> str:
    name = f"{notice.number or notice.title}（蒙古文）"
    return name if translation.version == 1 else f"{name}（第{translation.version}版）"


@bp.get("/notices/<int:notice_id>/mongolian.docx")
@login_required
def mongolian_docx(notice_id: int):
    notice, translation = _with_mongolian_version(notice_id)
    return send_download(mongolian_version_docx(notice, translation), _mongolian_name(notice, translation), DOCX)


@bp.get("/notices/<int:notice_id>/mongolian.pdf")
@login_required
def mongolian_document_pdf(notice_id: int):
    notice, translation = _with_mongolian_version(notice_id)
    try:
        pdf = mongolian_version_pdf(notice, translation, person=current_user.id)
    except (PdfUnavailable, PdfConversionFailed, Busy) as exc:
        docx_url = url_for("notices.mongolian_docx", notice_id=notice.id, version=translation.version)
        return _no_pdf(notice, exc, docx_url)
    name = _mongolian_name(notice, translation)
    return send_download(pdf, name, PDF, inline=request.args.get("inline") == "1")


# Document series (admin)


def _own_series(series_id: int | None) -> DocumentSeries:
    """A document series of the admin's own organ, else 404: an organ numbers only in its own series."""
    target = db.session.get(DocumentSeries, series_id or 0)
    if target is None or target.unit_id != current_user.organ_id:
        abort(404)
    return target


@bp.post("/admin/series/<int:series_id>/chain")
@roles_required(Role.admin)
def series_chain(series_id: int):
    target = _own_series(series_id)
    form = SeriesChainForm(prefix=f"series-{target.id}")
    if form.validate():
        set_chain(current_user, target, review_count=form.review_count.data, countersign=form.countersign.data)
        flash(_("The steps of %(series)s are saved.", series=target.organ_code), "success")
    else:
        flash(error_text(form), "error")
    return redirect(url_for("notices.series"), code=303)


@bp.post("/admin/series/new")
@roles_required(Role.admin)
def series_create():
    """A new document series of the admin's organ; refused, the series page comes back with what was typed."""
    form = NewSeriesForm()
    if form.validate():
        try:
            made = add_series(
                current_user, organ_code=form.organ_code.data, name=form.name.data, header_mark=form.header_mark.data
            )
        except NoticeError as exc:
            db.session.rollback()
            form.organ_code.errors.append(str(exc))
        else:
            flash(_("The series %(code)s is made: its first notice is numbered 1.", code=made.organ_code), "success")
            return redirect(url_for("notices.series"), code=303)
    return _series_page(SeriesCounterForm(formdata=None), None, new_form=form), 422


@bp.route("/admin/series", methods=["GET", "POST"])
@roles_required(Role.admin)
def series():
    form = SeriesCounterForm()
    chosen = request.args.get("series_id", type=int) or request.form.get("series_id", type=int)
    if request.method == "POST":
        target = _own_series(chosen)
        if form.validate():
            try:
                set_next_serial(target, form.year.data, form.next_serial.data)
                db.session.commit()
            except NoticeError as exc:
                db.session.rollback()
                form.next_serial.errors.append(str(exc))
            else:
                from app.notices.models import format_document_number

                flash(
                    _(
                        "The next notice of %(year)d in this series will be %(number)s.",
                        year=form.year.data,
                        number=format_document_number(target.organ_code, form.year.data, form.next_serial.data),
                    ),
                    "success",
                )
                return redirect(url_for("notices.series"), code=303)
    return _series_page(form, chosen), (422 if form.errors else 200)


def _series_page(form, chosen, new_form=None):
    own = list_series(current_user.organ_id)
    chains = {s.id: SeriesChainForm(formdata=None, obj=s, prefix=f"series-{s.id}") for s in own}
    return render(
        "notices/series.html",
        series_list=own,
        form=form,
        chains=chains,
        chosen=chosen,
        current_year=today_in_china().year,
        new_form=new_form or NewSeriesForm(formdata=None),
    )
