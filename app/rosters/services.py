"""Leading-group rosters: who is in a group on any date, and the dated changes that move them.

Every change is a dated row: joining sets valid_from, leaving sets valid_to (the first day
no longer in the group), and replacing someone is a leave and a join on the same day. So
the roster as it stood on any date, and its history, are queries, never reconstructions.

Each organ keeps its own leading groups (the city bureau its, a district bureau its): a person reaches only the
rosters of the organ they work for, and another organ's roster is, to them, no roster at all (the routes answer 404).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.core.access import Role, permission
from app.core.audit import record
from app.core.dates import cn_date
from app.core.xlsx import Column, xlsx_table
from app.documents.gongwen import RosterLine
from app.documents.roster_table import render_roster_table
from app.extensions import db
from app.i18n import format_date
from app.notices.services import NoticeData, create_draft
from app.rosters.models import MEMBER_ROLES, LeadingGroup, Membership
from app.units.addressees import Addressees
from app.units.models import Unit
from app.units.organs import organ_ids_of_units


class RosterError(ValueError):
    """A change the rules refuse; the message is shown to the user."""


# Who may change rosters: bureau staff keep them; secretaries too, since they draft the adjustment notices.
EDITOR_ROLES = (Role.staff, Role.secretary, Role.admin)


def _of_organ(user):
    """The rosters of the organ the person works for (none for a person under no organ)."""
    organ_id = user.organ_id
    return LeadingGroup.organ_id == organ_id if organ_id is not None else LeadingGroup.id.is_(None)


def list_groups(user) -> list[LeadingGroup]:
    """The leading groups of the person's organ."""
    return list(
        db.session.scalars(
            select(LeadingGroup)
            .where(_of_organ(user))
            .options(joinedload(LeadingGroup.owner_unit))
            .order_by(LeadingGroup.id)
        )
    )


def visible_group(user, group_id: int) -> LeadingGroup | None:
    """The group if it is one of the person's organ's, else None: the caller answers 404, as for a group that does
    not exist, so that another organ's rosters are not even known to be there."""
    return db.session.scalar(select(LeadingGroup).where(LeadingGroup.id == group_id, _of_organ(user)))


def find_group(name: str, *, organ_id: int | None = None) -> LeadingGroup | None:
    """The group of that name (names are unique), of that organ only when one is given."""
    query = select(LeadingGroup).where(LeadingGroup.name == name)
    if organ_id is not None:
        query = query.where(LeadingGroup.organ_id == organ_id)
    return db.session.scalar(query)


@permission("rosters.create")
def may_create(user, _obj=None) -> bool:
    return user.has_role(*EDITOR_ROLES) and user.organ_id is not None


@permission("rosters.edit")
def may_edit(user, group: LeadingGroup) -> bool:
    return user.has_role(*EDITOR_ROLES) and group.organ_id is not None and group.organ_id == user.organ_id


def owner_units(user) -> list[Unit]:
    """The units that may own a roster of the person's organ: the organ itself and its own units (its sections and
    the schools it runs), never another organ's."""
    organ_of = organ_ids_of_units()
    units = db.session.scalars(select(Unit).where(Unit.is_active.is_(True)).order_by(Unit.sort_order, Unit.id))
    return [u for u in units if user.organ_id is not None and organ_of.get(u.id) == user.organ_id]


@dataclass
class GroupData:
    name: str
    owner_unit_id: int
    purpose: str = ""


def create_group(actor, data: GroupData) -> LeadingGroup:
    """A new leading group, kept by the actor's organ and owned by one of its units; its roster starts empty.
    Commits."""
    if not may_create(actor):
        raise RosterError(_("Only the staff of a bureau set up its leading groups."))
    name = data.name.strip()
    if not name:
        raise RosterError(_("Give the group's name."))
    if db.session.scalar(select(LeadingGroup.id).where(LeadingGroup.name == name)) is not None:
        raise RosterError(_("There is already a leading group named %(name)s.", name=name))
    if data.owner_unit_id not in {u.id for u in owner_units(actor)}:
        raise RosterError(_("Choose one of your bureau's own units as the group's owner."))
    group = LeadingGroup(
        name=name, owner_unit_id=data.owner_unit_id, organ_id=actor.organ_id, purpose=data.purpose.strip()
    )
    db.session.add(group)
    try:
        db.session.flush()
    except IntegrityError as exc:  # the same name, saved by someone else a moment ago
        db.session.rollback()
        raise RosterError(_("There is already a leading group named %(name)s.", name=name)) from exc
    record(actor, "roster.create", group, name=name, organ=actor.organ_id)
    db.session.commit()
    return group


def _valid_on(on: date):
    return (Membership.valid_from <= on) & or_(Membership.valid_to.is_(None), Membership.valid_to > on)


def roster_on(group: LeadingGroup, on: date) -> list[Membership]:
    """The members valid on that date, in printing order (role, then order within the role)."""
    members = db.session.scalars(
        select(Membership).where(Membership.group_id == group.id, _valid_on(on)).options(joinedload(Membership.unit))
    ).all()
    return sorted(members, key=lambda m: (m.role_rank, m.sort_order, m.id))


def _member(group: LeadingGroup, member_id: int) -> Membership:
    member = db.session.get(Membership, member_id)
    if member is None or member.group_id != group.id:
        raise RosterError(_("That person is not in this group."))
    return member


def _check_role(role: str) -> None:
    if role not in MEMBER_ROLES:
        raise RosterError(_("Unknown role."))


def _next_order(group: LeadingGroup, role: str, on: date) -> int:
    highest = db.session.scalar(
        select(func.max(Membership.sort_order)).where(
            Membership.group_id == group.id, Membership.role == role, _valid_on(on)
        )
    )
    return (highest if highest is not None else -1) + 1


@dataclass
class Person:
    name: str = ""
    title: str = ""  # 职务
    unit_id: int | None = None
    description: str = ""  # instead of a person: 各高中学校书记、校长…

    def check(self) -> None:
        if not (self.name.strip() or self.description.strip()):
            raise RosterError(_("Give the person's name, or describe the members (各…负责人)."))


def add_member(actor, group: LeadingGroup, role: str, person: Person, on: date) -> Membership:
    _check_role(role)
    person.check()
    member = Membership(
        group=group,
        role=role,
        person_name=person.name or None,
        title=person.title,
        description=person.description or None,
        unit_id=person.unit_id,
        valid_from=on,
        sort_order=_next_order(group, role, on),
    )
    db.session.add(member)
    db.session.flush()
    record(
        actor,
        "roster.join",
        member,
        group=group.name,
        role=role,
        person=person.name or person.description,
        on=on.isoformat(),
    )
    db.session.commit()
    return member


def _leave(member: Membership, on: date) -> None:
    """End a membership on a date (the first day no longer in the group), if that is possible."""
    if member.valid_to is not None:
        raise RosterError(
            _(
                "%(name)s already left the group on %(day)s.",
                name=member.person_name or member.role,
                day=format_date(member.valid_to),
            )
        )
    if on <= member.valid_from:
        raise RosterError(
            _("A member can only leave after the day they joined (%(day)s).", day=format_date(member.valid_from))
        )
    member.valid_to = on


def end_member(actor, group: LeadingGroup, member_id: int, on: date) -> Membership:
    """The person leaves the group: from this day on they are no longer in it."""
    member = _member(group, member_id)
    _leave(member, on)
    record(actor, "roster.leave", member, group=group.name, on=on.isoformat())
    db.session.commit()
    return member


def replace_member(actor, group: LeadingGroup, member_id: int, person: Person, on: date) -> Membership:
    """Someone takes over a place: the old member leaves and the new one joins, same role, same place, and the
    same unit unless another is given (a new 局长 of 海勃湾区教育局 is still of 海勃湾区教育局)."""
    person.check()
    member = _member(group, member_id)
    _leave(member, on)
    successor = Membership(
        group=group,
        role=member.role,
        person_name=person.name or None,
        title=person.title,
        description=person.description or None,
        unit_id=person.unit_id if person.unit_id is not None else member.unit_id,
        valid_from=on,
        sort_order=member.sort_order,
    )
    db.session.add(successor)
    db.session.flush()
    record(
        actor,
        "roster.replace",
        successor,
        group=group.name,
        leaves=member.person_name,
        joins=person.name,
        on=on.isoformat(),
    )
    db.session.commit()
    return successor


def reorder(actor, group: LeadingGroup, role: str, member_ids: list[int], on: date) -> None:
    """Put the members of one role, as they stand on that date, in the given order."""
    _check_role(role)
    current = {m.id: m for m in roster_on(group, on) if m.role == role}
    if set(member_ids) != set(current):
        raise RosterError(_("The list changed while you were sorting it; the page shows it as it is now."))
    for position, member_id in enumerate(member_ids):
        current[member_id].sort_order = position
    record(actor, "roster.reorder", group, role=role)
    db.session.commit()


def move(actor, group: LeadingGroup, member_id: int, direction: str, on: date) -> None:
    """One place up or down within the role (the buttons that work without JavaScript)."""
    member = _member(group, member_id)
    same_role = [m.id for m in roster_on(group, on) if m.role == member.role]
    if member.id not in same_role:
        raise RosterError(_("That person is not in the group on this date."))
    index = same_role.index(member.id)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(same_role):
        same_role[index], same_role[target] = same_role[target], same_role[index]
        reorder(actor, group, member.role, same_role, on)


@dataclass(frozen=True)
class Change:
    on: date
    kind: str  # "join" or "leave"
    member: Membership


def history(group: LeadingGroup, since: date | None = None) -> list[Change]:
    """Who joined and who left, and when, newest first."""
    members = db.session.scalars(select(Membership).where(Membership.group_id == group.id)).all()
    changes = []
    for member in members:
        changes.append(Change(member.valid_from, "join", member))
        if member.valid_to is not None:
            changes.append(Change(member.valid_to, "leave", member))
    if since is not None:
        changes = [c for c in changes if c.on >= since]
    return sorted(
        changes, key=lambda c: (c.on, c.kind == "join", c.member.role_rank, c.member.sort_order), reverse=True
    )


def adjustment_text(group: LeadingGroup, since: date) -> tuple[str, list[Change]]:
    """The body of 关于调整…领导小组成员的通知: who leaves, who joins, then the roster as adjusted."""
    changes = sorted(
        history(group, since), key=lambda c: (c.on, c.kind != "leave", c.member.role_rank, c.member.sort_order)
    )
    if not changes:
        raise RosterError(_("Nothing has changed in this group since %(day)s.", day=format_date(since)))
    leaves = [c.member for c in changes if c.kind == "leave"]
    joins = [c.member for c in changes if c.kind == "join"]
    lines = [f"因工作需要和人员变动，经研究，决定对{group.name}成员进行调整。现将有关事项通知如下："]
    if leaves:
        lines.append(
            "一、"
            + "；".join(f"{m.person_name or m.description}同志不再担任{group.name}{m.role}" for m in leaves)
            + "。"
        )
    if joins:
        lines.append(
            ("二、" if leaves else "一、")
            + "；".join(
                f"{m.person_name or m.description}（{m.title}）同志任{group.name}{m.role}"
                if m.person_name
                else f"{m.description}为{group.name}{m.role}"
                for m in joins
            )
            + "。"
        )
    lines.append(("三、" if leaves and joins else "二、") + f"调整后的{group.name}组成人员如下：")
    lines.append(f"{{{{roster:{group.name}}}}}")
    return "\n".join(lines), changes


def start_adjustment_notice(actor, group: LeadingGroup, since: date, on: date):
    """A draft 关于调整…成员的通知 from the changes since a date, entering the normal workflow."""
    body, _changes = adjustment_text(group, since)
    template = group.established_by  # the notice that set the group up: its series, addressees and imprint
    data = NoticeData(
        title=f"{group.owner_unit.name}关于调整{group.name}成员的通知",
        series_id=template.series_id if template else None,
        addressees=template.addressees if template else Addressees(),
        body=body,
        signature_organ=group.owner_unit.name,
        signed_on=on,
        imprint_organ=template.imprint_organ if template else "",
    )
    notice = create_draft(actor, data)
    record(actor, "roster.adjustment_notice", group, notice=notice.id, since=since.isoformat())
    db.session.commit()
    return notice


def roster_lines(group: LeadingGroup, on: date):
    """The roster on a date as printable lines (what documents print)."""
    return [
        RosterLine(
            role=m.role, who=m.person_name or m.description or "", title=m.title or "", is_description=not m.person_name
        )
        for m in roster_on(group, on)
    ]


def roster_docx(group: LeadingGroup, on: date) -> bytes:
    return render_roster_table(group.name, group.owner_unit.name, on, roster_lines(group, on))


def roster_xlsx(group: LeadingGroup, on: date) -> bytes:
    rows = (
        [
            member.role,
            member.person_name or member.description or "",
            member.title or "",
            member.unit.name if member.unit else "",
            member.valid_from,
        ]
        for member in roster_on(group, on)
    )
    columns = [
        Column(_("Role"), 10),
        Column(_("Name"), 14),
        Column(_("Post (职务)"), 36, wrap=True),
        Column(_("Unit"), 22),
        Column(_("From (date)"), 14, number_format='yyyy"年"m"月"d"日"'),
    ]
    title = _("%(group)s: members on %(date)s", group=group.name, date=cn_date(on))
    return xlsx_table(sheet=_("Members"), title=title, columns=columns, rows=rows)
