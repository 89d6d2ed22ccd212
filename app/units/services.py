"""Rules about units and unit groups; no request here, the caller passes the user."""

from dataclasses import asdict, dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core.access import Role
from app.core.audit import record
from app.extensions import db
from app.units.models import Organ, Unit, UnitGroup
from app.units.organs import forget_organs, organ_ids_of_units


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


def list_groups(organ_id: int | None = None) -> list[UnitGroup]:
    """The unit groups, of one organ when given (an organ keeps its own and sends to them)."""
    query = select(UnitGroup).order_by(UnitGroup.sort_order, UnitGroup.id)
    if organ_id is not None:
        query = query.where(UnitGroup.organ_id == organ_id)
    return list(db.session.scalars(query))


def save_group(actor, group: UnitGroup | None, data: dict) -> UnitGroup:
    """A group of the actor's organ (a new one becomes theirs)."""
    creating = group is None
    group = group or UnitGroup(organ_id=actor.organ_id)
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


# Organs


def administered_units(user) -> list[Unit]:
    """The units whose accounts and records this admin keeps: every unit for the top organ's admin; for another
    organ's admin (a district bureau's), the units that work in its organ (the bureau itself, its sections and
    schools)."""
    units = list_units()
    if is_top_admin(user):
        return units
    organ_of_unit = organ_ids_of_units()
    return [u for u in units if user.organ_id is not None and organ_of_unit.get(u.id) == user.organ_id]


def administers_unit(user, unit_id: int | None) -> bool:
    return unit_id is not None and any(u.id == unit_id for u in administered_units(user))


def is_top_admin(user) -> bool:
    """An admin of the organ with none above it (the city bureau): the site's administrator."""
    if not user.has_role(Role.admin) or user.organ_id is None:
        return False
    organ = db.session.get(Organ, user.organ_id)
    return organ is not None and organ.superior_id is None


def may_administer_organ(user, organ: Organ) -> bool:
    """An organ's own admin, or the top organ's."""
    return user.has_role(Role.admin) and (user.organ_id == organ.unit_id or is_top_admin(user))


@dataclass(frozen=True)
class OrganData:
    name_mn: str
    name_mn_confirmed: bool
    header_order: str
    signature_name: str = ""
    imprint_name: str = ""


def save_organ(actor, organ: Organ, data: OrganData) -> Organ:
    """The organ's header and names, every Mongolian character as typed."""
    for name, value in asdict(data).items():
        setattr(organ, name, value)
    record(actor, "organ.update", organ, object_type="Organ", name=organ.name, confirmed=data.name_mn_confirmed)
    db.session.commit()
    return organ


def make_organ(actor, unit_id: int, *, superior_id: int | None) -> Organ:
    """Mark a unit as an organ of its own, answering to `superior_id`. Its admin then confirms its Mongolian name; the
    document series it numbers in are made on the series page."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise UnitError(_("No such unit."))
    if db.session.get(Organ, unit_id) is not None:
        raise UnitError(_("%(name)s is an organ already.", name=unit.name))
    if superior_id is not None and db.session.get(Organ, superior_id) is None:
        raise UnitError(_("The organ it answers to must be an organ."))
    organ = Organ(unit_id=unit.id, superior_id=superior_id, name_mn="")
    db.session.add(organ)
    db.session.flush()
    forget_organs()
    record(actor, "organ.create", organ, object_type="Organ", name=unit.name)
    db.session.commit()
    return organ
