"""Distribution of issued notices to units, and their receipts."""

from sqlalchemy import select

from app.extensions import db
from app.notices.models import Notice
from app.receipts.models import Distribution
from app.units.models import Unit, UnitGroup


def _units_of(picks: list) -> list[Unit]:
    """Expand [{"group": id} | {"unit": id}] into units, in order, each once."""
    units: list[Unit] = []
    for pick in picks or []:
        if "group" in pick:
            group = db.session.get(UnitGroup, pick["group"])
            if group is not None:
                units.extend(group.resolve_units())
        elif "unit" in pick:
            unit = db.session.get(Unit, pick["unit"])
            if unit is not None and unit.is_active:
                units.append(unit)
    return units


def distribute(notice: Notice) -> list[Distribution]:
    """One distribution per unit reached by the addressees and the cc list.

    Groups are expanded to their units as they are now; a unit reached twice gets
    one distribution, as addressee. The caller commits.
    """
    existing = {d.unit_id for d in db.session.scalars(select(Distribution).where(Distribution.notice_id == notice.id))}
    roles: dict[int, str] = {}
    for unit in _units_of(notice.addressees):
        roles.setdefault(unit.id, "to")
    for unit in _units_of(notice.cc):
        roles.setdefault(unit.id, "cc")
    created = []
    for unit_id, role in roles.items():
        if unit_id in existing:
            continue
        distribution = Distribution(notice_id=notice.id, unit_id=unit_id, role=role)
        db.session.add(distribution)
        created.append(distribution)
    return created
