"""Rules about units and unit groups; no request here, the caller passes the user."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core.audit import record
from app.extensions import db
from app.units.models import Unit, UnitGroup


class UnitError(ValueError):
    """A change that the rules refuse; the message is shown to the user."""


def list_units(include_inactive: bool = True) -> list[Unit]:
    query = select(Unit).order_by(Unit.sort_order, Unit.id)
    if not include_inactive:
        query = query.where(Unit.is_active.is_(True))
    return list(db.session.scalars(query))


def visible_unit(user, unit_id: int) -> Unit | None:
    """The unit if this user may see it: bureau users see every unit, a clerk only its own."""
    if not user.is_bureau_user and unit_id != user.unit_id:
        return None
    return db.session.get(Unit, unit_id)


def _would_cycle(unit: Unit, parent_id: int | None) -> bool:
    seen = set()
    current = db.session.get(Unit, parent_id) if parent_id else None
    while current is not None and current.id not in seen:
        if current.id == unit.id:
            return True
        seen.add(current.id)
        current = current.parent
    return False


def save_unit(actor, unit: Unit | None, data: dict) -> Unit:
    """Create or update a unit from validated form data, in one transaction."""
    creating = unit is None
    unit = unit or Unit()
    parent_id = data.get("parent_id") or None
    if not creating and parent_id is not None and _would_cycle(unit, parent_id):
        raise UnitError(_("A unit cannot be placed under itself or under one of its own units."))
    for field in ("code", "name", "short_name", "name_mn", "kind", "school_level", "email", "sort_order", "is_active"):
        if field in data:
            setattr(unit, field, data[field])
    unit.short_name = unit.short_name or None
    unit.name_mn = unit.name_mn or None
    unit.school_level = unit.school_level or None
    unit.email = unit.email or None
    unit.sort_order = unit.sort_order or 0
    unit.parent_id = parent_id
    db.session.add(unit)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise UnitError(_("Another unit already has this code.")) from exc
    record(actor, "unit.create" if creating else "unit.update", unit, code=unit.code)
    db.session.commit()
    return unit


def list_groups() -> list[UnitGroup]:
    return list(db.session.scalars(select(UnitGroup).order_by(UnitGroup.sort_order, UnitGroup.id)))


def save_group(actor, group: UnitGroup | None, data: dict) -> UnitGroup:
    creating = group is None
    group = group or UnitGroup()
    group.name = data["name"]
    group.name_mn = data.get("name_mn") or None
    group.sort_order = data.get("sort_order") or 0
    group.note = data.get("note") or None
    kinds = list(data.get("rule_kinds") or [])
    unit_ids = list(data.get("unit_ids") or [])
    if kinds and unit_ids:
        raise UnitError(_("A group is either a rule (kinds of unit) or a list of units, not both."))
    if not kinds and not unit_ids:
        raise UnitError(_("Choose the kinds of unit the group reaches, or the units themselves."))
    group.rule_kinds = kinds or None
    group.rule_parent_id = (data.get("rule_parent_id") or None) if kinds else None
    group.explicit_units = list(db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))) if unit_ids else []
    db.session.add(group)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise UnitError(_("Another group already has this name.")) from exc
    record(actor, "group.create" if creating else "group.update", group, name=group.name)
    db.session.commit()
    return group
