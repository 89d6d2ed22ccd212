"""Notices from a JSON file (`flask --app wsgi notices load`): last years' notices brought over from an old system,
or a specimen set. The format is in ../shared/DESIGN.md and the README.

An entry with a number is recorded as issued under that number and date: its documents rendered and frozen like any
issued notice's, an audit event "notice.import". One without becomes a draft of the loading user. The whole file
loads or nothing does; an error names the entry (by position, from 1) and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import select

from app.core.audit import record
from app.core.files import DOCX, PDF, FileRejected, store_upload
from app.core.time import CHINA
from app.documents.gongwen import CLASSIFICATIONS, DISCLOSURES, URGENCIES
from app.extensions import db
from app.notices.documents import freeze_docx, freeze_translation
from app.notices.jobs import ask_for_files
from app.notices.models import (
    NOTICE_KINDS,
    DocumentSeries,
    Notice,
    NoticeAttachment,
    NoticeEvent,
    NoticeStatus,
    NoticeTranslation,
    SerialCounter,
)
from app.notices.services import (
    ATTACHMENT_KINDS,
    DocumentText,
    NoticeData,
    add_draft,
    apply_data,
    classification_refusal,
    imprint_organ_of,
)
from app.notices.signals import notice_issued
from app.units.addressees import Addressees
from app.units.models import Unit, UnitGroup

FIELDS = {
    "organ",
    "kind",
    "number",
    "title",
    "addressees",
    "cc",
    "body",
    "documents",
    "documents_as_attachments",
    "attachments",
    "signature_organ",
    "signed_on",
    "with_seal",
    "note",
    "imprint_organ",
    "imprinted_on",
    "mongolian",
    "distribute",
    "urgency",
    "copy_numbers",
    "classification",
    "classification_period",
    "signers",
    "joint_organs",
    "disclosure",
    "disclosure_reason",
    "meeting",
}
MEETING_FIELDS = {"date", "place", "chair", "attendees", "observers", "absent"}
MONGOLIAN_FIELDS = {
    "title",
    "addressees",
    "body",
    "signature_organ",
    "note",
    "cc",
    "imprint_organ",
    "attachments",
    "documents",
}
_NUMBER = re.compile(r"^(?P<organ>.+?)\u3014(?P<year>\d{4})\u3015(?P<serial>[1-9]\d*)号$")


class LoadError(ValueError):
    """What is wrong with the file, naming the entry and the field; nothing has been loaded."""


@dataclass
class Loaded:
    notice: Notice

    @property
    def line(self) -> str:
        return f"{self.notice.id}\t{self.notice.number or '-'}"


def load_notices(entries, *, actor, base_dir: Path, max_bytes: int) -> list[Loaded]:
    """Load every entry, or none: the caller commits (or rolls back) the one transaction."""
    if not isinstance(entries, list):
        raise LoadError("the file must hold a JSON list of notices")
    loader = _Loader(actor, base_dir, max_bytes)
    loaded = []
    for position, entry in enumerate(entries, start=1):
        try:
            loaded.append(Loaded(loader.load(entry)))
        except _FieldError as exc:
            raise LoadError(f"entry {position}, {exc.field}: {exc.message}") from None
    return loaded


class _FieldError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def _text(entry: dict, field: str, default: str = "") -> str:
    value = entry.get(field, default)
    if not isinstance(value, str):
        raise _FieldError(field, "must be text")
    return value


def _flag(entry: dict, field: str, default: bool) -> bool:
    value = entry.get(field, default)
    if not isinstance(value, bool):
        raise _FieldError(field, "must be true or false")
    return value


def _date(entry: dict, field: str) -> date | None:
    value = entry.get(field)
    if value is None:
        return None
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _FieldError(field, f"{value!r} is not a date written YYYY-MM-DD")


def _names(entry: dict, field: str) -> list[str]:
    value = entry.get(field, [])
    if not isinstance(value, list) or not all(isinstance(name, str) and name.strip() for name in value):
        raise _FieldError(field, "must be a list of names")
    return [name.strip() for name in value]


def _documents(entry: dict, field: str) -> list[DocumentText]:
    value = entry.get(field, [])
    if not isinstance(value, list):
        raise _FieldError(field, "must be a list of {title, body}")
    documents = []
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict) or set(item) - {"title", "body"}:
            raise _FieldError(f"{field}[{index}]", "must be an object with a title and a body")
        documents.append(DocumentText(_text(item, "title"), _text(item, "body")))
    return documents


def _choice(entry: dict, field: str, choices) -> str:
    value = _text(entry, field)
    if value and value not in choices:
        raise _FieldError(field, f"must be one of {'、'.join(choices)}")
    return value


def _elements(entry: dict, kind: str) -> dict:
    """The elements of GB/T 9704 beyond a plain 文件's, as NoticeData names them."""
    classification = _choice(entry, "classification", CLASSIFICATIONS)
    refusal = classification_refusal(classification)
    if refusal:
        raise _FieldError("classification", refusal)
    disclosure = _choice(entry, "disclosure", DISCLOSURES)
    if disclosure == "不予公开" and not _text(entry, "disclosure_reason").strip():
        raise _FieldError("disclosure_reason", "不予公开 needs its reason")
    signers = _names(entry, "signers")
    meeting = entry.get("meeting", {})
    if meeting and kind != "纪要":
        raise _FieldError("meeting", "only a 纪要 has a meeting")
    return {
        "urgency": _choice(entry, "urgency", URGENCIES),
        "copy_numbers": _flag(entry, "copy_numbers", False),
        "classification": classification,
        "classification_period": _text(entry, "classification_period"),
        "upward": bool(signers),
        "signers": signers,
        "joint_organs": [{"name": name} for name in _names(entry, "joint_organs")],
        "disclosure": disclosure,
        "disclosure_reason": _text(entry, "disclosure_reason") if disclosure == "不予公开" else "",
        "meeting": _meeting(meeting),
    }


def _meeting(value) -> dict:
    if not isinstance(value, dict):
        raise _FieldError("meeting", "must be an object")
    unknown = sorted(set(value) - MEETING_FIELDS)
    if unknown:
        raise _FieldError(f"meeting.{unknown[0]}", "is not a field of a meeting")
    try:
        meeting = {
            "date": _date(value, "date").isoformat() if value.get("date") is not None else "",
            "place": _text(value, "place"),
            "chair": _text(value, "chair"),
            "attendees": _names(value, "attendees"),
            "observers": _names(value, "observers"),
            "absent": _names(value, "absent"),
        }
    except _FieldError as exc:
        raise _FieldError(f"meeting.{exc.field}", exc.message) from None
    return {key: item for key, item in meeting.items() if item}


class _Loader:
    def __init__(self, actor, base_dir: Path, max_bytes: int):
        self.actor, self.base_dir, self.max_bytes = actor, base_dir, max_bytes
        self.groups = {g.name: g.id for g in db.session.scalars(select(UnitGroup))}
        self.units = {u.name: u.id for u in db.session.scalars(select(Unit))}

    def addressees(self, entry: dict, field: str) -> Addressees:
        """Groups and units by the names the admin pages show; any other name is printed as written."""
        names = _names(entry, field)
        groups = [self.groups[n] for n in names if n in self.groups]
        units = [self.units[n] for n in names if n not in self.groups and n in self.units]
        others = [n for n in names if n not in self.groups and n not in self.units]
        return Addressees.of(groups, units, others)

    def organ(self, entry: dict) -> tuple[Unit, list[DocumentSeries]]:
        series = list(db.session.scalars(select(DocumentSeries).where(DocumentSeries.is_active.is_(True))))
        organs = {s.unit.name: s.unit for s in series}
        if "organ" not in entry:
            # The loading person's organ, or the one issuing organ while there is one.
            own = next((s.unit for s in series if s.unit_id == self.actor.organ_id), None)
            if own is None and len(organs) != 1:
                raise _FieldError("organ", f"name the issuing organ: one of {'、'.join(sorted(organs))}")
            unit = own or next(iter(organs.values()))
        else:
            name = _text(entry, "organ")
            if name not in organs:
                raise _FieldError("organ", f"{name!r} issues no document series here ({'、'.join(sorted(organs))})")
            unit = organs[name]
        return unit, [s for s in series if s.unit_id == unit.id]

    def load(self, entry) -> Notice:
        if not isinstance(entry, dict):
            raise _FieldError("(entry)", "must be an object")
        unknown = sorted(set(entry) - FIELDS)
        if unknown:
            raise _FieldError(unknown[0], "is not a field of a notice")
        title = _text(entry, "title").strip()
        if not title:
            raise _FieldError("title", "is required")
        organ, series = self.organ(entry)
        kind = _text(entry, "kind", "文件")
        if kind not in NOTICE_KINDS:
            raise _FieldError("kind", f"must be one of {'、'.join(NOTICE_KINDS)}")
        signed_on = _date(entry, "signed_on")
        data = NoticeData(
            title=title,
            series_id=series[0].id if series else None,
            kind=kind,
            addressees=self.addressees(entry, "addressees"),
            cc=self.addressees(entry, "cc"),
            body=_text(entry, "body"),
            documents=_documents(entry, "documents"),
            signature_organ=_text(entry, "signature_organ", organ.name),
            signed_on=signed_on,
            with_seal=_flag(entry, "with_seal", True),
            note=_text(entry, "note"),
            imprint_organ=_text(entry, "imprint_organ", imprint_organ_of(organ)),
            imprinted_on=_date(entry, "imprinted_on"),
            label_documents_as_attachments=_flag(entry, "documents_as_attachments", False),
            **_elements(entry, kind),
        )
        distribute = _flag(entry, "distribute", False)
        if "number" in entry:
            notice = self.issued(entry, data, series)
        else:
            if distribute:
                raise _FieldError("distribute", "only an issued notice (one with a number) can be distributed")
            notice = add_draft(self.actor, data, organ_id=organ.id)
        self.attachments(entry, notice)
        self.mongolian(entry, notice)
        if notice.is_issued:
            db.session.flush()
            notice_issued.send(notice, distribute=distribute)
            freeze_docx(notice)
            freeze_translation(notice)
            ask_for_files(notice)
            record(self.actor, "notice.import", notice, number=notice.number, docx_sha256=notice.docx_sha256)
        return notice

    def issued(self, entry: dict, data: NoticeData, series: list[DocumentSeries]) -> Notice:
        number = _text(entry, "number")
        match = _NUMBER.match(number)
        if match is None:
            raise _FieldError("number", f"{number!r} is not a document number such as 乌教发〔2023〕75号")
        chosen = next((s for s in series if s.organ_code == match["organ"]), None)
        if chosen is None:
            codes = "、".join(s.organ_code for s in series)
            raise _FieldError("number", f"the organ issues no series {match['organ']} (its series: {codes})")
        year, serial = int(match["year"]), int(match["serial"])
        taken = db.session.scalar(
            select(Notice.id).where(Notice.series_id == chosen.id, Notice.year == year, Notice.serial == serial)
        )
        if taken is not None:
            raise _FieldError("number", f"{number} is already a notice here (id {taken})")
        if data.signed_on is None:
            raise _FieldError("signed_on", "an issued notice needs its date (成文日期)")
        notice = Notice(author_id=self.actor.id, status=NoticeStatus.issued.value, organ_id=chosen.unit_id)
        data.series_id = chosen.id
        data.imprinted_on = data.imprinted_on or data.signed_on
        apply_data(notice, data)
        notice.year, notice.serial = year, serial
        notice.issued_at = datetime.combine(data.imprinted_on, time(9, 0), CHINA)
        notice.created_at = notice.issued_at
        notice.events.append(NoticeEvent(actor_id=self.actor.id, action="imported", created_at=notice.issued_at))
        db.session.add(notice)
        # The series goes on after the highest serial it has issued that year.
        counter = db.session.get(SerialCounter, (chosen.id, year))
        if counter is None:
            db.session.add(SerialCounter(series_id=chosen.id, year=year, next_serial=serial + 1))
        elif counter.next_serial <= serial:
            counter.next_serial = serial + 1
        return notice

    def attachments(self, entry: dict, notice: Notice) -> None:
        value = entry.get("attachments", [])
        if not isinstance(value, list):
            raise _FieldError("attachments", "must be a list of {title, path}")
        for index, item in enumerate(value, start=1):
            field = f"attachments[{index}]"
            if not isinstance(item, dict) or not {"title", "path"} <= set(item) <= {"title", "path", "print_as_pages"}:
                raise _FieldError(field, "must be an object with a title and a path (and print_as_pages)")
            print_as_pages = _flag(item, "print_as_pages", False)
            path = (self.base_dir / _text(item, "path")).resolve()
            if not path.is_file():
                raise _FieldError(field, f"no file at {path}")
            try:
                stored = store_upload(path.read_bytes(), allowed=ATTACHMENT_KINDS, max_bytes=self.max_bytes)
            except FileRejected as exc:
                raise _FieldError(field, str(exc)) from None
            if print_as_pages and stored.content_type not in (DOCX.content_type, PDF.content_type):
                raise _FieldError(f"{field}.print_as_pages", "only a .docx or a PDF can be printed as pages")
            notice.attachments.append(
                NoticeAttachment(
                    position=index - 1,
                    title=_text(item, "title"),
                    filename=path.name[:255],
                    file_sha256=stored.sha256,
                    print_as_pages=print_as_pages,
                )
            )

    def mongolian(self, entry: dict, notice: Notice) -> None:
        """The Mongolian version, every character as written (U+202F and U+180B–U+180F kept)."""
        if "mongolian" not in entry:
            return
        value = entry["mongolian"]
        if not isinstance(value, dict):
            raise _FieldError("mongolian", "must be an object")
        unknown = sorted(set(value) - MONGOLIAN_FIELDS)
        if unknown:
            raise _FieldError(f"mongolian.{unknown[0]}", "is not a field of the Mongolian version")
        try:
            translation = NoticeTranslation(
                language="mn",
                title=_text(value, "title"),
                addressee_text=_text(value, "addressees"),
                body=_text(value, "body"),
                signature_organ=_text(value, "signature_organ"),
                note=_text(value, "note"),
                cc_text=_text(value, "cc"),
                imprint_organ=_text(value, "imprint_organ"),
                attachment_titles=_names(value, "attachments"),
                documents=[{"title": d.title, "body": d.body} for d in _documents(value, "documents")],
                needs_review=True,
                translator_id=self.actor.id,
            )
        except _FieldError as exc:
            raise _FieldError(f"mongolian.{exc.field}", exc.message) from None
        notice.translations.append(translation)
