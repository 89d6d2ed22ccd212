"""Rosters of leading groups: who is in them on a given date."""

from datetime import date

from sqlalchemy import or_, select

from app.extensions import db
from app.rosters.models import LeadingGroup, Membership


def roster_on(group: LeadingGroup, on: date) -> list[Membership]:
    """The members valid on that date, in printing order (role, then order within the role)."""
    members = db.session.scalars(
        select(Membership).where(
            Membership.group_id == group.id,
            Membership.valid_from <= on,
            or_(Membership.valid_to.is_(None), Membership.valid_to > on),
        )
    ).all()
    return sorted(members, key=lambda m: (m.role_rank, m.sort_order, m.id))


def _spaced_role(role: str) -> str:
    """Two-character roles are spaced to the width of three: 组  长."""
    return f"{role[0]}\u3000{role[1]}" if len(role) == 2 else role


def roster_lines(group: LeadingGroup, on: date) -> list[str]:
    """The roster as a notice prints it: 组  长：董跃飞  市教育局党组书记、局长."""
    lines, previous_role = [], None
    for member in roster_on(group, on):
        label = _spaced_role(member.role) + "：" if member.role != previous_role else "\u3000" * 4
        who = member.person_name or member.description or ""
        lines.append(f"{label}{who}\u3000\u3000{member.title}".rstrip("\u3000"))
        previous_role = member.role
    return lines


def roster_lines_for_notice(notice) -> list[str]:
    group = db.session.scalar(select(LeadingGroup).where(LeadingGroup.established_by_id == notice.id))
    if group is None:
        return []
    return roster_lines(group, notice.signed_on or date.today())
