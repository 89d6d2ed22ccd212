from flask import Blueprint, jsonify, redirect, url_for
from flask_login import current_user
from sqlalchemy import text

from app.core.access import login_required, public
from app.core.web import render
from app.extensions import db

bp = Blueprint("main", __name__)


@bp.get("/healthz")
@public
def healthz():
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")


@bp.get("/")
@login_required
def home():
    if not current_user.is_bureau_user:
        return redirect(url_for("receipts.inbox"))
    return render("main/home.html")
