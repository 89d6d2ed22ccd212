"""The draft editor's form: building it, its in-place actions, and what it shows.

The editor is one form. Besides saving, its buttons change the form itself
without saving anything: import a .docx, apply a lint fix, add or remove a
distributed document. Each re-renders the editor with what the secretary typed,
so nothing is ever lost; with htmx only the editor is swapped, without
JavaScript the whole page comes back.
"""

import difflib
from dataclasses import asdict, replace
from datetime import date

from flask import current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from app.core.forms import options
from app.core.time import utcnow
from app.core.web import render
from app.documents.docx_import import DocxImportError, import_docx
from app.documents.lint import Finding, apply_fix, lint
from app.extensions import db
from app.notices.forms import MAX_BODY, MAX_REPLY_FIELDS, USUAL_REPLY_FIELDS, AttachmentForm, NoticeForm
from app.notices.models import DocumentSeries, Notice, NoticeAttachment, NoticeStatus
from app.notices.services import (
    DocumentText,
    NoticeData,
    apply_data,
    classification_refusal,
    imprint_organ_of,
    in_organ,
    lint_fields,
    list_series,
    notice_data,
)
from app.units.addressees import CC_SEPARATOR, LIST_SEPARATOR, Addressees, names_in
from app.units.models import Organ, Unit, UnitGroup
from app.units.organs import organ_of, units_sent_to_by


def editor_organ_id(notice: Notice | None) -> int | None:
    """The organ whose draft the editor holds: the saved draft's, or the secretary's own for a new one."""
    return notice.organ_id if notice is not None else current_user.organ_id


def _fill_choices(form: NoticeForm, organ_id: int | None) -> None:
    """The organ's own series, the groups it keeps and the units it sends to (app/units/organs.py)."""
    series = list_series(organ_id)
    form.series_id.choices = options([(s.id, f"{s.organ_code}（{s.name}）") for s in series])
    groups = db.session.scalars(
        select(UnitGroup).where(UnitGroup.organ_id == organ_id).order_by(UnitGroup.sort_order, UnitGroup.id)
    ).all()
    active = db.session.scalars(select(Unit).where(Unit.is_active.is_(True)).order_by(Unit.sort_order, Unit.id)).all()
    units = units_sent_to_by(organ_id, list(active)) if organ_id is not None else []
    for field in (form.addressee_groups, form.cc_groups):
        field.choices = options([(g.id, g.name) for g in groups])
    for field in (form.addressee_units, form.cc_units):
        field.choices = options([(u.id, u.name) for u in units])


def build_form(notice: Notice | None = None) -> NoticeForm:
    """The form from the request, or (GET) from the stored draft."""
    if request.method == "GET" and notice is not None:
        form = NoticeForm(data=_form_values(notice_data(notice), version=notice.version))
    else:
        form = NoticeForm()
    _fill_choices(form, editor_organ_id(notice))
    return form


def _form_values(data: NoticeData, *, version: int) -> dict:
    """NoticeData as the form's fields name it (the addressees as four lists of ids)."""
    values = asdict(data)
    del values["addressees"], values["cc"], values["signers"], values["joint_organs"], values["meeting"]
    meeting = data.meeting or {}
    return values | {
        "signers_text": LIST_SEPARATOR.join(data.signers),
        "joint_organs_text": "\n".join(joint_organ_line(o) for o in data.joint_organs),
        "meeting_date": _date_or_none(meeting.get("date")),
        "meeting_place": meeting.get("place", ""),
        "meeting_chair": meeting.get("chair", ""),
        "meeting_attendees": LIST_SEPARATOR.join(meeting.get("attendees", [])),
        "meeting_observers": LIST_SEPARATOR.join(meeting.get("observers", [])),
        "meeting_absent": LIST_SEPARATOR.join(meeting.get("absent", [])),
        "addressee_groups": list(data.addressees.group_ids),
        "addressee_units": list(data.addressees.unit_ids),
        "addressee_others": LIST_SEPARATOR.join(data.addressees.others),
        "cc_groups": list(data.cc.group_ids),
        "cc_units": list(data.cc.unit_ids),
        "cc_others": LIST_SEPARATOR.join(data.cc.others),
        "version": str(version),
    }


def fill_defaults(form: NoticeForm) -> None:
    """A new draft starts with the organ's usual series, signature and imprint."""
    if form.series_id.choices:
        form.series_id.data = form.series_id.choices[0].value
    organ = organ_of(current_user.unit_id)
    if organ is not None:
        form.signature_organ.data = organ.signature_name or organ.name
        form.imprint_organ.data = organ.imprint_name or imprint_organ_of(organ.unit)
    form.with_seal.data = True


def form_data(form: NoticeForm) -> NoticeData:
    """What the editor holds, as a draft's data."""
    reply_fields = _reply_fields(form)
    return NoticeData(
        title=form.title.data or "",
        series_id=form.series_id.data or None,
        kind=form.kind.data or "文件",
        addressees=Addressees.of(
            form.addressee_groups.data, form.addressee_units.data, names_in(form.addressee_others.data)
        ),
        cc=Addressees.of(form.cc_groups.data, form.cc_units.data, names_in(form.cc_others.data)),
        body=form.body.data or "",
        documents=[DocumentText(e.form.title.data or "", e.form.body.data or "") for e in form.documents.entries],
        signature_organ=form.signature_organ.data or "",
        signed_on=form.signed_on.data,
        with_seal=bool(form.with_seal.data),
        note=form.note.data or "",
        imprint_organ=form.imprint_organ.data or "",
        imprinted_on=form.imprinted_on.data,
        label_documents_as_attachments=bool(form.label_documents_as_attachments.data),
        reply_requested=bool(reply_fields),
        reply_fields=reply_fields,
        ack_due_on=form.ack_due_on.data,
        urgency=form.urgency.data or "",
        copy_numbers=bool(form.copy_numbers.data),
        classification=form.classification.data or "",
        classification_period=form.classification_period.data or "",
        upward=bool(form.upward.data),
        signers=list(names_in(form.signers_text.data)),
        joint_organs=joint_organs_in(form.joint_organs_text.data),
        disclosure=form.disclosure.data or "",
        disclosure_reason=(form.disclosure_reason.data or "") if form.disclosure.data == "不予公开" else "",
        meeting=_meeting(form) if form.kind.data == "纪要" else {},
    )


def joint_organ_line(organ: dict) -> str:
    return organ["name"] + (f"：{organ['signer']}" if organ.get("signer") else "")


def joint_organs_in(text: str | None) -> list[dict]:
    """The lines of the joint organs' field: 乌海市财政局 or 乌海市财政局：李明 (who signed for it)."""
    organs = []
    for line in (text or "").splitlines():
        name, _colon, signer = line.replace(":", "：").partition("：")
        if name.strip(" \t\u3000"):
            organ = {"name": name.strip(" \t\u3000")}
            if signer.strip(" \t\u3000"):
                organ["signer"] = signer.strip(" \t\u3000")
            organs.append(organ)
    return organs


def _meeting(form: NoticeForm) -> dict:
    meeting = {
        "date": form.meeting_date.data.isoformat() if form.meeting_date.data else "",
        "place": form.meeting_place.data or "",
        "chair": form.meeting_chair.data or "",
        "attendees": list(names_in(form.meeting_attendees.data)),
        "observers": list(names_in(form.meeting_observers.data)),
        "absent": list(names_in(form.meeting_absent.data)),
    }
    return {key: value for key, value in meeting.items() if value}


def _date_or_none(text: str | None):
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _reply_fields(form: NoticeForm) -> list[dict]:
    """The reply's fields as the notice keeps them: those with a label, keyed by their place (f1, f2, …)."""
    rows = [e.form for e in form.reply_fields.entries if (e.form.label.data or "").strip()]
    return [
        {"key": f"f{n}", "label": row.label.data, "type": row.type.data or "text", "required": bool(row.required.data)}
        for n, row in enumerate(rows, start=1)
    ]


def _within_limits(text: str) -> str:
    # A text over the length limit is refused anyway; checking its format would only keep the secretary waiting for
    # the refusal.
    return text if len(text) <= MAX_BODY else ""


def _lint_form_fields(form: NoticeForm) -> dict[str, str]:
    data = form_data(form)
    data = replace(
        data,
        title=_within_limits(data.title),
        body=_within_limits(data.body),
        note=_within_limits(data.note),
        documents=[DocumentText(_within_limits(d.title), _within_limits(d.body)) for d in data.documents],
    )
    cc_text = data.cc.line(closing="", separator=CC_SEPARATOR)
    return lint_fields(data, addressee_text=data.addressees.line(), cc_text=cc_text)


def _draft_at(editor_url: str) -> Notice | None:
    """The saved draft that the editor at this address edits; None for a new draft's editor."""
    try:
        endpoint, args = current_app.create_url_adapter(request).match(
            editor_url.removeprefix(request.script_root), method="POST"
        )
    except HTTPException:
        return None
    if endpoint != "notices.edit":
        return None
    notice = db.session.get(Notice, args["notice_id"])
    return notice if notice is not None and in_organ(current_user, notice) else None


def _lint_form(form: NoticeForm, notice: Notice | None) -> tuple[dict[str, str], list[Finding]]:
    """The editor's fields and their findings. Files are attached to the saved draft, not to the form: the
    document prints its 附件说明 from them, so the check must know them to see a 附件说明 typed into the text."""
    fields = _lint_form_fields(form)
    return fields, lint(fields, attachments=[a.title for a in notice.attachments] if notice else [])


def typed_notice(form: NoticeForm, editor_url: str) -> tuple[Notice, list[str]]:
    """What the editor holds, as a Notice that is never added to the session, and the attached files' names: what
    the editor's preview renders, with the code that renders a saved draft."""
    saved = _draft_at(editor_url)
    notice = Notice(
        id=saved.id if saved else None,
        status=NoticeStatus.draft.value,
        created_at=saved.created_at if saved else utcnow(),
        organ_id=editor_organ_id(saved),
    )
    data = form_data(form)
    if classification_refusal(data.classification):
        # Refused when saved, with its reason at the field; the preview shows the rest meanwhile.
        data = replace(data, classification="", classification_period="")
    apply_data(notice, data)
    notice.series = db.session.get(DocumentSeries, notice.series_id) if notice.series_id else None
    notice.organ = db.session.get(Organ, notice.organ_id) if notice.organ_id else None
    if saved:
        # The saved draft's files, those printed as pages among them, as its own rendering has them.
        notice.attachments = [
            NoticeAttachment(
                title=a.title, filename=a.filename, file_sha256=a.file_sha256, print_as_pages=a.print_as_pages
            )
            for a in saved.attachments
        ]
    return notice, [a.title for a in saved.attachments] if saved else []


def finding_key(finding: Finding) -> str:
    return f"{finding.field}|{finding.line}|{finding.start}|{finding.end}|{finding.rule}"


def _field_for(form: NoticeForm, key: str):
    if key in ("title", "body", "note"):
        return getattr(form, key)
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "documents" and parts[1].isdigit() and parts[2] in ("title", "body"):
        entries = form.documents.entries
        index = int(parts[1])
        if index < len(entries):
            return getattr(entries[index].form, parts[2])
    return None


def _apply_fix(form: NoticeForm, key: str) -> None:
    # A fix is posted to the editor's own address.
    _fields, findings = _lint_form(form, _draft_at(request.path))
    wanted = [f for f in findings if finding_key(f) == key]
    field = _field_for(form, key.split("|", 1)[0])
    if not wanted or wanted[0].fix is None or field is None:
        flash(_("That correction no longer applies: the text has changed since. The list below is up to date."), "info")
        return
    try:
        field.data = apply_fix(field.data or "", wanted[0])
    except ValueError:
        flash(_("That correction no longer applies: the text has changed since. The list below is up to date."), "info")


def _match_addressees(form: NoticeForm, text: str) -> list[str]:
    """Pick the groups and units an imported addressee line names; return the names not found."""
    names = [n for n in text.rstrip("：:").split("、") if n.strip()]
    groups = {g.label: g.value for g in form.addressee_groups.choices}
    units = {u.label: u.value for u in form.addressee_units.choices}
    short_names = {u.short_name: u.id for u in db.session.scalars(select(Unit)) if u.short_name}
    picked_groups, picked_units, unknown = [], [], []
    for name in names:
        name = name.strip()
        if name in groups:
            picked_groups.append(groups[name])
        elif name in units:
            picked_units.append(units[name])
        elif name in short_names:
            picked_units.append(short_names[name])
        else:
            unknown.append(name)
    form.addressee_groups.data = picked_groups
    form.addressee_units.data = picked_units
    return unknown


def _import(form: NoticeForm) -> None:
    upload = form.import_file.data
    if not upload or not getattr(upload, "filename", ""):
        form.import_file.errors = [_("Choose a .docx file to import.")]
        return
    data = upload.read(current_app.config["MAX_UPLOAD_BYTES"] + 1)
    try:
        draft = import_docx(data, max_bytes=current_app.config["MAX_UPLOAD_BYTES"])
    except DocxImportError as exc:
        form.import_file.errors = [str(exc)]
        return
    if form.import_target.data == "document":
        form.documents.append_entry({"title": draft.title, "body": draft.body})
        flash(
            _("The file was added as distributed document %(n)d. Check it, then save.", n=len(form.documents.entries)),
            "success",
        )
    else:
        if draft.title:
            form.title.data = draft.title
        form.body.data = draft.body
        if draft.signature_organ:
            form.signature_organ.data = draft.signature_organ
        if draft.signed_on:
            form.signed_on.data = draft.signed_on
        _import_elements(form, draft)
        if draft.addressee_text:
            unknown = _match_addressees(form, draft.addressee_text)
            if unknown:
                flash(
                    _(
                        "These addressees are not groups or units here; pick them by hand: %(names)s",
                        names="、".join(unknown),
                    ),
                    "error",
                )
        flash(_("The text was imported. Check it, then save."), "success")
    for warning in draft.warnings:
        flash(warning, "info")


def _import_elements(form: NoticeForm, draft) -> None:
    """The elements of GB/T 9704 the file shows, into their fields: a 密级 as the file says it (saving refuses it
    with its reason on a network not approved for it, and the import's warning says so at once)."""
    if draft.kind:
        form.kind.data = draft.kind
    for name in ("urgency", "classification", "classification_period", "disclosure", "disclosure_reason"):
        if getattr(draft, name):
            getattr(form, name).data = getattr(draft, name)
    if draft.copy_number:
        form.copy_numbers.data = True
    if draft.signers:
        form.upward.data = True
        form.signers_text.data = LIST_SEPARATOR.join(draft.signers)
    if draft.joint_organs:
        form.joint_organs_text.data = "\n".join(draft.joint_organs)
    if draft.cc_text and not (form.cc_groups.data or form.cc_units.data or form.cc_others.data):
        form.cc_others.data = LIST_SEPARATOR.join(names_in(draft.cc_text.replace("，", "、").replace(",", "、")))
    for key, field in (
        ("attendees", form.meeting_attendees),
        ("observers", form.meeting_observers),
        ("absent", form.meeting_absent),
    ):
        if draft.meeting.get(key):
            field.data = LIST_SEPARATOR.join(draft.meeting[key])


def run_action(form: NoticeForm, action: str) -> bool:
    """Carry out an in-place action; False for "save" (the caller validates and saves)."""
    if action.startswith("fix:"):
        _apply_fix(form, action[4:])
    elif action == "add_document":
        form.documents.append_entry()
    elif action == "add_reply_field" and len(form.reply_fields.entries) < MAX_REPLY_FIELDS:
        form.reply_fields.append_entry()
    elif action == "usual_reply_fields":
        for usual in USUAL_REPLY_FIELDS:
            if len(form.reply_fields.entries) < MAX_REPLY_FIELDS:
                form.reply_fields.append_entry(usual)
    elif action.startswith("remove_reply_field:"):
        index = action.split(":", 1)[1]
        if index.isdigit() and int(index) < len(form.reply_fields.entries):
            form.reply_fields.entries.pop(int(index))
    elif action.startswith("remove_document:"):
        index = action.split(":", 1)[1]
        if index.isdigit() and int(index) < len(form.documents.entries):
            form.documents.entries.pop(int(index))
    elif action == "import":
        _import(form)
    else:
        return False
    return True


# What the editor shows


def compare(current: Notice, form: NoticeForm) -> list[dict]:
    """The fields where the saved draft and the editor differ, with a line diff of long texts."""
    theirs, mine = asdict(notice_data(current)), asdict(form_data(form))
    labels = {
        "title": form.title.label.text,
        "body": form.body.label.text,
        "note": form.note.label.text,
        "signature_organ": form.signature_organ.label.text,
    }
    rows = []
    for key, label in labels.items():
        a, b = theirs.get(key) or "", mine.get(key) or ""
        if a != b:
            rows.append({"label": label, "theirs": a, "mine": b, "diff": _diff(a, b)})
    if [d for d in theirs["documents"]] != [d for d in mine["documents"]]:
        a = "\n\n".join(f"{d['title']}\n{d['body']}" for d in theirs["documents"])
        b = "\n\n".join(f"{d['title']}\n{d['body']}" for d in mine["documents"])
        rows.append({"label": _("Distributed documents"), "theirs": a, "mine": b, "diff": _diff(a, b)})
    return rows


def _diff(theirs: str, mine: str) -> Markup:
    """A line diff: lines only in theirs struck through, lines only in mine underlined."""
    out = []
    for line in difflib.ndiff(theirs.splitlines(), mine.splitlines()):
        tag, text = line[:2], escape(line[2:])
        if tag == "- ":
            out.append(Markup('<del class="theirs">{}</del>').format(text))
        elif tag == "+ ":
            out.append(Markup('<ins class="mine">{}</ins>').format(text))
        elif tag == "  ":
            out.append(Markup("<span>{}</span>").format(text))
    return Markup("<br>").join(out)


def render_lint(form: NoticeForm, editor_url: str):
    """Only the lint panel; its fix buttons post the editor form to editor_url."""
    fields, findings = _lint_form(form, _draft_at(editor_url))
    return render(
        "notices/edit.html",
        "notices/_lint.html",
        form=form,
        findings=findings,
        addressee_preview=fields["addressee_text"],
        cc_preview=fields["cc_text"],
        field_labels=_field_labels(form),
        action_url=editor_url,
    )


def _field_labels(form: NoticeForm) -> dict[str, str]:
    labels = {
        "title": form.title.label.text,
        "addressee_text": _("Addressees"),
        "cc_text": _("Copy to (抄送)"),
        "body": form.body.label.text,
        "note": form.note.label.text,
    }
    for index, _entry in enumerate(form.documents.entries):
        labels[f"documents.{index}.title"] = _("Distributed document %(n)d, title", n=index + 1)
        labels[f"documents.{index}.body"] = _("Distributed document %(n)d, text", n=index + 1)
    return labels


def render_editor(form: NoticeForm, notice: Notice | None, conflict=None):
    fields, findings = _lint_form(form, notice)
    action_url = url_for("notices.edit", notice_id=notice.id) if notice else url_for("notices.create")
    status = 422 if (form.errors or form.form_errors or conflict) else 200
    return render(
        "notices/edit.html",
        "notices/_editor.html",
        form=form,
        notice=notice,
        findings=findings,
        addressee_preview=fields["addressee_text"],
        cc_preview=fields["cc_text"],
        field_labels=_field_labels(form),
        action_url=action_url,
        conflict=conflict,
        user=current_user,
        attachment_form=AttachmentForm(formdata=None),
    ), status
