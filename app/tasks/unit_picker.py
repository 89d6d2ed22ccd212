"""Choosing a task's cooperating units (配合单位): by group or by name, not from a list of every unit.

The picker shows the units chosen so far, shortcuts that add a whole group at once (the addressee groups such as
各区教育局, and each district with its schools), and a filter box whose matches can be ticked. Its state travels in
the form itself (the ticked ids, the filter text, the shortcut pressed), so the same state is drawn by htmx as one
types and by a plain form post without JavaScript. At most three queries whatever is picked: the units, the groups,
and the members of the groups that list their units one by one (and, for a district bureau, which picks among its
own schools and sections only, two more to find them).

The groups are the organ's own (the city's 各区教育局, a district's 各学校).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.tasks.scope import units_of_organ
from app.units.models import Unit, UnitGroup, UnitKind, unit_group_members

# Matches shown under the filter box; past this many, the person types a little more.
MATCHES_SHOWN = 30


@dataclass(frozen=True)
class Shortcut:
    key: str  # "group-3", "district-12": the value the shortcut's button sends
    label: str
    units: tuple[int, ...]  # the unit ids it adds

    @property
    def count(self) -> int:
        return len(self.units)


@dataclass
class UnitPicker:
    picked: list[Unit]
    matches: list[Unit]
    more: int  # matches not shown
    query: str
    shortcuts: list[Shortcut] = field(default_factory=list)


def _assignable(units: list[Unit], own: set[int] | None) -> list[Unit]:
    return [u for u in units if u.is_active and u.kind != UnitKind.bureau and (own is None or u.id in own)]


def _shortcuts(
    units: list[Unit], groups: list[UnitGroup], explicit: dict[int, set[int]], own: set[int] | None
) -> list[Shortcut]:
    by_id = {u.id: u for u in units}
    assignable = {u.id for u in _assignable(units, own)}
    shortcuts = []
    for group in groups:
        if group.is_rule_based:
            members = [
                u.id
                for u in units
                if u.id in assignable
                and u.kind in group.rule_kinds
                and (group.rule_parent_id is None or u.parent_id == group.rule_parent_id)
            ]
        else:
            members = [u.id for u in units if u.id in assignable and u.id in explicit.get(group.id, set())]
        if members:
            shortcuts.append(Shortcut(f"group-{group.id}", group.name, tuple(members)))

    def district_of(unit: Unit) -> int | None:
        seen = set()
        while unit is not None and unit.id not in seen:
            if unit.kind == UnitKind.district_bureau:
                return unit.id
            seen.add(unit.id)
            unit = by_id.get(unit.parent_id)
        return None

    for district in (u for u in units if u.kind == UnitKind.district_bureau and u.id in assignable):
        members = tuple(u.id for u in units if u.id in assignable and district_of(u) == district.id)
        shortcuts.append(
            Shortcut(
                f"district-{district.id}", _("%(district)s and its schools", district=district.display_name), members
            )
        )
    return shortcuts


def _matches(unit: Unit, query: str) -> bool:
    needle = query.casefold()
    return any(needle in (text or "").casefold() for text in (unit.name, unit.short_name, unit.code))


def unit_picker(
    picked_ids: list[int], *, query: str = "", add: str = "", organ_id: int | None = None, top: bool = True
) -> UnitPicker:
    """The picker's state for the organ's people: the units picked (those ticked, plus the shortcut `add` pressed),
    and the units whose name matches `query` that are not picked yet. The city bureau (`top`) picks among every
    unit; a district bureau among its own."""
    units = list(db.session.scalars(select(Unit).order_by(Unit.sort_order, Unit.id)))
    own = None if top else {u.id for u in units_of_organ(organ_id, top=False)}
    groups_query = select(UnitGroup).order_by(UnitGroup.sort_order, UnitGroup.id)
    if organ_id is not None:
        groups_query = groups_query.where(UnitGroup.organ_id == organ_id)
    groups = list(db.session.scalars(groups_query))
    explicit: dict[int, set[int]] = {}
    if any(not g.is_rule_based for g in groups):
        for group_id, unit_id in db.session.execute(
            select(unit_group_members.c.group_id, unit_group_members.c.unit_id)
        ):
            explicit.setdefault(group_id, set()).add(unit_id)
    shortcuts = _shortcuts(units, groups, explicit, own)
    assignable = _assignable(units, own)
    wanted = dict.fromkeys(picked_ids)
    chosen = next((s for s in shortcuts if s.key == add), None)
    if chosen is not None:
        wanted.update(dict.fromkeys(chosen.units))
    picked = [u for u in assignable if u.id in wanted]
    query = (query or "").strip()[:100]
    found = [u for u in assignable if u.id not in wanted and _matches(u, query)] if query else []
    return UnitPicker(
        picked=picked,
        matches=found[:MATCHES_SHOWN],
        more=max(len(found) - MATCHES_SHOWN, 0),
        query=query,
        shortcuts=shortcuts,
    )
