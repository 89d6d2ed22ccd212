"""Organs (机关): which organ a unit's people work in, which units an organ sends to, and which organ is above.

A unit's organ is the nearest unit, itself included, that is an Organ: a section of the city bureau works in the
city bureau, a district bureau's office in the district bureau, a school under a district bureau in the district
bureau (whose notices it receives; a school issues nothing yet). One recursive query finds it, on SQLite and
PostgreSQL alike, and a request asks it once per unit.
"""

from __future__ import annotations

from flask import g, has_app_context
from sqlalchemy import event, select, text

from app.extensions import db
from app.units.models import Organ, Unit, UnitGroup

# Up the unit tree from one unit; the first unit on the way that is an organ.
_ORGAN_OF = text(
    """
    WITH RECURSIVE up(id, parent_id, depth) AS (
        SELECT id, parent_id, 0 FROM units WHERE id = :unit_id
        UNION ALL
        SELECT units.id, units.parent_id, up.depth + 1 FROM units JOIN up ON units.id = up.parent_id
        WHERE up.depth < 32
    )
    SELECT up.id FROM up JOIN organs ON organs.unit_id = up.id ORDER BY up.depth LIMIT 1
    """
)


def _cache() -> dict:
    if not has_app_context():
        return {}
    if "organ_of_unit" not in g:
        g.organ_of_unit = {}
    return g.organ_of_unit


def organ_id_of(unit_id: int | None) -> int | None:
    """The id (the unit's id) of the organ this unit works in, or None for a unit under no organ."""
    if unit_id is None:
        return None
    cache = _cache()
    if unit_id not in cache:
        cache[unit_id] = db.session.scalar(_ORGAN_OF, {"unit_id": unit_id})
    return cache[unit_id]


def organ_id_on(connection, unit_id: int | None) -> int | None:
    """organ_id_of on a connection, for the models' before-insert defaults (no session, no cache)."""
    return connection.scalar(_ORGAN_OF, {"unit_id": unit_id}) if unit_id is not None else None


def top_organ_id_on(connection) -> int | None:
    """The organ with none above it, on a connection."""
    return connection.scalar(select(Organ.unit_id).where(Organ.superior_id.is_(None)).order_by(Organ.unit_id))


def forget_organs() -> None:
    """After a change of the unit tree or of the organs, within the same request (an admin's save)."""
    _cache().clear()


def organ_of(unit_id: int | None) -> Organ | None:
    organ_id = organ_id_of(unit_id)
    return db.session.get(Organ, organ_id) if organ_id is not None else None


def answers_to_an_organ(user) -> bool:
    """Whether the person's organ has one above it (a district bureau): it receives notices, and its people forward
    them. The signed-in person's organ came with the sign-in query."""
    signed_in = getattr(user, "organ", None)
    if signed_in is not None and hasattr(signed_in, "superior_id"):
        return signed_in.superior_id is not None
    organ = db.session.get(Organ, user.organ_id) if user.organ_id is not None else None
    return organ is not None and organ.superior_id is not None


def list_organs() -> list[Organ]:
    """Every organ, the top ones first (the city bureau, then the district bureaus in their units' order)."""
    organs = list(db.session.scalars(select(Organ).join(Organ.unit).order_by(Unit.sort_order, Unit.id)))
    return sorted(organs, key=lambda o: (o.superior_id is not None, o.unit.sort_order, o.unit_id))


def top_organ() -> Organ | None:
    """The organ with none above it (乌海市教育局): what was the one issuing organ before there were several."""
    organs = list_organs()
    return organs[0] if organs else None


def organ_ids_of_units() -> dict[int, int | None]:
    """Every unit's organ (as organ_id_of), in two queries: for lists over many units (the addressee picker)."""
    parents = dict(db.session.execute(select(Unit.id, Unit.parent_id)).all())
    organ_ids = set(db.session.scalars(select(Organ.unit_id)))
    found: dict[int, int | None] = {}
    for unit_id in parents:
        path, current = [], unit_id
        while current is not None and current not in found and current not in organ_ids and len(path) < 32:
            path.append(current)
            current = parents.get(current)
        organ = found.get(current) if current in found else current if current in organ_ids else None
        for step in path:
            found[step] = organ
        if current in organ_ids:
            found[current] = current
    return found


def units_sent_to_by(organ_id: int, units: list[Unit]) -> list[Unit]:
    """Of these units, those the organ sends to: its own sections and schools, and the organs below it (the city
    bureau sends to its sections, the district bureaus and the directly governed schools; a district bureau to its
    sections and its schools)."""
    organs = dict(db.session.execute(select(Organ.unit_id, Organ.superior_id)).all())
    organ_of_unit = organ_ids_of_units()
    # A unit under no organ at all (a district bureau not made an organ) is the top organ's to send to.
    top = organ_id in organs and organs[organ_id] is None

    def sent_to(unit: Unit) -> bool:
        if unit.id in organs:
            return organs[unit.id] == organ_id
        organ = organ_of_unit.get(unit.id)
        return organ == organ_id or (top and organ is None)

    return [u for u in units if u.id != organ_id and sent_to(u)]


@event.listens_for(UnitGroup, "before_insert")
def _group_organ(_mapper, connection, group: UnitGroup) -> None:
    """A group made without an organ (a script's, a fixture's) is kept by the organ of the parent its rule names,
    else by the top organ; the admin pages always say whose it is."""
    if group.organ_id is None:
        group.organ_id = organ_id_on(connection, group.rule_parent_id) or top_organ_id_on(connection)
