"""A notice as a document: what its 公文 prints (for app/documents), its .docx and PDF, the copies frozen at issue."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.core.files import DOCX, PDF, StoredFile, kind_of, read_bytes, store_bytes
from app.core.limits import bounded
from app.core.settings import get_setting
from app.core.time import CHINA, utcnow
from app.database import write_transaction
from app.documents import layout as L
from app.documents import pdf
from app.documents.carried import carry_in_pdf
from app.documents.formats import render_gongwen
from app.documents.gongwen import GongwenData, Meeting, PrintedAttachment, RosterLine
from app.documents.mongolian import MongolianData, render_mongolian
from app.documents.stamping import COPY_NUMBER_BASELINE_MM, stamp_copy_number
from app.documents.text import roster_groups
from app.extensions import db
from app.notices.models import Notice, NoticeTranslation
from app.notices.signals import answers, roster_requested


def notice_rosters(notice: Notice) -> dict[str | None, list[RosterLine]]:
    """The rosters the notice's texts print, as they stood on the notice's date (rosters answer roster_requested)."""
    on = notice.signed_on or (notice.issued_at or notice.created_at).astimezone(CHINA).date()
    rosters = {}
    for name in roster_groups(notice.body, *(d.body for d in notice.documents)):
        found = answers(roster_requested, notice, group=name, on=on)
        if found:
            rosters[name] = found[0]
    return rosters


def placeholder_number(notice: Notice) -> str:
    """A draft has no serial yet: the number line shows where it will go."""
    if notice.number:
        return notice.number
    organ = notice.series.organ_code if notice.series else ""
    year = notice.signed_on.year if notice.signed_on else "\u3000\u3000"
    return f"{organ}\u3014{year}\u3015\u3000\u3000号"


def organ_name(notice: Notice) -> str:
    """The issuing organ's name (乌海市教育局): the series' organ, or the signing organ."""
    return notice.series.unit.name if notice.series else notice.signature_organ


def header_mark(notice: Notice) -> str:
    """The red mark: 文件's (乌海市教育局文件: the series', or the organ's name + 文件), 纪要's (乌海市教育局会议纪要),
    信函's (the organ's full name)."""
    if notice.kind == "纪要":
        return organ_name(notice) + "会议纪要"
    if notice.kind == "信函":
        return organ_name(notice)
    return notice.series.header_mark if notice.series else (notice.signature_organ + "文件")


# 份号's line on the copy that has no number of its own (the one frozen at issue, the bureau's): as wide as six digits,
# blank, so that the elements under it stay where each unit's copy has them and a unit's PDF gets its number stamped
# into the space (numbered_copy).
UNNUMBERED_COPY = "\u3000" * 3


def copy_number_text(number: int | None) -> str:
    """份号: six digits (§7.2.1)."""
    return f"{number:06d}" if number else ""


def _elements(notice: Notice, copy_number: int | None) -> dict:
    """The elements of GB/T 9704 beyond the header's mark and number, the same on every rendering of the notice
    but the 份号, which is each copy's own."""
    meeting = notice.meeting or {}
    return {
        "kind": notice.kind or "文件",
        # The record's own copy (frozen at issue) keeps the line blank, where each unit's copy has its number.
        "copy_number": (copy_number_text(copy_number) or UNNUMBERED_COPY) if notice.copy_numbers else "",
        "classification": notice.classification,
        "classification_period": notice.classification_period if notice.classification else "",
        "urgency": notice.urgency,
        "signers": list(notice.signers or []) if notice.upward else [],
        "organ_name": organ_name(notice),
        "joint_organs": [organ["name"] for organ in notice.joint_organs or []],
        "disclosure": notice.disclosure,
        "disclosure_reason": notice.disclosure_reason if notice.disclosure == "不予公开" else "",
        "disclosure_above_imprint": get_setting("disclosure_position") == "imprint",
        "meeting": Meeting(
            date=date.fromisoformat(meeting["date"]) if meeting.get("date") else None,
            place=meeting.get("place", ""),
            chair=meeting.get("chair", ""),
            attendees=tuple(meeting.get("attendees", ())),
            observers=tuple(meeting.get("observers", ())),
            absent=tuple(meeting.get("absent", ())),
        )
        if notice.kind == "纪要"
        else None,
    }


def printed_attachments(notice: Notice) -> list[PrintedAttachment]:
    """The attachments printed after the text as 附件 pages, with their files."""
    printed = [a for a in notice.attachments if a.print_as_pages]
    if not printed:
        return []
    # What each file is, as detected when it was stored (not what its name says).
    kinds = dict(
        db.session.execute(
            select(StoredFile.sha256, StoredFile.content_type).where(
                StoredFile.sha256.in_([a.file_sha256 for a in printed])
            )
        ).all()
    )
    return [
        PrintedAttachment(a.title, kind_of(kinds[a.file_sha256]).extension, read_bytes(a.file_sha256)) for a in printed
    ]


def carried_files(notice: Notice) -> list[tuple[str, bytes]]:
    """What a forwarding notice carries inside its .docx and PDF: the issued PDF of the notice it forwards, byte for
    byte (app/notices/forwarding.py)."""
    original = notice.forwards
    if original is None or not original.pdf_sha256:
        return []
    return [(f"{original.number}.pdf", read_bytes(original.pdf_sha256))]


def _with_carried_files(notice: Notice, pdf: bytes) -> bytes:
    for name, blob in carried_files(notice):
        pdf = carry_in_pdf(pdf, name, blob)
    return pdf


def _header(notice: Notice) -> dict:
    """What the header (版头) prints, the same on the Chinese and the Mongolian version."""
    organ = notice.organ
    return {
        "mark": header_mark(notice),
        "mark_mn": organ.name_mn if organ is not None else "",
        "header_order": organ.header_order if organ is not None else "zh_first",
        "number": placeholder_number(notice),
    }


def gongwen_data(
    notice: Notice, *, attachments: list[str] | None = None, copy_number: int | None = None
) -> GongwenData:
    """attachments: the 附件说明's names, for a notice not in the database (the editor's preview); else its own.
    copy_number: the 份号 of one unit's copy (a notice distributed in counted copies)."""
    return GongwenData(
        **_header(notice),
        **_elements(notice, copy_number),
        printed_attachments=printed_attachments(notice),
        carried_files=carried_files(notice),
        title=notice.title,
        addressee_text=notice.addressee_text,
        body=notice.body,
        signature_organ=notice.signature_organ,
        signed_on=notice.signed_on,
        with_seal=notice.with_seal,
        note=notice.note,
        attachments=[a.title for a in notice.attachments] if attachments is None else attachments,
        documents=[(d.title, d.body) for d in notice.documents],
        label_documents=notice.label_documents_as_attachments,
        cc_text=notice.cc_text,
        imprint_organ=notice.imprint_organ,
        imprinted_on=notice.imprinted_on,
        rosters=notice_rosters(notice),
        timestamp=(notice.issued_at or notice.created_at).replace(tzinfo=None),
    )


def render_notice_docx(
    notice: Notice, *, attachments: list[str] | None = None, copy_number: int | None = None
) -> bytes:
    return render_gongwen(gongwen_data(notice, attachments=attachments, copy_number=copy_number))


def notice_docx(notice: Notice) -> bytes:
    """An issued notice's frozen bytes; a draft's rendering of what it says now."""
    if notice.docx_sha256:
        return read_bytes(notice.docx_sha256)
    return render_notice_docx(notice)


def convert(docx: bytes, *, vertical: bool = False, person: int | None = None) -> bytes:
    """docx_to_pdf, bounded for a person's request (app/core/limits.py): raises Busy at once when this person has a
    conversion under way or the machine has as many as it takes. person None (commands, after issuing): unbounded."""
    if person is None:
        return pdf.docx_to_pdf(docx, vertical_mongolian=vertical)
    with bounded("pdf", person=person):
        return pdf.docx_to_pdf(docx, vertical_mongolian=vertical)


def made_once(row, column: str, make) -> bytes:
    """A frozen file's PDF, made the first time it is asked for and stored in row.<column>; never made again.

    No write lock is held while LibreOffice runs: the transaction ends first (in a POST it holds SQLite's write
    lock), and a short one of its own stores the file. Two processes making it at once both convert; the first to
    store wins, and both answer with the stored file.
    """
    model, key = type(row), row.id
    db.session.commit()
    made = make()
    with write_transaction():
        stored = store_bytes(made, PDF).sha256
        db.session.execute(
            update(model).where(model.id == key, getattr(model, column).is_(None)).values({column: stored})
        )
        sha256 = db.session.scalar(select(getattr(model, column)).where(model.id == key))
    set_committed_value(row, column, sha256)
    return made if sha256 == stored else read_bytes(sha256)


def notice_pdf(notice: Notice, *, person: int | None = None) -> bytes:
    """The PDF of the .docx: stored at issue (or at its first download, if LibreOffice was missing then); a draft's
    made from what it says now."""
    if notice.pdf_sha256:
        return read_bytes(notice.pdf_sha256)
    docx = notice_docx(notice)
    if not notice.is_issued:
        return _with_carried_files(notice, convert(docx, person=person))
    return made_once(notice, "pdf_sha256", lambda: _with_carried_files(notice, convert(docx, person=person)))


def freeze_docx(notice: Notice) -> None:
    """At issue, inside the issuing transaction: store the .docx and its SHA-256."""
    notice.docx_sha256 = store_bytes(render_notice_docx(notice), DOCX).sha256


# The Mongolian version


def mongolian_versions(notice: Notice) -> list[NoticeTranslation]:
    """The Mongolian translation's versions, oldest first."""
    return [t for t in notice.translations if t.language == "mn"]


def mongolian_version(notice: Notice, version: int | None = None) -> NoticeTranslation | None:
    """That version of the Mongolian translation, or the newest."""
    versions = mongolian_versions(notice)
    if version is None:
        return versions[-1] if versions else None
    return next((t for t in versions if t.version == version), None)


def render_mongolian_docx(notice: Notice, translation: NoticeTranslation | None = None) -> bytes:
    """The Mongolian version, with every element of the Chinese one. What the translation leaves empty prints as the
    Chinese version has it (the 附件's names, 抄送, 印发机关, 附注), never left out; untranslated distributed
    documents are not repeated."""
    translation = translation or mongolian_version(notice)
    if translation is None:
        raise LookupError("no Mongolian version")
    names = list(translation.attachment_titles or [])
    attachments = [names[i] if i < len(names) and names[i] else a.title for i, a in enumerate(notice.attachments)]
    return render_mongolian(
        MongolianData(
            **_header(notice),
            title=translation.title,
            addressee_text=translation.addressee_text,
            body=translation.body,
            signature_organ=translation.signature_organ,
            signed_on=notice.signed_on,
            timestamp=(translation.updated_at or utcnow()).replace(tzinfo=None),
            with_seal=notice.with_seal,
            note=translation.note or notice.note,
            attachments=attachments,
            documents=[(d.get("title", ""), d.get("body", "")) for d in translation.documents or []],
            cc_text=translation.cc_text or notice.cc_text,
            imprint_organ=translation.imprint_organ or notice.imprint_organ,
            imprinted_on=notice.imprinted_on,
        )
    )


def freeze_translation(notice: Notice, translation: NoticeTranslation | None = None) -> None:
    """Store the version's .docx and mark it frozen, in the caller's transaction: at issue (the newest version), and
    when an issued notice's translation is saved. A frozen version never changes."""
    translation = translation or mongolian_version(notice)
    if translation is None or translation.is_frozen:
        return
    translation.docx_sha256 = store_bytes(render_mongolian_docx(notice, translation), DOCX).sha256
    translation.frozen_at = utcnow()


def mongolian_version_docx(notice: Notice, translation: NoticeTranslation | None = None) -> bytes:
    """A frozen version's stored bytes; a draft's translation rendered from what it says now."""
    translation = translation or mongolian_version(notice)
    if translation is None:
        raise LookupError("no Mongolian version")
    if translation.docx_sha256:
        return read_bytes(translation.docx_sha256)
    return render_mongolian_docx(notice, translation)


def mongolian_version_pdf(
    notice: Notice, translation: NoticeTranslation | None = None, *, person: int | None = None
) -> bytes:
    """A frozen version's PDF, made once and stored; a draft's translation converted from what it says now."""
    translation = translation or mongolian_version(notice)
    if translation is None:
        raise LookupError("no Mongolian version")
    if translation.pdf_sha256:
        return read_bytes(translation.pdf_sha256)
    docx = mongolian_version_docx(notice, translation)
    if not translation.is_frozen:
        return convert(docx, vertical=True, person=person)
    return made_once(translation, "pdf_sha256", lambda: convert(docx, vertical=True, person=person))


def numbered_copy(notice: Notice, pdf: bytes, number: int) -> bytes:
    """A unit's copy of a notice distributed in counted copies: its PDF with the copy's 份号 where the .docx prints
    it (app/documents/stamping.py): on the text block's first line, or a letter's (信函) under its double rule."""
    baseline = L.LETTER_COPY_NUMBER_BASELINE_MM if notice.kind == "信函" else COPY_NUMBER_BASELINE_MM
    return stamp_copy_number(pdf, copy_number_text(number), baseline_mm=baseline)
