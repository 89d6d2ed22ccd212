"""District bureaus as organs of their own, for tests: the same organs, series, groups and accounts as the demo's
(app/demo/districts.py), got or made, so that a test works on any dataset that has the district bureaus' units.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.auth.models import User, hash_password
from app.core.access import Role
from app.demo.districts import DISTRICTS as DEMO_DISTRICTS
from app.extensions import db
from app.notices.models import DocumentSeries
from app.units.models import Organ, Unit, UnitGroup
from app.units.organs import forget_organs, top_organ

from .accounts import DEMO_PASSWORD

# unit code: (series code, red mark, the group of its schools), as the demo has them.
DISTRICTS = {d.code: (d.series, d.mark, d.group) for d in DEMO_DISTRICTS}
# The roles each district bureau's staff hold, one account each: secretary_hainan, reviewer_hainan, …
DISTRICT_ROLES = (Role.secretary, Role.reviewer, Role.signer, Role.staff, Role.admin)


@dataclass(frozen=True)
class DistrictOrgan:
    unit_id: int
    series_id: int
    group_id: int
    code: str

    def account(self, role: Role | str) -> str:
        return f"{Role(role).value}_{self.code}"


def district_organ(code: str) -> DistrictOrgan:
    """The district bureau (unit code haibowan, wuda or hainan) as an organ answering to the city bureau, with its
    series, the group of its schools and one account per role; made if missing, and committed. In an app context."""
    series_code, mark, group_name = DISTRICTS[code]
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    assert unit is not None, f"no unit {code} in this dataset"
    organ = db.session.get(Organ, unit.id)
    if organ is None:
        organ = Organ(unit_id=unit.id, superior_id=top_organ().unit_id, name_mn="")
        db.session.add(organ)
        db.session.flush()
        forget_organs()
    series = db.session.scalar(select(DocumentSeries).where(DocumentSeries.organ_code == series_code))
    if series is None:
        series = DocumentSeries(organ_code=series_code, name=f"{unit.name}发文", unit_id=unit.id, header_mark=mark)
        db.session.add(series)
    group = db.session.scalar(select(UnitGroup).where(UnitGroup.name == group_name))
    if group is None:
        group = UnitGroup(name=group_name, rule_kinds=["school"], rule_parent_id=unit.id, organ_id=unit.id)
        db.session.add(group)
    password_hash = None
    for role in DISTRICT_ROLES:
        username = f"{role.value}_{code}"
        if db.session.scalar(select(User.id).where(User.username == username)) is None:
            password_hash = password_hash or hash_password(DEMO_PASSWORD)
            user = User(
                username=username,
                display_name=f"{unit.short_name or unit.name}{role.title}",
                unit_id=unit.id,
                password_hash=password_hash,
            )
            user.set_roles([role])
            db.session.add(user)
    db.session.commit()
    return DistrictOrgan(unit.id, series.id, group.id, code)


def school_clerk(school_code: str) -> str:
    """The demo's clerk account of a school (clerk_no3_middle)."""
    return f"clerk_{school_code}"
