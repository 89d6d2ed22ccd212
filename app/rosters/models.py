from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db
from app.notices.models import Notice
from app.units.models import Unit
from app.units.organs import organ_id_on, top_organ_id_on

# Roles in the order a roster prints them.
MEMBER_ROLES = ("组长", "常务副组长", "副组长", "成员", "办公室主任", "办公室副主任", "联络员")


class LeadingGroup(db.Model):
    """A leading group (领导小组) with a roster that changes over time."""

    __tablename__ = "leading_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    # The organ that keeps the roster (a district bureau keeps its own); nullable only as Notice.organ_id is.
    organ_id: Mapped[int | None] = mapped_column(ForeignKey("organs.unit_id", ondelete="RESTRICT"), index=True)
    purpose: Mapped[str] = mapped_column(Text, default="", server_default="")
    established_by_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner_unit: Mapped[Unit] = relationship()
    established_by: Mapped[Notice | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="group", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<LeadingGroup {self.name}>"


class Membership(db.Model):
    """One line of a roster, valid from one date until (excluding) another.

    A 成员 line can be a description ("各高中学校书记、校长…") instead of a person.
    """

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("leading_groups.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    person_name: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text, default="", server_default="")  # 职务
    description: Mapped[str | None] = mapped_column(Text)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[LeadingGroup] = relationship(back_populates="memberships")
    unit: Mapped[Unit | None] = relationship()

    def __repr__(self) -> str:
        return f"<Membership {self.role} {self.person_name or self.description}>"

    @property
    def role_rank(self) -> int:
        return MEMBER_ROLES.index(self.role) if self.role in MEMBER_ROLES else len(MEMBER_ROLES)


@event.listens_for(LeadingGroup, "before_insert")
def _roster_organ(_mapper, connection, group: LeadingGroup) -> None:
    """A roster is kept by the organ of the unit that owns it, unless it says otherwise; one owned by a unit under no
    organ is the top organ's (as the units it sends to are), never nobody's: a roster of no organ would be seen by
    no one."""
    if group.organ_id is None:
        group.organ_id = organ_id_on(connection, group.owner_unit_id) or top_organ_id_on(connection)
