from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.access import Role, bureau_required, login_required, roles_required
from app.core.forms import options
from app.core.web import DATABASE_INT_MAX, render, see_other, wants_partial
from app.extensions import db
from app.units.addressees import Addressees, names_in, reach_of
from app.units.forms import UnitForm, UnitGroupForm
from app.units.models import Unit, UnitGroup, UnitKind
from app.units.organs import units_sent_to_by
from app.units.services import (
    UnitError,
    administered_units,
    administers_unit,
    is_top_admin,
    list_groups,
    list_units,
    save_group,
    save_unit,
    visible_unit,
)

bp = Blueprint("units", __name__)


@bp.app_template_global()
def unit_kind_title(kind: str) -> str:
    return UnitKind(kind).title


admin_only = roles_required(Role.admin)


def _parent_choices(exclude: Unit | None = None):
    """Under a unit this admin keeps; at the top of the tree (no parent) only for the top organ's admin."""
    top = [(0, "—")] if is_top_admin(current_user) else []
    units = administered_units(current_user)
    return options(top + [(u.id, u.name) for u in units if exclude is None or u.id != exclude.id])


def _unit_form(unit: Unit | None = None) -> UnitForm:
    form = UnitForm(obj=unit)
    form.parent_id.choices = _parent_choices(exclude=unit)
    if unit is not None and request.method == "GET":
        form.parent_id.data = unit.parent_id or 0
        form.school_level.data = unit.school_level or ""
    return form


# Pages everyone logged in can reach; a clerk sees only its own unit.


@bp.get("/units/mine")
@login_required
def my_unit():
    return redirect(url_for("units.show", unit_id=current_user.unit_id))


@bp.get("/units/<int:unit_id>")
@login_required
def show(unit_id: int):
    unit = visible_unit(current_user, unit_id) or abort(404)
    return render("units/show.html", unit=unit)


# What a notice's addressees reach, for the editor (主送 and 抄送 each have a panel).

# The editor's fields: addressee_groups, addressee_units, addressee_others; cc_groups, cc_units, cc_others.
REACH_PREFIXES = ("addressee", "cc")


def _ids(name: str) -> list[int]:
    """The ids the query string gives under name; anything else (a word, a number no row can have) is no pick."""
    values = request.args.getlist(name)
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) <= 10 and int(v) <= DATABASE_INT_MAX]


@bp.get("/units/reach")
@bureau_required
def reach():
    """The units the picks reach, and those under them that a person may expect but that are not reached; htmx
    asks for it as the secretary ticks groups and units, so the count is seen before the notice is issued."""
    to = request.args.get("to") if request.args.get("to") in REACH_PREFIXES else REACH_PREFIXES[0]
    picks = Addressees.of(_ids(f"{to}_groups"), _ids(f"{to}_units"), names_in(request.args.get(f"{to}_others")))
    return render("units/reach.html", "units/_reach.html", to=to, reach=reach_of(picks))


# Administration of units, with inline editing of a row.


@bp.get("/admin/units")
@admin_only
def admin_list():
    return render("units/admin_list.html", units=administered_units(current_user))


def _administered(unit_id: int) -> Unit:
    """A unit this admin keeps, else 404 (a district bureau's admin keeps its own units only)."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or not administers_unit(current_user, unit.id):
        abort(404)
    return unit


def _organ_group(group_id: int) -> UnitGroup:
    """A group of the admin's own organ, else 404."""
    group = db.session.get(UnitGroup, group_id)
    if group is None or group.organ_id != current_user.organ_id:
        abort(404)
    return group


@bp.route("/admin/units/new", methods=["GET", "POST"])
@admin_only
def create():
    form = _unit_form()
    if form.validate_on_submit():
        try:
            unit = save_unit(current_user, None, form.data)
        except UnitError as exc:
            form.code.errors.append(str(exc))
        else:
            flash(_("Unit %(name)s created.", name=unit.name), "success")
            return see_other("units.admin_list")
    return render("units/form.html", form=form, unit=None), (422 if form.errors else 200)


@bp.route("/admin/units/<int:unit_id>/edit", methods=["GET", "POST"])
@admin_only
def edit(unit_id: int):
    """The whole edit page, or (htmx) the row turned into a form in place."""
    unit = _administered(unit_id)
    form = _unit_form(unit)
    if form.validate_on_submit():
        try:
            save_unit(current_user, unit, form.data)
        except UnitError as exc:
            form.code.errors.append(str(exc))
        else:
            if wants_partial():
                return render("units/admin_list.html", "units/_row.html", unit=unit)
            flash(_("Unit %(name)s saved.", name=unit.name), "success")
            return see_other("units.admin_list")
        db.session.rollback()
    status = 422 if form.errors else 200
    return render("units/form.html", "units/_row_form.html", form=form, unit=unit), status


@bp.get("/admin/units/<int:unit_id>/row")
@admin_only
def row(unit_id: int):
    """One table row, to cancel an inline edit."""
    unit = _administered(unit_id)
    return render("units/admin_list.html", "units/_row.html", unit=unit, units=administered_units(current_user))


# Unit groups.


def _group_form(group: UnitGroup | None = None) -> UnitGroupForm:
    form = UnitGroupForm(obj=group)
    organ_id = group.organ_id if group is not None else current_user.organ_id
    units = units_sent_to_by(organ_id, list_units(include_inactive=False)) if organ_id is not None else []
    # A rule over every unit of a kind, whatever its parent, is the top organ's; another organ's rules stay under its
    # own units (a district bureau's 各学校: its schools).
    anywhere = [(0, _("any"))] if is_top_admin(current_user) else []
    parents = [u for u in list_units(include_inactive=False) if u.id == organ_id] + units
    form.rule_parent_id.choices = options(anywhere + [(u.id, u.name) for u in parents])
    form.unit_ids.choices = options([(u.id, u.name) for u in units])
    if group is not None and request.method == "GET":
        form.rule_parent_id.data = group.rule_parent_id or 0
        form.rule_kinds.data = group.rule_kinds or []
        form.unit_ids.data = [u.id for u in group.explicit_units]
    return form


@bp.get("/admin/groups")
@admin_only
def group_list():
    return render("units/group_list.html", groups=list_groups(current_user.organ_id))


@bp.route("/admin/groups/new", methods=["GET", "POST"])
@admin_only
def group_create():
    form = _group_form()
    if form.validate_on_submit():
        try:
            group = save_group(current_user, None, form.data)
        except UnitError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(_("Group %(name)s created.", name=group.name), "success")
            return see_other("units.group_list")
    return render("units/group_form.html", form=form, group=None), (422 if form.errors or form.form_errors else 200)


@bp.route("/admin/groups/<int:group_id>/edit", methods=["GET", "POST"])
@admin_only
def group_edit(group_id: int):
    group = _organ_group(group_id)
    form = _group_form(group)
    if form.validate_on_submit():
        try:
            save_group(current_user, group, form.data)
        except UnitError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            if wants_partial():
                return render("units/group_list.html", "units/_group_row.html", group=group)
            flash(_("Group %(name)s saved.", name=group.name), "success")
            return see_other("units.group_list")
    status = 422 if form.errors or form.form_errors else 200
    return render("units/group_form.html", "units/_group_row_form.html", form=form, group=group), status


@bp.get("/admin/groups/<int:group_id>/row")
@admin_only
def group_row(group_id: int):
    """One table row, to cancel an inline edit."""
    group = _organ_group(group_id)
    return render(
        "units/group_list.html", "units/_group_row.html", group=group, groups=list_groups(current_user.organ_id)
    )


@bp.get("/admin/groups/<int:group_id>/units")
@admin_only
def group_units(group_id: int):
    """The units a group reaches now (htmx: expands in the list)."""
    group = _organ_group(group_id)
    return render("units/group_units.html", "units/_group_units.html", group=group, units=group.resolve_units())
