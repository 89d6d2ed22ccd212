from flask import Blueprint, flash
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app.admin.forms import SettingsForm
from app.auth.models import User
from app.core.access import Role, roles_required
from app.core.settings import all_settings, save_settings
from app.core.web import render, see_other
from app.extensions import db
from app.units.models import Unit, UnitGroup

bp = Blueprint("admin", __name__)

admin_only = roles_required(Role.admin)


@bp.get("/")
@admin_only
def index():
    counts = {
        "units": db.session.scalar(select(func.count(Unit.id))),
        "groups": db.session.scalar(select(func.count(UnitGroup.id))),
        "users": db.session.scalar(select(func.count(User.id))),
    }
    return render("admin/index.html", counts=counts)


@bp.route("/settings", methods=["GET", "POST"])
@admin_only
def settings():
    current = all_settings()
    form = SettingsForm(
        data={
            "organ_name_mn": current["organ_name_mn"],
            "organ_name_mn_confirmed": current["organ_name_mn_confirmed"] == "1",
            "header_order": current["header_order"],
            "separation_of_duties": current["separation_of_duties"],
            "classified_network": current["classified_network"] == "1",
            "disclosure_position": current["disclosure_position"],
        }
    )
    if form.validate_on_submit():
        save_settings(
            current_user,
            {
                "organ_name_mn": form.organ_name_mn.data,
                "organ_name_mn_confirmed": "1" if form.organ_name_mn_confirmed.data else "0",
                "header_order": form.header_order.data,
                "separation_of_duties": form.separation_of_duties.data,
                "classified_network": "1" if form.classified_network.data else "0",
                "disclosure_position": form.disclosure_position.data,
            },
        )
        flash(_("Settings saved."), "success")
        return see_other("admin.settings")
    return render("admin/settings.html", form=form), (422 if form.errors else 200)
