from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Table, Text, select, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db


class UnitKind(enum.StrEnum):
    bureau = "bureau"
    section = "section"
    district_bureau = "district_bureau"
    school = "school"
    direct_unit = "direct_unit"

    @property
    def title(self) -> str:
        return str(UNIT_KIND_TITLES[self])


UNIT_KIND_TITLES = {
    UnitKind.bureau: _l("Bureau"),
    UnitKind.section: _l("Bureau section"),
    UnitKind.district_bureau: _l("District bureau"),
    UnitKind.school: _l("School"),
    UnitKind.direct_unit: _l("Directly affiliated unit"),
}

SCHOOL_LEVEL_TITLES = {
    "high": _l("High school"),
    "middle": _l("Middle school"),
    "primary": _l("Primary school"),
}


class Unit(db.Model):
    """An organisation that sends or receives notices: the bureau, a section, a school."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Traditional Mongolian script, stored exactly as typed (FVS U+180B–U+180F and
    # U+202F included): never strip or normalise it.
    name_mn: Mapped[str | None] = mapped_column(Text)
    short_name: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    school_level: Mapped[str | None] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")

    def __repr__(self) -> str:
        return f"<Unit {self.code} {self.name}>"

    @property
    def kind_title(self) -> str:
        return UnitKind(self.kind).title

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def district(self) -> Unit | None:
        """The district bureau this unit belongs to, if any (for grouping tables)."""
        unit: Unit | None = self
        while unit is not None:
            if unit.kind == UnitKind.district_bureau:
                return unit
            unit = unit.parent
        return None


unit_group_members = Table(
    "unit_group_members",
    db.metadata,
    Column("group_id", ForeignKey("unit_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class UnitGroup(db.Model):
    """A named set of units used as addressees ("各区教育局").

    Either rule-based (every active unit of the given kinds, optionally under one
    parent) or an explicit list of units; a rule picks up new schools by itself.
    """

    __tablename__ = "unit_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    name_mn: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rule_kinds: Mapped[list[str] | None] = mapped_column(JSON)
    rule_parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)

    rule_parent: Mapped[Unit | None] = relationship()
    explicit_units: Mapped[list[Unit]] = relationship(secondary=unit_group_members, order_by=Unit.sort_order)

    def __repr__(self) -> str:
        return f"<UnitGroup {self.name}>"

    @property
    def is_rule_based(self) -> bool:
        return bool(self.rule_kinds)

    def units_query(self):
        """A SELECT of the active units this group reaches now."""
        if self.is_rule_based:
            query = select(Unit).where(Unit.kind.in_(self.rule_kinds), Unit.is_active.is_(True))
            if self.rule_parent_id is not None:
                query = query.where(Unit.parent_id == self.rule_parent_id)
        else:
            query = (
                select(Unit)
                .join(unit_group_members, unit_group_members.c.unit_id == Unit.id)
                .where(unit_group_members.c.group_id == self.id, Unit.is_active.is_(True))
            )
        return query.order_by(Unit.sort_order, Unit.id)

    def resolve_units(self) -> list[Unit]:
        return list(db.session.scalars(self.units_query()))

    def reaches(self, unit: Unit, member_ids: frozenset[int] = frozenset()) -> bool:
        """Whether the group reaches this unit now: the rule of units_query, for units already loaded (member_ids:
        the units an explicit group lists), so that expanding many groups costs no query per group."""
        if not unit.is_active:
            return False
        if self.is_rule_based:
            return unit.kind in self.rule_kinds and (
                self.rule_parent_id is None or unit.parent_id == self.rule_parent_id
            )
        return unit.id in member_ids
