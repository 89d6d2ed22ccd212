"""转发: an organ forwards a notice it received to its own units, under its own header and number.

A district bureau receives the city bureau's 乌教发〔2023〕75号; its schools get it only when the district forwards it
with a 转发通知 of its own (海教发〔2023〕N号, "海勃湾区教育局关于转发《乌海市教育局关于印发〈…〉的通知》的通知"). The
forwarding notice is an ordinary draft of the forwarding organ: it goes through that organ's own 核稿, 签发 and 印发
and number. Its 附件 is the received notice's issued PDF, the very file (its SHA-256 is the original's), printed as
its 附件 pages and carried inside its .docx and PDF unchanged (app/notices/documents.py). A forwarded notice can be
forwarded again, one level further down, the same way.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.core.access import Role, permission
from app.documents.pdf import PdfConversionFailed, PdfUnavailable
from app.extensions import db
from app.notices.documents import notice_pdf
from app.notices.models import Notice, NoticeAttachment
from app.notices.services import (
    NoticeData,
    NoticeError,
    add_draft,
    imprint_organ_of,
    list_series,
    visible_notice,
)
from app.units.addressees import Addressees
from app.units.models import UnitGroup
from app.units.organs import organ_of

# Book-title marks (书名号): a title quoted inside a quoted title takes the single marks 〈〉.
_INNER_MARKS = str.maketrans({"《": "〈", "》": "〉"})


def cited_title(notice: Notice) -> str:
    """The received notice's title as a title cites it: with its organ's name in front (GB/T 9704 §7.3.1: 发文机关
    名称 + 事由 + 文种), as the seed's own title already has it."""
    organ_name = notice.organ.name if notice.organ is not None else notice.signature_organ
    title = "".join(notice.title.split())
    return title if not organ_name or title.startswith(organ_name) else organ_name + title


def forward_title(organ_name: str, original: Notice) -> str:
    """海南区教育局关于转发《乌海市教育局关于印发〈乌海市…若干措施〉的通知》的通知: the marks nested in the cited title
    become 〈〉 inside the outer 《》."""
    return f"{organ_name}关于转发《{cited_title(original).translate(_INNER_MARKS)}》的通知"


def cover_text(original: Notice) -> str:
    """The forwarding notice's short text (转发语), which the secretary may change before it is submitted."""
    return (
        f"现将《{cited_title(original).translate(_INNER_MARKS)}》（{original.number}）转发给你们，"
        "请结合实际，认真贯彻落实。"
    )


@permission("notices.forward")
def may_forward(user, notice: Notice) -> bool:
    """An organ's secretary forwards an issued notice of another organ that their organ received (the caller has
    checked it may be read: visible_notice)."""
    return (
        user.has_role(Role.secretary)
        and notice.is_issued
        and user.organ_id is not None
        and notice.organ_id != user.organ_id
    )


def forwards_by_organ(notice: Notice, organ_id: int | None) -> list[Notice]:
    """The organ's notices forwarding this one, drafts included (the page links to them instead of starting
    another)."""
    if organ_id is None:
        return []
    return list(
        db.session.scalars(
            select(Notice).where(Notice.forwards_id == notice.id, Notice.organ_id == organ_id).order_by(Notice.id)
        )
    )


def start_forward(actor, original: Notice) -> Notice:
    """A draft of the actor's organ forwarding the received notice, committed: the standard title and cover text,
    the groups the organ keeps as addressees, its first series, its signature and imprint, and the original's
    issued PDF as its 附件 (the same stored file). Refused, changing nothing, when the person may not forward it,
    when their organ has forwarded it already or is forwarding it, or when the original's PDF cannot be made now.
    (A forwarding notice that needs changing after issue is corrected as any notice is: 更正.)"""
    if not may_forward(actor, original):
        raise NoticeError(_("Only a secretary of another organ forwards an issued notice it received."))
    earlier = forwards_by_organ(original, actor.organ_id)
    issued = [n for n in earlier if n.is_issued]
    if issued:
        raise NoticeError(_("Your organ has forwarded this notice already, as %(number)s.", number=issued[0].number))
    if earlier:
        raise NoticeError(_("Your organ is forwarding this notice already: carry on with that draft."))
    try:
        pdf_sha256 = original.pdf_sha256 or _make_pdf(original)
    except (PdfUnavailable, PdfConversionFailed) as exc:
        raise NoticeError(
            _("The notice's PDF cannot be made now, so it cannot be attached yet: %(reason)s", reason=str(exc))
        ) from exc
    organ = organ_of(actor.unit_id)
    series = list_series(organ.unit_id)
    groups = db.session.scalars(
        select(UnitGroup.id).where(UnitGroup.organ_id == organ.unit_id).order_by(UnitGroup.sort_order, UnitGroup.id)
    ).all()
    data = NoticeData(
        title=forward_title(organ.name, original),
        series_id=series[0].id if series else None,
        addressees=Addressees.of(groups),
        body=cover_text(original),
        signature_organ=organ.signature_name or organ.name,
        imprint_organ=organ.imprint_name or imprint_organ_of(organ.unit),
        urgency=original.urgency,  # a 特急 notice stays 特急 on its way down
    )
    notice = add_draft(actor, data)
    notice.forwards_id = original.id
    notice.attachments.append(
        NoticeAttachment(
            position=0,
            title=cited_title(original),
            filename=f"{original.number}.pdf",
            file_sha256=pdf_sha256,
            print_as_pages=True,
        )
    )
    db.session.commit()
    return notice


def _make_pdf(original: Notice) -> str:
    """The original's PDF, made now if no worker has made it yet (stored once, as every download does)."""
    notice_pdf(original)
    return original.pdf_sha256


def forwarded_original(notice: Notice, user) -> Notice | None:
    """The notice this one forwards, if the person may open it (a school that received the forwarding notice may;
    app/receipts says so)."""
    return visible_notice(user, notice.forwards_id) if notice.forwards_id is not None else None
