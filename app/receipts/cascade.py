"""The cascade (逐级转发): how a notice sent to the district bureaus went on to their schools.

The city bureau sends 乌教发〔2023〕75号 to the district bureaus; each district bureau acknowledges it and forwards
it to its own schools with a 转发通知 of its own number (app/notices/forwarding.py), which those schools acknowledge.
The city's receipt view shows, for each district bureau it sent the notice to: its receipt, its forwarding notice (or
that one is being drafted, or none), and how many of the units the forwarding notice went to have acknowledged it.

A district bureau here is an organ answering to the notice's organ (Organ.superior_id) that the notice was sent to.
Nothing is stored for the cascade: it is read from the forwarding notices (Notice.forwards_id) and their
distributions, in two queries however many district bureaus and schools, so the view that refreshes itself every few
seconds costs the same for three districts as for thirty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from app.auth.models import name_of
from app.extensions import db
from app.notices.models import DocumentSeries, Notice, NoticeStatus, format_document_number
from app.receipts.models import Distribution
from app.units.models import Organ, Unit


@dataclass(frozen=True, slots=True)
class Forwarding:
    """An issued notice of a district bureau forwarding this one, and how far its own units have got with it."""

    notice_id: int
    number: str | None
    issued_at: datetime | None
    sent: int = 0
    acknowledged: int = 0


@dataclass
class DistrictForwarding:
    """One district bureau the notice was sent to: its own receipt, and what it did with the notice."""

    unit_id: int
    unit_name: str
    sort_order: int
    delivered_at: datetime
    first_opened_at: datetime | None
    acknowledged_at: datetime | None
    forwards: list[Forwarding] = field(default_factory=list)  # issued, the first issued first
    in_hand: bool = False  # a forwarding notice not yet issued (a draft, in review, signed)

    @property
    def state(self) -> str:
        """forwarded (a forwarding notice is issued), forwarding (one is in hand, not issued yet), not_forwarded."""
        if self.forwards:
            return "forwarded"
        return "forwarding" if self.in_hand else "not_forwarded"

    @property
    def receipt_state(self) -> str:
        if self.acknowledged_at:
            return "acknowledged"
        return "opened" if self.first_opened_at else "unread"

    @property
    def sent(self) -> int:
        """The units its forwarding notices went to."""
        return sum(f.sent for f in self.forwards)

    @property
    def acknowledged(self) -> int:
        return sum(f.acknowledged for f in self.forwards)

    @property
    def may_be_reminded_to_forward(self) -> bool:
        """Acknowledged and not forwarded yet (a forwarding draft in hand included): the city may chase it."""
        return self.acknowledged_at is not None and not self.forwards


def _districts_sent(notice: Notice):
    """WHERE, over distributions joined to organs: the notice's, to an organ answering to the notice's organ."""
    return and_(Distribution.notice_id == notice.id, Organ.superior_id == notice.organ_id)


def district_forwardings(notice: Notice) -> list[DistrictForwarding]:
    """Each district bureau the notice was sent to, in the units' order, with its forwarding notices and their
    counts: one query for the district bureaus and their forwarding notices, one grouped count over the issued ones'
    distributions."""
    if notice.organ_id is None or not notice.is_issued:
        return []
    rows = db.session.execute(
        select(
            Distribution.unit_id,
            Unit.name,
            Unit.sort_order,
            Distribution.delivered_at,
            Distribution.first_opened_at,
            Distribution.acknowledged_at,
            Notice.id,
            Notice.status,
            DocumentSeries.organ_code,
            Notice.year,
            Notice.serial,
            Notice.issued_at,
        )
        .select_from(Distribution)
        .join(Organ, Organ.unit_id == Distribution.unit_id)
        .join(Unit, Unit.id == Distribution.unit_id)
        .outerjoin(Notice, and_(Notice.forwards_id == notice.id, Notice.organ_id == Distribution.unit_id))
        .outerjoin(DocumentSeries, DocumentSeries.id == Notice.series_id)
        .where(_districts_sent(notice))
        .order_by(Unit.sort_order, Unit.id, Notice.issued_at, Notice.id)
    ).all()
    districts: dict[int, DistrictForwarding] = {}
    issued: list[tuple[DistrictForwarding, int, str | None, datetime | None]] = []
    for unit_id, name, order, delivered, opened, acknowledged, forward_id, status, code, year, serial, at in rows:
        district = districts.get(unit_id)
        if district is None:
            district = districts[unit_id] = DistrictForwarding(unit_id, name, order, delivered, opened, acknowledged)
        if forward_id is None:
            continue
        if status == NoticeStatus.issued.value:
            number = format_document_number(code, year, serial) if None not in (code, year, serial) else None
            issued.append((district, forward_id, number, at))
        else:
            district.in_hand = True
    counts = _counts([forward_id for _district, forward_id, _number, _at in issued])
    for district, forward_id, number, at in issued:
        sent, acknowledged = counts.get(forward_id, (0, 0))
        district.forwards.append(Forwarding(forward_id, number, at, sent, acknowledged))
    return list(districts.values())


def _counts(notice_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(sent, acknowledged) of each notice, in one grouped query."""
    if not notice_ids:
        return {}
    rows = db.session.execute(
        select(Distribution.notice_id, func.count(Distribution.id), func.count(Distribution.acknowledged_at))
        .where(Distribution.notice_id.in_(notice_ids))
        .group_by(Distribution.notice_id)
    ).all()
    return {notice_id: (sent, acknowledged) for notice_id, sent, acknowledged in rows}


@dataclass
class ForwardedCopy:
    """A district bureau's issued forwarding notice and its distributions, the units' rows in their order."""

    notice: Notice
    distributions: list[Distribution]

    @property
    def acknowledged(self) -> int:
        return sum(1 for d in self.distributions if d.acknowledged_at is not None)


@dataclass
class DistrictUnits:
    """What the city sees when it opens one district bureau's line: the bureau, and the units its forwarding
    notices went to, with their receipts."""

    district: Unit
    distribution: Distribution  # the district bureau's own copy of the notice
    copies: list[ForwardedCopy]
    in_hand: bool


def district_units(notice: Notice, unit_id: int) -> DistrictUnits | None:
    """The district bureau's forwarding of the notice, with each unit it went to; None when the unit is not one of
    the district bureaus the notice was sent to (the caller answers 404). Four queries."""
    if notice.organ_id is None or not notice.is_issued:
        return None
    own = db.session.scalar(
        select(Distribution)
        .join(Organ, Organ.unit_id == Distribution.unit_id)
        .where(_districts_sent(notice), Distribution.unit_id == unit_id)
        .options(joinedload(Distribution.unit))
    )
    if own is None:
        return None
    forwards = db.session.scalars(
        select(Notice)
        .where(Notice.forwards_id == notice.id, Notice.organ_id == unit_id)
        .options(joinedload(Notice.series))
        .order_by(Notice.issued_at, Notice.id)
    ).all()
    issued = [f for f in forwards if f.is_issued]
    by_notice: dict[int, list[Distribution]] = {f.id: [] for f in issued}
    if issued:
        distributions = db.session.scalars(
            select(Distribution)
            .join(Unit, Unit.id == Distribution.unit_id)
            .where(Distribution.notice_id.in_(list(by_notice)))
            .options(joinedload(Distribution.unit), name_of(Distribution.acknowledged_by))
            .order_by(Unit.sort_order, Unit.id)
        ).unique()
        for distribution in distributions:
            by_notice[distribution.notice_id].append(distribution)
    return DistrictUnits(
        district=own.unit,
        distribution=own,
        copies=[ForwardedCopy(f, by_notice[f.id]) for f in issued],
        in_hand=len(issued) < len(forwards),
    )


def forwarded_by(notice_id: int, organ_id: int) -> bool:
    """Whether the organ has issued a notice forwarding this one."""
    return (
        db.session.scalar(
            select(Notice.id)
            .where(
                Notice.forwards_id == notice_id,
                Notice.organ_id == organ_id,
                Notice.status == NoticeStatus.issued.value,
            )
            .limit(1)
        )
        is not None
    )
