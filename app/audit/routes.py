"""The audit log's page: every event, newest first, filtered by the kind of action."""

from flask import Blueprint, request
from sqlalchemy import select

from app.auth.models import User
from app.core.access import Role, roles_required
from app.core.audit import AuditEvent
from app.core.web import paginate, render
from app.extensions import db

bp = Blueprint("audit", __name__)

# What admins look for first: sign-off, issue, receipts, accounts and roles.
ACTION_PREFIXES = ("notice.", "receipt.", "user.", "auth.", "roster.", "unit.", "group.", "settings.", "file.")


@bp.get("/admin/audit")
@roles_required(Role.admin)
def index():
    action = request.args.get("action", "")
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    page = paginate(query, per_page=50)
    actor_ids = {event.actor_id for event in page.items if event.actor_id is not None}
    actors = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(actor_ids))).all())
    return render(
        "audit/index.html", "audit/_events.html", page=page, actors=actors, action=action, prefixes=ACTION_PREFIXES
    )
