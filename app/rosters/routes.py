from datetime import date

from flask import Blueprint, abort, flash, request
from flask_babel import gettext as _
from flask_login import current_user

from app.core.access import bureau_required, can, roles_required
from app.core.files import DOCX, XLSX
from app.core.forms import options
from app.core.time import today_in_china
from app.core.web import render, see_other, send_download, wants_partial
from app.extensions import db
from app.i18n import format_date
from app.rosters.forms import AdjustmentForm, GroupForm, LeaveForm, MemberForm, ReplaceForm
from app.rosters.models import LeadingGroup
from app.rosters.services import (
    EDITOR_ROLES,
    GroupData,
    Person,
    RosterError,
    add_member,
    create_group,
    end_member,
    history,
    list_groups,
    move,
    owner_units,
    reorder,
    replace_member,
    roster_docx,
    roster_on,
    roster_xlsx,
    start_adjustment_notice,
    visible_group,
)
from app.units.services import list_units

bp = Blueprint("rosters", __name__)

editors = roles_required(*EDITOR_ROLES)


def _group(group_id: int) -> LeadingGroup:
    """The person's organ's group, or 404: another organ's roster is answered as one that does not exist."""
    return visible_group(current_user, group_id) or abort(404)


def _on() -> date:
    """The date the page shows the roster as of (?on=YYYY-MM-DD), today by default."""
    value = request.values.get("on", "")
    try:
        return date.fromisoformat(value) if value else today_in_china()
    except ValueError:
        return today_in_china()


def _unit_choices(*forms):
    choices = options([("", "—")] + [(u.id, u.name) for u in list_units(include_inactive=False)])
    for form in forms:
        form.unit_id.choices = choices


def _page(group: LeadingGroup, on: date, **forms):
    member_form = forms.get("member_form") or MemberForm(formdata=None, on=today_in_china())
    replace_form = forms.get("replace_form") or ReplaceForm(formdata=None, on=today_in_china())
    _unit_choices(member_form, replace_form)
    status = 422 if any(f.errors for f in forms.values()) else 200
    can_edit = can("rosters.edit", group)
    return render(
        "rosters/show.html",
        "rosters/_roster.html",
        group=group,
        on=on,
        members=roster_on(group, on),
        today=today_in_china(),
        can_edit=can_edit,
        member_form=member_form,
        replace_form=replace_form,
        leave_form=LeaveForm(formdata=None),
        adjustment_form=forms.get("adjustment_form") or AdjustmentForm(formdata=None),
        replacing=forms.get("replacing"),
    ), status


@bp.get("/rosters")
@bureau_required
def index():
    return render("rosters/index.html", groups=list_groups(current_user), today=today_in_china())


@bp.route("/rosters/new", methods=["GET", "POST"])
@editors
def create():
    """A new leading group of the person's organ, owned by one of its units."""
    form = GroupForm()
    form.owner_unit_id.choices = options((u.id, u.name) for u in owner_units(current_user))
    if request.method == "GET" and current_user.organ_id is not None:
        form.owner_unit_id.data = current_user.organ_id
    if form.validate_on_submit():
        data = GroupData(form.name.data, form.owner_unit_id.data, form.purpose.data or "")
        try:
            group = create_group(current_user, data)
        except RosterError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(_("Leading group %(name)s set up; add its members.", name=group.name), "success")
            return see_other("rosters.show", group_id=group.id)
    failed = request.method == "POST" and bool(form.errors or form.form_errors)
    return render("rosters/form.html", form=form), (422 if failed else 200)


@bp.get("/rosters/<int:group_id>")
@bureau_required
def show(group_id: int):
    return _page(_group(group_id), _on())


@bp.get("/rosters/<int:group_id>/history")
@bureau_required
def changes(group_id: int):
    group = _group(group_id)
    return render("rosters/history.html", group=group, changes=history(group))


@bp.post("/rosters/<int:group_id>/members")
@editors
def add(group_id: int):
    group = _group(group_id)
    form = MemberForm()
    _unit_choices(form)
    if form.validate():
        person = Person(
            form.person_name.data or "", form.title.data or "", form.unit_id.data, form.description.data or ""
        )
        try:
            add_member(current_user, group, form.role.data, person, form.on.data)
        except RosterError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(_("Added to the roster from %(day)s.", day=format_date(form.on.data)), "success")
            return see_other("rosters.show", group_id=group.id)
    return _page(group, today_in_china(), member_form=form)


@bp.post("/rosters/<int:group_id>/members/<int:member_id>/replace")
@editors
def replace(group_id: int, member_id: int):
    group = _group(group_id)
    form = ReplaceForm()
    _unit_choices(form)
    if form.validate():
        person = Person(form.person_name.data, form.title.data or "", form.unit_id.data)
        try:
            replace_member(current_user, group, member_id, person, form.on.data)
        except RosterError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(
                _("%(name)s takes the place from %(day)s.", name=form.person_name.data, day=format_date(form.on.data)),
                "success",
            )
            return see_other("rosters.show", group_id=group.id)
    return _page(group, today_in_china(), replace_form=form, replacing=member_id)


@bp.post("/rosters/<int:group_id>/members/<int:member_id>/leave")
@editors
def leave(group_id: int, member_id: int):
    group = _group(group_id)
    form = LeaveForm()
    if form.validate():
        try:
            end_member(current_user, group, member_id, form.on.data)
        except RosterError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(_("Left the group from %(day)s.", day=format_date(form.on.data)), "success")
    else:
        flash(_("Give the date the member leaves."), "error")
    return see_other("rosters.show", group_id=group.id)


@bp.post("/rosters/<int:group_id>/members/<int:member_id>/move")
@editors
def move_member(group_id: int, member_id: int):
    """Up or down one place: the fallback for dragging; htmx gets the roster back in place."""
    group = _group(group_id)
    try:
        move(current_user, group, member_id, request.form.get("direction", "up"), today_in_china())
    except RosterError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    if wants_partial():
        return _page(group, today_in_china())
    return see_other("rosters.show", group_id=group.id)


@bp.post("/rosters/<int:group_id>/order")
@editors
def order(group_id: int):
    """The order a drag and drop left (the role's member ids, top to bottom)."""
    group = _group(group_id)
    try:
        ids = [int(v) for v in request.form.getlist("member_ids")]
        reorder(current_user, group, request.form.get("role", ""), ids, today_in_china())
    except (RosterError, ValueError) as exc:
        db.session.rollback()
        flash(str(exc), "error")
    if wants_partial():
        return _page(group, today_in_china())
    return see_other("rosters.show", group_id=group.id)


@bp.post("/rosters/<int:group_id>/adjustment")
@editors
def adjustment(group_id: int):
    group = _group(group_id)
    form = AdjustmentForm()
    if form.validate():
        try:
            notice = start_adjustment_notice(current_user, group, form.since.data, today_in_china())
        except RosterError as exc:
            db.session.rollback()
            form.since.errors.append(str(exc))
        else:
            flash(_("A draft of the adjustment notice has been made; check it and send it for review."), "success")
            return see_other("notices.edit", notice_id=notice.id)
    return _page(group, today_in_china(), adjustment_form=form)


@bp.get("/rosters/<int:group_id>/roster.docx")
@bureau_required
def export_docx(group_id: int):
    group, on = _group(group_id), _on()
    return send_download(roster_docx(group, on), f"{group.name}成员名单", DOCX)


@bp.get("/rosters/<int:group_id>/roster.xlsx")
@bureau_required
def export_xlsx(group_id: int):
    group, on = _group(group_id), _on()
    return send_download(roster_xlsx(group, on), f"{group.name}成员名单", XLSX)
