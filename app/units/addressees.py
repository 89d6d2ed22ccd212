"""Addressees: the unit groups and units a notice is sent (or copied) to, and organs outside the system, as one value.

Stored in a JSON column as the picks, in the order printed: groups, then units, then the others by name,
[{"group": 3}, {"unit": 12}, {"name": "乌海市人民政府办公室"}]. Read back as an Addressees, so that nothing else parses
the picks: the editor shows the choice, the document prints the names (line), receipts expand them to the units
that get the notice in their inbox (units; an organ outside the system gets it on paper).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import JSON, TypeDecorator, select

from app.extensions import db
from app.units.models import Unit, UnitGroup, UnitKind, unit_group_members

LIST_SEPARATOR = "、"
ADDRESSEE_END = "："  # a full-width colon closes the addressee line
CC_SEPARATOR = "，"  # 抄送 separates its organs with commas (GB/T 9704 §7.4.2)


def names_in(text: str | None) -> tuple[str, ...]:
    """Names typed one after another, separated by 、 or on lines of their own."""
    return tuple(name.strip(" \t\u3000") for name in re.split(r"[、\r\n]+", text or "") if name.strip(" \t\u3000"))


@dataclass(frozen=True)
class Addressees:
    group_ids: tuple[int, ...] = ()
    unit_ids: tuple[int, ...] = ()
    others: tuple[str, ...] = ()  # organs outside the system, printed as written

    @classmethod
    def of(cls, group_ids=(), unit_ids=(), others=()) -> Addressees:
        """From ids as a form gives them (any iterable, ints or digit strings; None is no choice), and names."""
        return cls(
            tuple(int(g) for g in group_ids or ()),
            tuple(int(u) for u in unit_ids or ()),
            tuple(name for name in others or () if name),
        )

    @classmethod
    def from_picks(cls, picks: list | None) -> Addressees:
        picks = picks or []
        return cls(
            tuple(int(p["group"]) for p in picks if "group" in p),
            tuple(int(p["unit"]) for p in picks if "unit" in p),
            tuple(str(p["name"]) for p in picks if "name" in p),
        )

    def picks(self) -> list[dict]:
        return (
            [{"group": g} for g in self.group_ids]
            + [{"unit": u} for u in self.unit_ids]
            + [{"name": name} for name in self.others]
        )

    def __bool__(self) -> bool:
        return bool(self.group_ids or self.unit_ids or self.others)

    def line(self, *, closing: str = ADDRESSEE_END, separator: str = LIST_SEPARATOR) -> str:
        """As the document prints them: 各区教育局、直属各学校（单位）、局机关各科室：

        Groups or units deleted since are left out; no name at all gives an empty line.
        """
        groups = dict(
            db.session.execute(select(UnitGroup.id, UnitGroup.name).where(UnitGroup.id.in_(self.group_ids))).all()
        )
        units = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(self.unit_ids))).all())
        names = [groups[g] for g in self.group_ids if g in groups] + [units[u] for u in self.unit_ids if u in units]
        names += self.others
        return separator.join(names) + closing if names else ""

    def units(self) -> list[Unit]:
        """The active units reached now: each group's units as the group stands today, then the units picked."""
        reached: list[Unit] = []
        for group_id in self.group_ids:
            group = db.session.get(UnitGroup, group_id)
            if group is not None:
                reached.extend(group.resolve_units())
        for unit_id in self.unit_ids:
            unit = db.session.get(Unit, unit_id)
            if unit is not None and unit.is_active:
                reached.append(unit)
        return reached


# What the picks reach, shown in the editor before the notice is issued (the 主送 and 抄送 panels)


@dataclass(frozen=True)
class ReachSection:
    """The reached units of one kind in one district (district None: the city's own, or the district bureaus)."""

    district: Unit | None
    kind: str
    units: tuple[Unit, ...]


@dataclass(frozen=True)
class Unreached:
    """Active units right under a reached unit that the picks leave out: a district bureau picked, its schools not.
    A person expects them to get the notice; they do only if the reached unit forwards it (转发)."""

    parent: Unit
    kind: str
    count: int

    @property
    def is_forwarded(self) -> bool:
        return self.parent.kind == UnitKind.district_bureau


@dataclass(frozen=True)
class Reach:
    units: tuple[Unit, ...]  # every unit whose inbox gets the notice, each once, in the units' order
    sections: tuple[ReachSection, ...]
    unreached: tuple[Unreached, ...]
    others: tuple[str, ...]  # organs outside the system, sent on paper

    @property
    def count(self) -> int:
        return len(self.units)


def _district_above(unit: Unit, by_id: dict[int, Unit]) -> Unit | None:
    """The district bureau the unit is under, if any; a district bureau itself is under none (listed with its
    peers, not as a district of one)."""
    seen = {unit.id}
    parent = by_id.get(unit.parent_id)
    while parent is not None and parent.id not in seen:
        if parent.kind == UnitKind.district_bureau:
            return parent
        seen.add(parent.id)
        parent = by_id.get(parent.parent_id)
    return None


def reach_among(addressees: Addressees, units: list[Unit], groups: list[UnitGroup], members: dict[int, set]) -> Reach:
    """What the picks reach among these units (all of them, in their order), with these groups and the units each
    explicit group lists (members). No query: the caller loads the rows once, whatever the picks."""
    picked_groups = [(g, frozenset(members.get(g.id, ()))) for g in groups if g.id in set(addressees.group_ids)]
    picked_units = set(addressees.unit_ids)
    reached = [
        u
        for u in units
        if (u.id in picked_units and u.is_active) or any(g.reaches(u, listed) for g, listed in picked_groups)
    ]
    return Reach(
        units=tuple(reached),
        sections=_sections(reached, units),
        unreached=_unreached(reached, units),
        others=addressees.others,
    )


def _sections(reached: list[Unit], units: list[Unit]) -> tuple[ReachSection, ...]:
    """The reached units by district, then by kind: the city's own first, then each district in the units' order."""
    by_id = {u.id: u for u in units}
    position = {u.id: n for n, u in enumerate(units)}
    kind_order = {kind.value: n for n, kind in enumerate(UnitKind)}
    sections: dict[tuple, list[Unit]] = {}
    for unit in reached:
        sections.setdefault((_district_above(unit, by_id), unit.kind), []).append(unit)

    def order(key: tuple) -> tuple:
        district, kind = key
        return (district is not None, position[district.id] if district else 0, kind_order.get(kind, len(kind_order)))

    return tuple(ReachSection(d, kind, tuple(sections[(d, kind)])) for d, kind in sorted(sections, key=order))


def _unreached(reached: list[Unit], units: list[Unit]) -> tuple[Unreached, ...]:
    """The active units right under a reached unit that are not reached, counted by that unit and their kind, in the
    order of the reached units."""
    reached_ids = {u.id for u in reached}
    counts: dict[tuple[int, str], int] = {}
    for unit in units:
        if unit.is_active and unit.id not in reached_ids and unit.parent_id in reached_ids:
            counts[(unit.parent_id, unit.kind)] = counts.get((unit.parent_id, unit.kind), 0) + 1
    return tuple(
        Unreached(parent, kind, counts[(parent.id, kind)])
        for parent in reached
        for kind in UnitKind
        if (parent.id, kind.value) in counts
    )


def reach_of(addressees: Addressees) -> Reach:
    """What the picks reach now, in three queries however many units there are and whatever is picked: the units,
    the groups picked, the units their explicit lists name."""
    units = list(db.session.scalars(select(Unit).order_by(Unit.sort_order, Unit.id)))
    groups = list(db.session.scalars(select(UnitGroup).where(UnitGroup.id.in_(addressees.group_ids))))
    members: dict[int, set] = {}
    explicit = [g.id for g in groups if not g.is_rule_based]
    if explicit:
        rows = db.session.execute(
            select(unit_group_members.c.group_id, unit_group_members.c.unit_id).where(
                unit_group_members.c.group_id.in_(explicit)
            )
        )
        for group_id, unit_id in rows:
            members.setdefault(group_id, set()).add(unit_id)
    return reach_among(addressees, units, groups, members)


class AddresseesType(TypeDecorator):
    """An Addressees in a JSON column (the picks)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Addressees | None, dialect):
        return (value or Addressees()).picks()

    def process_result_value(self, value, dialect) -> Addressees:
        return Addressees.from_picks(value)
