"""Notices: drafting, the workflow (拟稿 → 核稿 → 签发 → 印发), numbering, issue.

Services take the acting user and plain data, enforce the rules, and commit or
leave the database as it was. They never read the request.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, load_only, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.auth.models import User, name_of
from app.core.access import Role, permission
from app.core.audit import record
from app.core.files import DOCX, JPEG, OFD, PDF, PNG, PPTX, XLSX, ZIP, FileRejected, kind_of, store_upload
from app.core.settings import get_setting
from app.core.time import CHINA, utcnow
from app.database import insert_ignoring_conflict
from app.documents.attachment_pages import AttachmentUnprintable, check_printable
from app.documents.gongwen import PrintedAttachment
from app.documents.lint import Finding, blocking, lint
from app.extensions import db
from app.notices.documents import freeze_docx, freeze_translation
from app.notices.jobs import ask_for_files
from app.notices.models import (
    Countersign,
    DocumentSeries,
    Notice,
    NoticeAttachment,
    NoticeDocument,
    NoticeEvent,
    NoticeStatus,
    NoticeTranslation,
    SerialCounter,
    format_document_number,
)
from app.notices.signals import answers, may_read_notice, notice_issued
from app.units.addressees import CC_SEPARATOR, Addressees
from app.units.models import Unit
from app.units.organs import organ_id_of


class NoticeError(ValueError):
    """A step the rules refuse; the message is shown to the user and nothing is saved."""


class EditConflict(NoticeError):
    """Someone else saved the draft since this editor was opened."""

    def __init__(self, current: Notice):
        super().__init__(
            _(
                "Someone else saved this draft while you were editing it. Nothing you typed is lost: "
                "compare the two versions below, then save yours again or take theirs."
            )
        )
        self.current = current


# The workflow: action → (allowed from, goes to, role, step of the 公文 process)
STEPS = {
    "drafted": _l("Drafting (拟稿)"),
    "edited": _l("Drafting (拟稿)"),
    "submitted": _l("Drafting (拟稿)"),
    "approved": _l("Review (核稿)"),
    "returned": _l("Review (核稿)"),
    "countersign_requested": _l("Countersign (会签)"),
    "countersign_agreed": _l("Countersign (会签)"),
    "countersign_disagreed": _l("Countersign (会签)"),
    "signed": _l("Sign-off (签发)"),
    "declined": _l("Sign-off (签发)"),
    "issued": _l("Issue (印发)"),
    "imported": _l("Issue (印发)"),
    "supplemented": _l("Issue (印发)"),
}

ACTION_TITLES = {
    "drafted": _l("Drafted"),
    "edited": _l("Edited the draft"),
    "submitted": _l("Submitted for review"),
    "approved": _l("Approved"),
    "returned": _l("Returned with comments"),
    "countersign_requested": _l("Asked sections to countersign"),
    "countersign_agreed": _l("Agreed"),
    "countersign_disagreed": _l("Disagreed"),
    "signed": _l("Signed off"),
    "declined": _l("Sent back by the signer"),
    "issued": _l("Issued"),
    "imported": _l("Imported from another system"),
    "supplemented": _l("Sent to more units (补发)"),
}


@dataclass(frozen=True)
class Transition:
    action: str
    source: frozenset[str]
    target: str
    role: Role
    needs_comment: bool = False


TRANSITIONS = {
    t.action: t
    for t in [
        Transition("submitted", frozenset({NoticeStatus.draft}), NoticeStatus.in_review, Role.secretary),
        Transition("approved", frozenset({NoticeStatus.in_review}), NoticeStatus.approved, Role.reviewer),
        Transition("returned", frozenset({NoticeStatus.in_review}), NoticeStatus.draft, Role.reviewer, True),
        Transition("signed", frozenset({NoticeStatus.approved}), NoticeStatus.signed, Role.signer),
        Transition("declined", frozenset({NoticeStatus.approved}), NoticeStatus.draft, Role.signer, True),
        Transition("issued", frozenset({NoticeStatus.signed}), NoticeStatus.issued, Role.secretary),
    ]
}


def step_title(action: str) -> str:
    return str(STEPS.get(action, action))


def action_title(action: str) -> str:
    return str(ACTION_TITLES.get(action, action))


# Numbering


def set_chain(actor, series: DocumentSeries, *, review_count: int, countersign: str) -> None:
    """The steps the series' notices go through from now on; notices already under way follow it from their next
    step (a second reviewer, a 会签 required before sign-off)."""
    if review_count not in (1, 2):
        raise NoticeError(_("核稿 is done by one or by two reviewers."))
    series.review_count = review_count
    series.countersign = Countersigning(countersign).value
    record(actor, "series.chain", series, review_count=review_count, countersign=series.countersign)
    db.session.commit()


def set_next_serial(series: DocumentSeries, year: int, next_serial: int) -> SerialCounter:
    """Continue a series from paper numbering: the next notice issued in that year gets next_serial.

    A serial already used that year cannot be handed out again, so the counter cannot go below it.
    """
    if next_serial < 1:
        raise NoticeError(_("Serials start at 1."))
    highest = db.session.scalar(
        select(func.max(Notice.serial)).where(Notice.series_id == series.id, Notice.year == year)
    )
    if highest is not None and next_serial <= highest:
        raise NoticeError(
            _(
                "%(number)s is already issued: the next serial must be at least %(next)d.",
                number=format_number(series, year, highest),
                next=highest + 1,
            )
        )
    counter = db.session.get(SerialCounter, (series.id, year))
    if counter is None:
        counter = SerialCounter(series_id=series.id, year=year, next_serial=next_serial)
        db.session.add(counter)
    else:
        counter.next_serial = next_serial
    return counter


def format_number(series: DocumentSeries, year: int, serial: int) -> str:
    return format_document_number(series.organ_code, year, serial)


def allocate_number(series: DocumentSeries, year: int) -> int:
    """The next serial of the series in that year, unique and without gaps.

    The counter row is locked until the transaction ends (FOR UPDATE on
    PostgreSQL; SQLite's write lock, taken at BEGIN IMMEDIATE), so two issues at
    the same moment get consecutive serials and a rolled-back issue gives its
    serial back.
    """
    db.session.execute(
        insert_ignoring_conflict(SerialCounter, {"series_id": series.id, "year": year, "next_serial": 1})
    )
    counter = db.session.execute(
        select(SerialCounter)
        .where(SerialCounter.series_id == series.id, SerialCounter.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    serial = counter.next_serial
    counter.next_serial = serial + 1
    return serial


def number_year(notice: Notice) -> int:
    """A notice is numbered in the year of its date (成文日期), or of the day it is issued."""
    if notice.signed_on is not None:
        return notice.signed_on.year
    return utcnow().astimezone(CHINA).year


def list_series(organ_id: int | None = None) -> list[DocumentSeries]:
    """The document series, of one organ when it is given (an organ numbers only in its own series)."""
    query = select(DocumentSeries).order_by(DocumentSeries.id)
    if organ_id is not None:
        query = query.where(DocumentSeries.unit_id == organ_id)
    return list(db.session.scalars(query))


def add_series(actor, *, organ_code: str, name: str, header_mark: str) -> DocumentSeries:
    """A document series of the actor's organ (an organ made since the demo has none: it numbers in one it adds
    here). Refused, changing nothing, for a code another series has."""
    organ_code = organ_code.strip()
    if actor.organ_id is None:
        raise NoticeError(_("Your unit belongs to no organ that issues notices; ask the administrator."))
    if db.session.scalar(select(DocumentSeries.id).where(DocumentSeries.organ_code == organ_code)) is not None:
        raise NoticeError(_("Another series has the code %(code)s.", code=organ_code))
    series = DocumentSeries(
        organ_code=organ_code, name=name.strip(), header_mark=header_mark.strip(), unit_id=actor.organ_id
    )
    db.session.add(series)
    db.session.flush()
    record(actor, "series.create", series, organ_code=organ_code)
    db.session.commit()
    return series


# Organs: everything an organ drafts, numbers and issues is its own


def in_organ(user, notice: Notice) -> bool:
    """Whether this person works for the organ whose notice it is: only they see it before it is issued, and only
    they take its steps. A district bureau's secretary never sees the city's drafts, nor the city's theirs."""
    return user.is_bureau_user and notice.organ_id is not None and notice.organ_id == user.organ_id


# Drafts


@dataclass
class DocumentText:
    """A document distributed by an 印发通知: its title and its text."""

    title: str = ""
    body: str = ""


@dataclass
class NoticeData:
    """What a draft says: what the editor edits and saves, and what a correction or an adjustment notice starts
    from. The lines printed from the addressees (addressee_text, cc_text) are derived when it is saved."""

    title: str = ""
    series_id: int | None = None
    kind: str = "文件"
    addressees: Addressees = field(default_factory=Addressees)
    cc: Addressees = field(default_factory=Addressees)
    body: str = ""
    documents: list[DocumentText] = field(default_factory=list)
    signature_organ: str = ""
    signed_on: date | None = None
    with_seal: bool = True
    note: str = ""
    imprint_organ: str = ""
    imprinted_on: date | None = None
    label_documents_as_attachments: bool = False
    reply_requested: bool = False
    # What the reply asks, in order ({"key", "label", "type", "required"}); reply_requested follows from it.
    reply_fields: list[dict] = field(default_factory=list)
    ack_due_on: date | None = None  # units acknowledge by the end of this day (Beijing time)
    # The elements of GB/T 9704 (Notice's columns of the same names say what each holds).
    urgency: str = ""
    copy_numbers: bool = False
    classification: str = ""
    classification_period: str = ""
    upward: bool = False
    signers: list[str] = field(default_factory=list)
    joint_organs: list[dict] = field(default_factory=list)
    disclosure: str = ""
    disclosure_reason: str = ""
    meeting: dict = field(default_factory=dict)


def classification_refusal(classification: str) -> str | None:
    """Why this 密级 may not be set here, or None. A network not approved for classified documents (the normal case
    of an education intranet; the setting classified_network says otherwise) must not carry them at all."""
    if not classification or get_setting("classified_network") == "1":
        return None
    return _(
        "Classified documents (%(level)s) must not be handled on a network that is not approved for them: "
        "涉密文件不得在非涉密网络中处理. Send it through the classified channel instead.",
        level=classification,
    )


# NoticeData's fields that a Notice stores under the same name and as they are; the others are derived.
_STORED_AS_IS = tuple(f.name for f in fields(NoticeData) if f.name not in ("documents", "ack_due_on"))


def notice_data(notice: Notice) -> NoticeData:
    """The notice as editable data: the one place that reads a Notice back into what a draft is made of."""
    return NoticeData(
        **{name: getattr(notice, name) for name in _STORED_AS_IS},
        documents=[DocumentText(d.title, d.body) for d in notice.documents],
        ack_due_on=notice.ack_due_at.astimezone(CHINA).date() if notice.ack_due_at else None,
    )


def lint_fields(data: NoticeData, *, addressee_text: str, cc_text: str) -> dict[str, str]:
    """The texts of a notice (or of what an editor holds) in the order the format check reports them."""
    fields = {
        "title": data.title,
        "addressee_text": addressee_text,
        "cc_text": cc_text,
        "body": data.body,
        "note": data.note,
    }
    for index, document in enumerate(data.documents):
        fields[f"documents.{index}.title"] = document.title
        fields[f"documents.{index}.body"] = document.body
    return fields


def lint_notice(notice: Notice) -> list[Finding]:
    fields = lint_fields(notice_data(notice), addressee_text=notice.addressee_text, cc_text=notice.cc_text)
    return lint(fields, attachments=[a.title for a in notice.attachments])


def apply_data(notice: Notice, data: NoticeData) -> None:
    """Write the data into the notice (a new draft, the draft being saved, a notice being imported). Raises
    NoticeError, changing nothing, for a 密级 this network may not carry."""
    refusal = classification_refusal(data.classification)
    if refusal:
        raise NoticeError(refusal)
    if data.series_id and notice.organ_id is not None:
        series = db.session.get(DocumentSeries, data.series_id)
        if series is None or series.unit_id != notice.organ_id:
            raise NoticeError(_("Choose one of your organ's own document series."))
    for name in _STORED_AS_IS:
        setattr(notice, name, getattr(data, name))
    notice.series_id = data.series_id or None
    notice.kind = data.kind or "文件"
    notice.addressee_text = data.addressees.line()
    notice.cc_text = data.cc.line(closing="", separator=CC_SEPARATOR)
    due = data.ack_due_on
    notice.ack_due_at = datetime.combine(due, time(23, 59, 59), CHINA) if due else None
    documents = [d for d in data.documents if d.title.strip() or d.body.strip()]
    existing = list(notice.documents)
    notice.documents = []
    for position, document in enumerate(documents):
        row = existing[position] if position < len(existing) else NoticeDocument()
        row.position, row.title, row.body = position, document.title, document.body
        notice.documents.append(row)


def add_draft(actor, data: NoticeData, corrects: Notice | None = None, *, organ_id: int | None = None) -> Notice:
    """A new draft of the actor's organ (or of organ_id: a notice imported for an organ), in the session; the
    caller commits."""
    organ_id = organ_id or actor.organ_id
    if organ_id is None:
        raise NoticeError(_("Your unit belongs to no organ that issues notices; ask the administrator."))
    notice = Notice(author_id=actor.id, status=NoticeStatus.draft.value, organ_id=organ_id)
    apply_data(notice, data)
    notice.corrects = corrects
    notice.events.append(NoticeEvent(actor_id=actor.id, action="drafted"))
    db.session.add(notice)
    db.session.flush()
    record(actor, "notice.draft", notice, title=notice.title)
    return notice


def create_draft(actor, data: NoticeData, corrects: Notice | None = None) -> Notice:
    notice = add_draft(actor, data, corrects)
    db.session.commit()
    return notice


def imprint_organ_of(organ: Unit) -> str:
    """The organ's office (办公室) imprints its notices (印发机关): the unit coded office under it, else that name."""
    office = db.session.scalar(select(Unit).where(Unit.parent_id == organ.id, Unit.code == "office"))
    return office.name if office is not None else f"{organ.name}办公室"


def record_edit(actor, notice: Notice) -> None:
    """Note in the history that this person changed the draft: whoever edited it may not review or sign it.

    Saves one after the other by the same person are one edit; a save after someone else's step is a new one.
    """
    last = notice.events[-1] if notice.events else None
    if last is not None and last.actor_id == actor.id and last.action in ("drafted", "edited"):
        return
    notice.events.append(NoticeEvent(actor_id=actor.id, action="edited"))


def update_draft(actor, notice: Notice, data: NoticeData, expected_version: int) -> Notice:
    """Save the editor's data over the draft it was opened on, or refuse (EditConflict)."""
    if notice.status != NoticeStatus.draft:
        raise NoticeError(_("Only a draft can be edited. This notice is %(status)s.", status=notice.status_title))
    if notice.version != expected_version:
        raise EditConflict(notice)
    apply_data(notice, data)
    record_edit(actor, notice)
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise EditConflict(db.session.get(Notice, notice.id)) from None
    return notice


def delete_draft(actor, notice: Notice) -> None:
    if notice.status == NoticeStatus.issued:
        raise NoticeError(_("An issued notice cannot be deleted. Issue a correction instead."))
    if notice.status != NoticeStatus.draft:
        raise NoticeError(_("Only a draft can be deleted."))
    record(actor, "notice.delete", notice, title=notice.title)
    db.session.delete(notice)
    db.session.commit()


def start_correction(actor, original: Notice) -> Notice:
    """A new draft that refers to an issued notice, starting from its text."""
    if original.status != NoticeStatus.issued:
        raise NoticeError(_("Only an issued notice can be corrected; edit the draft instead."))
    # Its dates are the correction's own, chosen when it is signed and issued.
    data = replace(notice_data(original), signed_on=None, imprinted_on=None, ack_due_on=None)
    return create_draft(actor, data, corrects=original)


# Attachments


ATTACHMENT_KINDS = (PDF, DOCX, XLSX, PPTX, OFD, PNG, JPEG, ZIP)


def add_attachment(
    actor, notice: Notice, title: str, data: bytes, filename: str, max_bytes: int, *, print_as_pages: bool = False
):
    """Store the file by its hash and list it under the draft's 附件说明; a Word file or a PDF may also be printed
    after the text as 附件 pages."""
    if notice.status != NoticeStatus.draft:
        raise NoticeError(_("Files can only be attached to a draft."))
    try:
        stored = store_upload(data, allowed=ATTACHMENT_KINDS, max_bytes=max_bytes)
    except FileRejected as exc:
        raise NoticeError(str(exc)) from exc
    if print_as_pages:
        if stored.content_type not in (DOCX.content_type, PDF.content_type):
            raise NoticeError(
                _("Only a Word (.docx) file or a PDF can be printed as pages; this one stays a download.")
            )
        try:
            check_printable(PrintedAttachment(title, kind_of(stored.content_type).extension, data))
        except AttachmentUnprintable as exc:
            db.session.rollback()  # nothing of it kept: the file stays unattached
            raise NoticeError(str(exc)) from exc
    position = len(notice.attachments)
    attachment = NoticeAttachment(
        notice=notice,
        position=position,
        title=title,
        filename=filename[:255],
        file_sha256=stored.sha256,
        print_as_pages=print_as_pages,
    )
    db.session.add(attachment)
    record_edit(actor, notice)
    record(actor, "notice.attach", notice, file=stored.sha256, title=title)
    db.session.commit()
    return attachment


def remove_attachment(actor, notice: Notice, attachment_id: int) -> None:
    if notice.status != NoticeStatus.draft:
        raise NoticeError(_("Files can only be removed from a draft."))
    attachment = next((a for a in notice.attachments if a.id == attachment_id), None)
    if attachment is None:
        raise NoticeError(_("That file is not attached to this notice."))
    notice.attachments.remove(attachment)
    for position, remaining in enumerate(notice.attachments):
        remaining.position = position
    record_edit(actor, notice)
    db.session.commit()


# Separation of duties: nobody approves their own work


class Separation(enum.StrEnum):
    """How far a bureau separates the steps (the setting separation_of_duties); strict unless an admin relaxes it."""

    strict = "strict"
    review_and_sign = "review_and_sign"
    none = "none"


SEPARATION_TITLES = {
    Separation.strict: _l(
        "Strict: whoever wrote or edited a draft may neither review (核稿) nor sign (签发) it, "
        "and whoever approved it at review may not also sign it"
    ),
    Separation.review_and_sign: _l(
        "One person may review (核稿) and sign (签发) the same notice; "
        "whoever wrote or edited the draft still may do neither"
    ),
    Separation.none: _l("No separation: anyone holding the role may take the step, on their own drafts too"),
}
SEPARATION_SETTING = "separation_of_duties"

# The steps of 核稿 and of 签发: approving and returning, signing and sending back, are all one person's judgement.
REVIEW_STEPS = frozenset({"approved", "returned"})
SIGN_STEPS = frozenset({"signed", "declined"})


def separation_of_duties() -> Separation:
    try:
        return Separation(get_setting(SEPARATION_SETTING))
    except ValueError:  # a value no version of the page writes: the safe reading
        return Separation.strict


def editors_of(notice: Notice) -> set[int]:
    """Who wrote the draft's text: its author and everyone who saved a change to it (its events say so)."""
    return {notice.author_id} | {e.actor_id for e in notice.events if e.action in ("drafted", "edited")}


def reviewers_of(notice: Notice) -> set[int]:
    """Who approved the notice at review (核稿), in any round."""
    return {e.actor_id for e in notice.events if e.action == "approved"}


def own_work_refusal(user, notice: Notice, action: str) -> str | None:
    """Why the bureau's separation of duties keeps this person from this step, or None when it does not."""
    if action not in REVIEW_STEPS | SIGN_STEPS:
        return None
    rule = separation_of_duties()
    if rule == Separation.none:
        return None
    if user.id in editors_of(notice):
        if action in REVIEW_STEPS:
            return _("You wrote or edited this draft: its review (核稿) is for someone else.")
        return _("You wrote or edited this draft: its sign-off (签发) is for someone else.")
    if action in SIGN_STEPS and rule == Separation.strict and user.id in reviewers_of(notice):
        return _("You approved this notice at review (核稿): its sign-off (签发) is for someone else.")
    return None


# The workflow


def holds_step_role(user, notice: Notice, transition: Transition) -> bool:
    """Whether the person's roles cover the step. Submitting is the drafter's: a secretary's, or the author's own
    draft (staff draft the adjustment notice of their roster and send it on themselves)."""
    if not in_organ(user, notice):
        return False
    if transition.action == "submitted" and notice.author_id == user.id:
        return True
    return user.has_role(transition.role)


def round_events(notice: Notice) -> list[NoticeEvent]:
    """The events since the draft was last submitted (the current round of 核稿, 会签 and 签发)."""
    events = list(notice.events)
    starts = [i for i, e in enumerate(events) if e.action == "submitted"]
    return events[starts[-1] + 1 :] if starts else events


def approvers_this_round(notice: Notice) -> list[int]:
    seen = []
    for event in round_events(notice):
        if event.action == "approved" and event.actor_id not in seen:
            seen.append(event.actor_id)
    return seen


def chain_refusal(user, notice: Notice, action: str) -> str | None:
    """Why the series' chain of steps holds this step back for now, or None."""
    series = notice.series
    if action == "approved" and user.id in approvers_this_round(notice):
        return _("You have approved this round already: its second review (核稿) is for another reviewer.")
    if action != "signed":
        return None
    open_requests = [c for c in notice.countersigns if not c.is_answered]
    if open_requests:
        return _(
            "Sign-off waits for the countersign (会签) of %(sections)s.",
            sections="、".join(c.unit.display_name for c in open_requests),
        )
    if series is not None and series.countersign == Countersigning.required and not notice.countersigns:
        return _("This series needs a countersign (会签) before sign-off: the secretary asks the sections first.")
    return None


def step_refusal(user, notice: Notice, action: str) -> str | None:
    return own_work_refusal(user, notice, action) or chain_refusal(user, notice, action)


def available_actions(user, notice: Notice) -> list[str]:
    """The steps this user may take on this notice now (for the buttons): the steps advance would take."""
    return [
        action
        for action, transition in TRANSITIONS.items()
        if notice.status in transition.source
        and holds_step_role(user, notice, transition)
        and step_refusal(user, notice, action) is None
    ]


def withheld_steps(user, notice: Notice) -> list[str]:
    """Why steps this person's roles would allow now are not offered to them (the separation of duties, the steps
    the chain still waits for), each once."""
    reasons = []
    for action, transition in TRANSITIONS.items():
        if notice.status in transition.source and holds_step_role(user, notice, transition):
            reason = step_refusal(user, notice, action)
            if reason and reason not in reasons:
                reasons.append(reason)
    return reasons


@permission("notices.history")
def may_see_history(user, notice: Notice) -> bool:
    """The workflow's history (who drafted, the reviewer's comments) stays with the bureau; the units it is sent to
    see the issued document and their own receipt."""
    return in_organ(user, notice)


@permission("notices.draft")
def may_draft(user, notice: Notice | None = None) -> bool:
    """Secretaries draft notices; bureau staff draft the adjustment notices of their rosters."""
    return user.has_role(Role.secretary, Role.staff)


@permission("notices.edit")
def may_edit(user, notice: Notice) -> bool:
    """A draft is edited by the secretaries, and by whoever wrote it (staff drafting an adjustment notice)."""
    if notice.status != NoticeStatus.draft or not in_organ(user, notice):
        return False
    return user.has_role(Role.secretary) or notice.author_id == user.id


@permission("notices.delete")
def may_delete(user, notice: Notice) -> bool:
    return may_edit(user, notice)


@permission("notices.correct")
def may_correct(user, notice: Notice) -> bool:
    return user.has_role(Role.secretary) and notice.is_issued and in_organ(user, notice)


@permission("notices.translate")
def may_translate(user, notice: Notice) -> bool:
    return user.has_role(Role.translator, Role.secretary) and in_organ(user, notice)


def _commit_step() -> None:
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError):  # someone else took a step (or asked the same section) meanwhile
        db.session.rollback()
        raise NoticeError(_("Someone else has just taken a step on this notice. Look at it again.")) from None


def advance(actor, notice: Notice, action: str, comment: str = "") -> Notice:
    """Take one workflow step, recording who, when and the comment."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise NoticeError(_("Unknown step."))
    if not holds_step_role(actor, notice, transition):
        raise NoticeError(_("Your roles do not include this step."))
    if notice.status not in transition.source:
        raise NoticeError(_("This step is not possible while the notice is %(status)s.", status=notice.status_title))
    refusal = step_refusal(actor, notice, action)
    if refusal:
        raise NoticeError(refusal)
    comment = (comment or "").strip(" \t\r\n")
    if transition.needs_comment and not comment:
        raise NoticeError(_("Say what must change: a returned draft needs a comment."))
    if action == "issued":
        return issue_notice(actor, notice, comment)
    notice.events.append(NoticeEvent(actor_id=actor.id, action=action, comment=comment))
    needed = notice.series.review_count if notice.series is not None else 1
    if action == "approved" and len(approvers_this_round(notice)) < needed:
        pass  # the first of two reviewers: it stays in review for the second
    else:
        notice.status = transition.target.value
    if transition.target == NoticeStatus.draft:
        # Sent back: the next round is reviewed and countersigned afresh (the answers stay in the history).
        notice.is_returned = True
        notice.countersigns = []
    elif action == "submitted":
        notice.is_returned = False
    if action == "signed":
        if notice.upward and actor.display_name not in (notice.signers or []):
            # 签发人 (§7.2.6) of a 上行文: who signed it, after any the secretary named (a new list, so that the
            # JSON column sees the change).
            notice.signers = [*(notice.signers or []), actor.display_name]
        record(actor, "notice.sign", notice, title=notice.title)
    _commit_step()
    return notice


# 会签: sections countersign before sign-off


class Countersigning(enum.StrEnum):
    """Whether a series' notices go through 会签 (the admin's choice per series)."""

    none = "none"
    optional = "optional"
    required = "required"


COUNTERSIGNING_TITLES = {
    Countersigning.none: _l("No countersign (会签)"),
    Countersigning.optional: _l("Countersign (会签) when the secretary asks for it"),
    Countersigning.required: _l("Countersign (会签) required before sign-off"),
}


@dataclass(frozen=True)
class CountersignPick:
    """A section asked to countersign, and the person in it who answers."""

    unit_id: int
    user_id: int


def countersign_sections(organ_id: int) -> list[Unit]:
    """The sections that may be asked (局机关各科室): the organ's own active sections, in their order."""
    sections = db.session.scalars(
        select(Unit).where(Unit.kind == "section", Unit.is_active.is_(True)).order_by(Unit.sort_order, Unit.id)
    )
    return [u for u in sections if organ_id_of(u.id) == organ_id]


@dataclass(frozen=True)
class CountersignChoice:
    """A section not yet asked, the people who may answer for it, and who is offered first."""

    section: Unit
    people: list
    suggested_id: int | None


def countersign_choices(notice: Notice) -> list[CountersignChoice]:
    """The sections the secretary may still ask, each with its active people (its head first: someone holding a
    bureau role, who usually answers for the section)."""
    asked = {c.unit_id for c in notice.countersigns}
    sections = [u for u in countersign_sections(notice.organ_id) if u.id not in asked]
    people = db.session.scalars(
        select(User)
        .options(selectinload(User.role_rows))
        .where(User.unit_id.in_([u.id for u in sections]), User.is_active_account.is_(True))
        .order_by(User.display_name, User.id)
    ).all()
    choices = []
    for section in sections:
        members = sorted(
            (p for p in people if p.unit_id == section.id), key=lambda p: (not p.is_bureau_user, p.display_name)
        )
        choices.append(CountersignChoice(section, members, members[0].id if members else None))
    return choices


@permission("notices.request_countersign")
def may_request_countersign(user, notice: Notice) -> bool:
    series = notice.series
    return (
        user.has_role(Role.secretary)
        and in_organ(user, notice)
        and notice.status == NoticeStatus.approved
        and (series is None or series.countersign != Countersigning.none)
    )


def request_countersign(actor, notice: Notice, picks: list[CountersignPick]) -> list[Countersign]:
    """Ask sections to countersign, all at once (they answer in parallel); sign-off waits for every answer."""
    if not may_request_countersign(actor, notice):
        if notice.status != NoticeStatus.approved:
            raise NoticeError(_("Sections are asked to countersign after review (核稿) and before sign-off."))
        raise NoticeError(_("This notice's series has no countersign (会签)."))
    if not picks:
        raise NoticeError(_("Choose at least one section and the person in it who countersigns."))
    asked = {c.unit_id for c in notice.countersigns}
    sections = {u.id: u for u in countersign_sections(notice.organ_id)}
    made = []
    for pick in picks:
        section = sections.get(pick.unit_id)
        if section is None:
            raise NoticeError(_("Only the bureau's sections (局机关各科室) countersign."))
        if pick.unit_id in asked:
            raise NoticeError(_("%(section)s has been asked already.", section=section.display_name))
        person = db.session.get(User, pick.user_id)
        if person is None or not person.is_active or person.unit_id != section.id:
            raise NoticeError(_("Choose someone of %(section)s to countersign for it.", section=section.display_name))
        made.append(Countersign(unit_id=section.id, assignee_id=person.id, requested_by_id=actor.id))
        asked.add(section.id)
    notice.countersigns.extend(made)
    names = "、".join(sections[c.unit_id].display_name for c in made)
    notice.events.append(NoticeEvent(actor_id=actor.id, action="countersign_requested", comment=names))
    # The notice's version moves too: a signer pressing 签发 on the page of a moment ago is told to look again.
    notice.updated_at = utcnow()
    record(actor, "notice.countersign_request", notice, sections=names)
    _commit_step()
    return made


def open_countersign(user, notice: Notice) -> Countersign | None:
    """The request waiting for this person's answer on this notice, if any."""
    return next((c for c in notice.countersigns if c.assignee_id == user.id and not c.is_answered), None)


@permission("notices.countersign")
def may_countersign(user, notice: Notice) -> bool:
    return notice.status == NoticeStatus.approved and open_countersign(user, notice) is not None


def answer_countersign(actor, notice: Notice, *, agreed: bool, comment: str = "") -> Countersign:
    """The section's answer: agreed, or disagreed with what must change. The signer reads every answer."""
    request = open_countersign(actor, notice)
    if request is None or notice.status != NoticeStatus.approved:
        raise NoticeError(_("No countersign (会签) of this notice waits for you."))
    comment = (comment or "").strip(" \t\r\n")
    if not agreed and not comment:
        raise NoticeError(_("Say why your section disagrees: a disagreement needs a comment."))
    # Answered once: of two presses of the same person (two tabs, a double click) the second finds it answered.
    answered = db.session.execute(
        update(Countersign)
        .where(Countersign.id == request.id, Countersign.answered_at.is_(None))
        .values(is_agreed=agreed, comment=comment, answered_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if answered.rowcount != 1:
        db.session.rollback()
        raise NoticeError(_("Your section's answer has been given already. Look at the notice again."))
    db.session.refresh(request)
    action = "countersign_agreed" if agreed else "countersign_disagreed"
    notice.events.append(NoticeEvent(actor_id=actor.id, action=action, comment=comment))
    # The notice's row (and version) is left alone: sections answering at the same moment do not collide.
    record(actor, "notice.countersign", notice, agreed=agreed)
    _commit_step()
    return request


def issue_notice(actor, notice: Notice, comment: str = "") -> Notice:
    """Give the signed notice its number and send it out. Hard lint errors block it.

    Two people pressing 印发 at the same moment: on SQLite the second waits for the first and finds the notice
    issued; on PostgreSQL the second's update finds another version of the row. Either way the second is told, and
    its transaction (its number included) is rolled back.
    """
    try:
        return _issue(actor, notice, comment)
    except StaleDataError:
        db.session.rollback()
        raise NoticeError(_("Someone else has just taken a step on this notice. Look at it again.")) from None


# An urgent notice's units acknowledge by the end of the day it is issued (特急) or of the next (加急), unless the
# secretary set a 签收期限 of their own.
URGENT_ACK_DAYS = {"特急": 0, "加急": 1}


def _issue(actor, notice: Notice, comment: str) -> Notice:
    errors = blocking(lint_notice(notice))
    if errors:
        raise NoticeError(_("The notice still has %(n)d format errors; fix them in the draft first.", n=len(errors)))
    if notice.series is None:
        raise NoticeError(_("Choose the document series (organ code) before issuing."))
    if not notice.addressees:
        raise NoticeError(_("The notice has no addressees."))
    year = number_year(notice)
    notice.year = year
    notice.serial = allocate_number(notice.series, year)
    notice.status = NoticeStatus.issued.value
    notice.issued_at = utcnow()
    if notice.imprinted_on is None:
        notice.imprinted_on = notice.issued_at.astimezone(CHINA).date()
    if notice.ack_due_at is None and notice.urgency in URGENT_ACK_DAYS:
        due = notice.issued_at.astimezone(CHINA).date() + timedelta(days=URGENT_ACK_DAYS[notice.urgency])
        notice.ack_due_at = datetime.combine(due, time(23, 59, 59), CHINA)
    notice.events.append(NoticeEvent(actor_id=actor.id, action="issued", comment=comment))
    db.session.flush()
    notice_issued.send(notice, distribute=True)  # receipts distribute it, in this transaction
    try:
        freeze_docx(notice)
    except AttachmentUnprintable as exc:  # checked when attached; a file changed since is refused here
        raise NoticeError(str(exc)) from exc
    freeze_translation(notice)  # the Mongolian version as it stands, frozen with the notice
    ask_for_files(notice)  # the PDFs, made by a worker once this has committed: issuing does not wait for them
    record(actor, "notice.issue", notice, number=notice.number, docx_sha256=notice.docx_sha256)
    db.session.commit()
    return notice


# Finding notices


def visible_notice(user, notice_id: int) -> Notice | None:
    """An organ's people see every notice of their organ; anyone else an issued one that a feature says they may
    read (may_read_notice: receipts, when it was sent to their unit or their organ; the original a forwarded notice
    they received forwards), or one their section was asked to countersign."""
    notice = db.session.get(Notice, notice_id)
    if notice is None or in_organ(user, notice):
        return notice
    if notice.is_issued and any(answers(may_read_notice, notice, user=user)):
        return notice
    if any(c.assignee_id == user.id for c in notice.countersigns):  # asked to countersign it: reads the draft
        return notice
    return None


def own_notice(user, notice_id: int) -> Notice | None:
    """A notice of the person's own organ, or None: another organ's notice, even one sent to them, is read on its page
    (visible_notice), never drafted, stepped, corrected, translated or watched (receipts) by them."""
    notice = db.session.get(Notice, notice_id)
    return notice if notice is not None and in_organ(user, notice) else None


def corrections_of(user, notice: Notice) -> list[Notice]:
    """The notices correcting this one that the user may open: for the bureau its drafts too, for a unit only the
    issued corrections sent to it (a correction being drafted is the bureau's business)."""
    found = db.session.scalars(select(Notice).where(Notice.corrects_id == notice.id).order_by(Notice.id)).all()
    return [c for c in found if in_organ(user, c) or visible_notice(user, c.id) is not None]


@dataclass
class NoticeFilter:
    organ_id: int | None = None  # the organ whose notices are listed (the person's own)
    status: str = ""
    series_id: int | None = None
    year: int | None = None
    q: str = ""


def notices_query(filters: NoticeFilter):
    """Notices matching the filters, drafts first, then newest issued, with only what the list shows."""
    query = select(Notice).options(
        load_only(
            Notice.series_id,
            Notice.year,
            Notice.serial,
            Notice.title,
            Notice.corrects_id,
            Notice.status,
            Notice.is_returned,
            Notice.author_id,
            Notice.issued_at,
            Notice.created_at,
        ),
        joinedload(Notice.series),
        name_of(Notice.author),
    )
    query = query.where(Notice.organ_id == filters.organ_id)
    if filters.status:
        query = query.where(Notice.status == filters.status)
    if filters.series_id:
        query = query.where(Notice.series_id == filters.series_id)
    if filters.year:
        # Drafts have no number yet: they belong to the year they were written in.
        query = query.where(
            or_(
                Notice.year == filters.year,
                (Notice.year.is_(None)) & (func.extract("year", Notice.created_at) == filters.year),
            )
        )
    for word in filters.q.split():
        query = query.where(Notice.title.contains(word, autoescape=True))
    return query.order_by(Notice.issued_at.is_(None).desc(), Notice.issued_at.desc(), Notice.id.desc())


def notice_years(organ_id: int | None) -> list[int]:
    issued = set(
        db.session.scalars(select(Notice.year).where(Notice.year.is_not(None), Notice.organ_id == organ_id).distinct())
    )
    issued.add(utcnow().astimezone(CHINA).year)
    return sorted(issued, reverse=True)


# The Mongolian version


@dataclass
class TranslationData:
    """A version of the notice in another language, every character as typed (U+202F, U+180B–U+180F kept)."""

    title: str
    addressee_text: str = ""
    body: str = ""
    signature_organ: str = ""
    note: str = ""
    cc_text: str = ""
    imprint_organ: str = ""
    attachment_titles: list[str] = field(default_factory=list)  # in the order of the notice's attachments
    documents: list[dict] = field(default_factory=list)  # [{"title": …, "body": …}], in the notice's order
    needs_review: bool = True
    review_note: str = ""


def save_translation(actor, notice: Notice, data: TranslationData, language: str = "mn"):
    """Create or update the notice's version in another language, exactly as typed.

    A draft's translation is edited in place. An issued notice's is frozen: saving makes a new version, frozen at
    once (its .docx stored), and the earlier ones stay as they were; a version left unfrozen from before (made
    before freezing existed) is frozen first, as it was shown until now.
    """
    versions = [t for t in notice.translations if t.language == language]
    translation = versions[-1] if versions else None
    if notice.is_issued and translation is not None:
        freeze_translation(notice, translation)
        translation = NoticeTranslation(notice=notice, language=language, version=translation.version + 1)
        db.session.add(translation)
    elif translation is None:
        translation = NoticeTranslation(notice=notice, language=language)
        db.session.add(translation)
    for name, value in asdict(data).items():
        setattr(translation, name, value)
    translation.translator_id = actor.id
    if notice.is_issued:
        db.session.flush()
        freeze_translation(notice, translation)
        ask_for_files(notice)  # the new version's PDF
    record(
        actor,
        "notice.translation",
        notice,
        language=language,
        version=translation.version,
        frozen=translation.is_frozen,
        needs_review=translation.needs_review,
    )
    try:
        db.session.commit()
    except IntegrityError:  # two new versions of the same number, saved at the same moment
        db.session.rollback()
        raise NoticeError(
            _("Someone else saved a new version of this translation at the same moment. Look at it before saving.")
        ) from None
    return translation
