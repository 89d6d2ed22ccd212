"""Extra schools, clerks and issued notices for load tests (demo scale)."""

from datetime import date

from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

from app.auth.models import PASSWORD_METHOD, Role, User, UserRole
from app.core.time import utcnow
from app.extensions import db
from app.notices.models import DocumentSeries, Notice, NoticeEvent, NoticeStatus, SerialCounter
from app.receipts.models import Distribution
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
    password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
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
    """count more issued notices, each distributed to every scale school."""
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
    now = utcnow()
    for _ in range(count):
        serial = counter.next_serial
        counter.next_serial += 1
        notice = Notice(
            series_id=series.id,
            year=year,
            serial=serial,
            title=f"关于测试通知第{serial}份的通知",
            addressees=[{"group": group.id}],
            addressee_text=f"{SCALE_GROUP}：",
            body="这是用于压力测试的通知正文。",
            signature_organ="乌海市教育局",
            signed_on=date(year, 1, 1),
            imprint_organ="乌海市教育局办公室",
            imprinted_on=date(year, 1, 1),
            author_id=author.id,
            status=NoticeStatus.issued.value,
            issued_at=now,
        )
        db.session.add(notice)
        db.session.flush()
        db.session.add(NoticeEvent(notice_id=notice.id, actor_id=author.id, action="issued", created_at=now))
        if unit_ids:
            db.session.execute(
                insert(Distribution),
                [{"notice_id": notice.id, "unit_id": uid, "role": "to", "delivered_at": now} for uid in unit_ids],
            )
    return count
