"""Extra schools, clerks and issued notices for load tests (demo scale)."""

from datetime import date

from sqlalchemy import func, insert, literal, select, true

from app.auth.models import User, UserRole, hash_password
from app.core.access import Role
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db
from app.notices.models import DocumentSeries, Notice, NoticeEvent, NoticeStatus, SerialCounter
from app.receipts.models import Distribution
from app.units.addressees import Addressees
from app.units.models import Unit, UnitGroup

SCALE_GROUP = "压力测试学校"
SCALE_SERIES = "乌教测"


def _scale_group() -> UnitGroup:
    group = db.session.scalar(select(UnitGroup).where(UnitGroup.name == SCALE_GROUP))
    if group is None:
        group = UnitGroup(name=SCALE_GROUP, sort_order=1000, note="demo scale")
        db.session.add(group)
        db.session.flush()
    return group


def add_units(count: int, password: str) -> list[Unit]:
    """count more schools, each with one clerk, numbered after those already made."""
    bureau = db.session.scalar(select(Unit).where(Unit.code == "bureau"))
    if bureau is None:
        raise RuntimeError("run `flask --app wsgi demo load` first")
    group = _scale_group()
    start = db.session.scalar(select(func.count()).select_from(Unit).where(Unit.code.like("scale_%"))) or 0
    password_hash = hash_password(password)
    units = []
    for number in range(start + 1, start + count + 1):
        unit = Unit(
            code=f"scale_{number:04d}",
            name=f"测试学校{number:04d}",
            short_name=f"测试{number:04d}",
            kind="school",
            school_level="primary",
            parent_id=bureau.id,
            sort_order=100000 + number,
        )
        units.append(unit)
    db.session.add_all(units)
    db.session.flush()
    group.explicit_units = list(group.explicit_units) + units
    users = [
        User(
            username=f"clerk_{u.code}", display_name=f"{u.short_name}收文员", unit_id=u.id, password_hash=password_hash
        )
        for u in units
    ]
    db.session.add_all(users)
    db.session.flush()
    db.session.execute(insert(UserRole), [{"user_id": u.id, "role": Role.clerk.value} for u in users])
    return units


def add_notices(count: int) -> int:
    """count more issued notices, each distributed to every scale school.

    In three statements whatever the count (notices, their events, their distributions): a thousand notices to
    three hundred schools are 300 000 distributions.
    """
    group = _scale_group()
    unit_ids = [u.id for u in group.resolve_units()]
    bureau = db.session.scalar(select(Unit).where(Unit.code == "bureau"))
    author = db.session.scalar(select(User).where(User.username == "secretary"))
    if author is None:
        raise RuntimeError("run `flask --app wsgi demo load` first")
    series = db.session.scalar(select(DocumentSeries).where(DocumentSeries.organ_code == SCALE_SERIES))
    if series is None:
        series = DocumentSeries(
            organ_code=SCALE_SERIES, name="测试发文", unit_id=bureau.id, header_mark="乌海市教育局文件"
        )
        db.session.add(series)
        db.session.flush()
    year = utcnow().year
    counter = db.session.get(SerialCounter, (series.id, year))
    if counter is None:
        counter = SerialCounter(series_id=series.id, year=year, next_serial=1)
        db.session.add(counter)
    if count == 0:
        return 0
    now = utcnow()
    serials = range(counter.next_serial, counter.next_serial + count)
    counter.next_serial += count
    notice_ids = db.session.scalars(
        insert(Notice).returning(Notice.id, sort_by_parameter_order=True),
        [
            {
                "series_id": series.id,
                "organ_id": series.unit_id,
                "year": year,
                "serial": serial,
                "title": f"关于测试通知第{serial}份的通知",
                "addressees": Addressees.of([group.id]),
                "addressee_text": f"{SCALE_GROUP}：",
                "body": "这是用于压力测试的通知正文。",
                "signature_organ": "乌海市教育局",
                "signed_on": date(year, 1, 1),
                "imprint_organ": "乌海市教育局办公室",
                "imprinted_on": date(year, 1, 1),
                "author_id": author.id,
                "status": NoticeStatus.issued.value,
                "issued_at": now,
            }
            for serial in serials
        ],
    ).all()
    db.session.execute(
        insert(NoticeEvent),
        [
            {"notice_id": notice_id, "actor_id": author.id, "action": "issued", "created_at": now}
            for notice_id in notice_ids
        ],
    )
    if unit_ids:
        db.session.execute(
            insert(Distribution).from_select(
                ["notice_id", "unit_id", "role", "delivered_at"],
                select(Notice.id, Unit.id, literal("to"), literal(now, UTCDateTime()))
                .join(Unit, true())  # every notice to every school
                .where(Notice.id.in_(notice_ids), Unit.id.in_(unit_ids))
                .order_by(Notice.id, Unit.id),
            )
        )
    return count
