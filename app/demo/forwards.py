"""乌教发〔2023〕75号 on its way down (转发): 海勃湾区 and 乌达区 forwarded it to the schools they run in August 2023,
each as a notice of its own (海教发〔2023〕46号, 乌达教发〔2023〕29号); 海南区 has not yet, so that its secretary
(secretary_hainan) can show how it is done and its schools (五中: clerk_no5_middle) receive it then. INVENTED FOR
THE DEMO, like app/demo/in_hand.py.

Each goes the way a forwarding notice goes through the pages: the district's secretary starts it (start_forward)
and dates it, submits it, its reviewer approves it, its head signs it, the secretary issues it (numbered in the
district's series, distributed to its schools). Then it is dated back to when it happened, a few days after the
district's clerk acknowledged 75号, as the rest of the demo is; its receipts are settled with the others' by
app/demo/in_hand.py: most schools acknowledged within three working days, STILL_WAITING's have one reminder.

The forwarding notice's 附件 is 75号's issued PDF, which LibreOffice makes: once, here (the forwarding notices' own
PDFs are the worker's, as every issued notice's). Without LibreOffice there is no PDF, so nothing is forwarded: the
demo loads without the forwards and says so. Written once: an organ that has a notice forwarding 75号, issued or
in hand, is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.auth.models import User
from app.core.access import Role
from app.core.time import CHINA
from app.demo.districts import DISTRICTS
from app.documents.pdf import PdfConversionFailed, PdfUnavailable, pdf_available
from app.extensions import db
from app.notices.documents import notice_pdf
from app.notices.forwarding import forwards_by_organ, start_forward
from app.notices.models import Notice, SerialCounter
from app.notices.services import advance, list_series, notice_data, set_next_serial, update_draft
from app.receipts.models import Distribution
from app.units.models import Unit


@dataclass(frozen=True)
class Forward:
    district: str  # the forwarding district bureau's unit code
    serial: int  # where the district's own numbering stood that August
    steps: dict[str, str]  # action → when (Beijing time), from drafted to issued
    # Its schools that have not acknowledged it yet (app/demo/in_hand.py reminds them once).
    still_waiting: frozenset[str]

    @property
    def series(self) -> str:
        return next(d.series for d in DISTRICTS if d.code == self.district)

    @property
    def number(self) -> str:
        return f"{self.series}〔2023〕{self.serial}号"

    def at(self, action: str) -> datetime:
        return datetime.fromisoformat(self.steps[action]).replace(tzinfo=CHINA)

    @property
    def signed_on(self) -> date:  # 成文日期: the day the head signed it
        return self.at("signed").date()

    @property
    def imprinted_on(self) -> date:  # 印发日期
        return self.at("issued").date()


# 75号 was issued on Tuesday 15 August 2023 at nine; 海勃湾区's clerk acknowledged it on the 16th at 16:04, 乌达区's
# on the 16th at 09:10 (app/demo/in_hand.py), each a day or two before the drafting.
FORWARDS = (
    Forward(
        district="haibowan",
        serial=46,
        steps={
            "drafted": "2023-08-17 09:40",
            "submitted": "2023-08-17 10:20",
            "approved": "2023-08-17 15:30",
            "signed": "2023-08-18 10:10",
            "issued": "2023-08-18 16:20",
        },
        still_waiting=frozenset({"no3_middle", "haibowan_no2_primary"}),
    ),
    Forward(
        district="wuda",
        serial=29,
        steps={
            "drafted": "2023-08-18 09:30",
            "submitted": "2023-08-18 11:00",
            "approved": "2023-08-21 10:00",
            "signed": "2023-08-22 09:40",
            "issued": "2023-08-22 15:10",
        },
        still_waiting=frozenset({"wuda_no2_primary"}),
    ),
)
STILL_WAITING = {forward.number: forward.still_waiting for forward in FORWARDS}

REVIEW_COMMENT = "同意，请局领导签发。"
SIGN_COMMENT = "同意印发。"


def load_forwards(original: Notice) -> list[str]:
    """The districts' forwarding notices of the seed notice, issued, unless they are there already; commits. Returns
    the warnings for the person loading (no LibreOffice, so no forwards)."""
    organs = {d.code: db.session.scalar(select(Unit.id).where(Unit.code == d.code)) for d in DISTRICTS}
    missing = [f for f in FORWARDS if not forwards_by_organ(original, organs[f.district])]
    if not missing:
        return []
    reason = _pdf_missing(original)
    if reason:
        skipped = "、".join(forward.series for forward in missing)
        return [
            f"Warning: {original.number} has no PDF ({reason}), so the district bureaus have not forwarded it: "
            f"the demo has no notice of {skipped}. Install LibreOffice (or set SOFFICE) and run `demo load` again."
        ]
    for forward in missing:
        _forward(original, forward)
    return []


def _pdf_missing(original: Notice) -> str | None:
    """Why the seed notice's issued PDF cannot be made now, or None once it is there (made now if need be)."""
    if original.pdf_sha256:
        return None
    if not pdf_available():
        return "LibreOffice is not installed here"
    try:
        notice_pdf(original)  # stored once, as a download would: the forwarding notices carry this very file
    except (PdfUnavailable, PdfConversionFailed) as exc:
        return str(exc)
    return None


def _forward(original: Notice, forward: Forward) -> Notice:
    district = next(d for d in DISTRICTS if d.code == forward.district)
    people = {
        role: db.session.scalar(select(User).where(User.username == district.username(role)))
        for role in (Role.secretary, Role.reviewer, Role.signer)
    }
    secretary = people[Role.secretary]
    _received(original, secretary.unit_id, before=forward.at("drafted"))
    series = list_series(secretary.unit_id)[0]
    if db.session.get(SerialCounter, (series.id, 2023)) is None:
        set_next_serial(series, 2023, forward.serial)  # committed with the draft
    notice = start_forward(secretary, original)
    # The secretary dates it as it will be signed (成文日期) and printed (印发日期), as the editor lets them.
    data = replace(notice_data(notice), signed_on=forward.signed_on, imprinted_on=forward.imprinted_on)
    update_draft(secretary, notice, data, notice.version)
    advance(secretary, notice, "submitted")
    advance(people[Role.reviewer], notice, "approved", REVIEW_COMMENT)
    advance(people[Role.signer], notice, "signed", SIGN_COMMENT)
    advance(secretary, notice, "issued")
    # As it happened in 2023, not on the day of the load (the audit log keeps the day of the load).
    when = forward.at("drafted")
    for event in notice.events:
        when = forward.at(event.action) if event.action in forward.steps else when
        event.created_at = when
    notice.created_at = forward.at("drafted")
    notice.issued_at = notice.updated_at = forward.at("issued")
    db.session.commit()
    return notice


def _received(original: Notice, unit_id: int, *, before: datetime) -> None:
    """The district bureau has acknowledged the notice it forwards, by its clerk: app/demo/in_hand.py has, for every
    demo notice; this is for a database where it has not. At four on the afternoon before the drafting."""
    distribution = db.session.scalar(
        select(Distribution).where(Distribution.notice_id == original.id, Distribution.unit_id == unit_id)
    )
    if distribution is None or distribution.acknowledged_at is not None:
        return
    people = db.session.scalars(select(User).where(User.unit_id == unit_id).order_by(User.id))
    clerk = next((u for u in people if u.has_role(Role.clerk)), None)
    if clerk is None:
        return
    distribution.delivered_at = original.issued_at
    distribution.acknowledged_at = datetime.combine(before.date() - timedelta(days=1), time(16, 0), CHINA)
    distribution.first_opened_at = distribution.acknowledged_at - timedelta(minutes=12)
    distribution.first_opened_by_id = distribution.acknowledged_by_id = clerk.id
