from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Table, Text, false, select, true
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


class Organ(db.Model):
    """A unit that issues documents of its own (机关): the city bureau, each district bureau; later any unit that
    issues. It has its own red-header mark and document series (DocumentSeries.unit_id), its own Mongolian name
    for the header, and its own staff: everyone whose unit is the organ or under it holds their roles within it,
    and sees only its drafts, rosters and tasks.

    `superior` is the organ it answers to in education (the city bureau for a district bureau): the organ that
    sends to it and reminds it, and the one its reports go up to. A district bureau has no parent unit (it belongs
    to its district government), so this is not the unit tree.
    """

    __tablename__ = "organs"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
    superior_id: Mapped[int | None] = mapped_column(ForeignKey("organs.unit_id", ondelete="SET NULL"))
    # The organ's name in traditional Mongolian script for the red header, stored exactly as typed (U+180B–U+180F,
    # U+202F kept). The seal is the authority for its spelling: the organ's admin confirms it.
    name_mn: Mapped[str] = mapped_column(Text, default="", server_default="")
    name_mn_confirmed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The seed notice prints the Chinese mark first, then the Mongolian line.
    header_order: Mapped[str] = mapped_column(String(16), default="zh_first", server_default="zh_first")
    # Printed as 发文机关署名 and 印发机关 unless a draft says otherwise; empty: the unit's name and its office's.
    signature_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    imprint_name: Mapped[str] = mapped_column(String(200), default="", server_default="")

    unit: Mapped[Unit] = relationship(lazy="joined", foreign_keys=[unit_id])
    superior: Mapped[Organ | None] = relationship(remote_side=[unit_id])

    def __repr__(self) -> str:
        return f"<Organ {self.unit_id} {self.unit.name if self.unit else ''}>"

    @property
    def id(self) -> int:
        return self.unit_id

    @property
    def name(self) -> str:
        return self.unit.name

    @property
    def display_name(self) -> str:
        return self.unit.display_name


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
    # The organ that keeps the group and sends to it (the city's 各区教育局, a district's 各学校). Nullable only
    # because SQLite cannot add a NOT NULL reference to a table in place; the services always set it.
    organ_id: Mapped[int | None] = mapped_column(ForeignKey("organs.unit_id", ondelete="CASCADE"), index=True)
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
