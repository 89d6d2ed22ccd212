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
from app.units.models import Unit, UnitGroup

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


class AddresseesType(TypeDecorator):
    """An Addressees in a JSON column (the picks)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Addressees | None, dialect):
        return (value or Addressees()).picks()

    def process_result_value(self, value, dialect) -> Addressees:
        return Addressees.from_picks(value)
