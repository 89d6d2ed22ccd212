from flask import Blueprint, jsonify
from flask_login import current_user
from sqlalchemy import text

from app.core.access import login_required, public
from app.core.todo import done_items, todo_count, todo_groups
from app.core.web import render
from app.extensions import db

bp = Blueprint("main", __name__)

# Items of each 待办 group shown on the home page (the group links to the rest), and 已办 entries.
TODO_ITEMS = 5
DONE_ITEMS = 10


@bp.get("/healthz")
@public
def healthz():
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")


@bp.get("/")
@login_required
def home():
    """Each person's 待办 (what waits for them, from every feature) and 已办 (what they did lately)."""
    groups = todo_groups(current_user, limit=TODO_ITEMS)
    return render(
        "main/home.html",
        "main/_todo.html",
        groups=groups,
        todo_total=sum(g.count for g in groups),
        done=done_items(current_user, limit=DONE_ITEMS),
    )


@bp.get("/todo/count")
@login_required
def todo_counter():
    """htmx: the top bar's 待办 counter, refreshed now and then and after each action that changes it."""
    return render("main/_todo_count.html", "main/_todo_count.html", todo_total=todo_count(current_user))
