from flask import Blueprint, abort, flash
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app.admin.forms import NewOrganForm, OrganForm, SettingsForm
from app.auth.models import User
from app.core.access import Role, roles_required
from app.core.forms import options
from app.core.settings import all_settings, save_settings
from app.core.web import render, see_other
from app.extensions import db
from app.units.models import Organ, Unit, UnitGroup
from app.units.organs import list_organs
from app.units.services import (
    OrganData,
    UnitError,
    is_top_admin,
    list_units,
    make_organ,
    may_administer_organ,
    save_organ,
)

bp = Blueprint("admin", __name__)

admin_only = roles_required(Role.admin)


@bp.get("/")
@admin_only
def index():
    counts = {
        "units": db.session.scalar(select(func.count(Unit.id))),
        "groups": db.session.scalar(select(func.count(UnitGroup.id))),
        "users": db.session.scalar(select(func.count(User.id))),
        "organs": db.session.scalar(select(func.count(Organ.unit_id))),
    }
    return render("admin/index.html", counts=counts, top_admin=is_top_admin(current_user))


@bp.route("/settings", methods=["GET", "POST"])
@admin_only
def settings():
    """The site's settings, for every organ at once: the top organ's admin sets them."""
    if not is_top_admin(current_user):
        abort(403)
    current = all_settings()
    form = SettingsForm(
        data={
            "separation_of_duties": current["separation_of_duties"],
            "classified_network": current["classified_network"] == "1",
            "disclosure_position": current["disclosure_position"],
        }
    )
    if form.validate_on_submit():
        save_settings(
            current_user,
            {
                "separation_of_duties": form.separation_of_duties.data,
                "classified_network": "1" if form.classified_network.data else "0",
                "disclosure_position": form.disclosure_position.data,
            },
        )
        flash(_("Settings saved."), "success")
        return see_other("admin.settings")
    return render("admin/settings.html", form=form), (422 if form.errors else 200)


# Organs


@bp.route("/organs", methods=["GET", "POST"])
@admin_only
def organs():
    """Every organ; the top organ's admin marks another unit as an organ (a district bureau that issues)."""
    if not is_top_admin(current_user):
        return see_other("admin.organ", unit_id=current_user.organ_id)
    form = NewOrganForm()
    all_organs = list_organs()
    form.superior_id.choices = options([(o.unit_id, o.name) for o in all_organs])
    taken = {o.unit_id for o in all_organs}
    form.unit_id.choices = options([(u.id, u.name) for u in list_units(include_inactive=False) if u.id not in taken])
    if form.validate_on_submit():
        try:
            organ = make_organ(current_user, form.unit_id.data, superior_id=form.superior_id.data)
        except UnitError as exc:
            form.unit_id.errors.append(str(exc))
        else:
            flash(_("%(name)s now issues notices of its own.", name=organ.name), "success")
            return see_other("admin.organ", unit_id=organ.unit_id)
    return render("admin/organs.html", organs=all_organs, form=form), (422 if form.errors else 200)


@bp.route("/organs/<int:unit_id>", methods=["GET", "POST"])
@admin_only
def organ(unit_id: int):
    """An organ's header and names: for its own admin, and for the top organ's."""
    target = db.session.get(Organ, unit_id) or abort(404)
    if not may_administer_organ(current_user, target):
        abort(404)
    form = OrganForm(obj=target)
    if form.validate_on_submit():
        save_organ(
            current_user,
            target,
            OrganData(
                name_mn=form.name_mn.data,
                name_mn_confirmed=bool(form.name_mn_confirmed.data),
                header_order=form.header_order.data,
                signature_name=(form.signature_name.data or "").strip(),
                imprint_name=(form.imprint_name.data or "").strip(),
            ),
        )
        flash(_("Saved: %(name)s.", name=target.name), "success")
        return see_other("admin.organ", unit_id=target.unit_id)
    return render("admin/organ.html", organ=target, form=form), (422 if form.errors else 200)
