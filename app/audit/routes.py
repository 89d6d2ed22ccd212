from flask import Blueprint, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.audit.models import AuditEvent
from app.auth.access import roles_required
from app.auth.models import Role
from app.core.web import paginate, render

bp = Blueprint("audit", __name__)

# What admins look for first: sign-off, issue, receipts, accounts and roles.
ACTION_PREFIXES = ("notice.", "receipt.", "user.", "auth.", "roster.", "unit.", "group.", "settings.")


@bp.get("/admin/audit")
@roles_required(Role.admin)
def index():
    action = request.args.get("action", "")
    query = select(AuditEvent).options(joinedload(AuditEvent.actor)).order_by(AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    page = paginate(query, per_page=50)
    return render("audit/index.html", "audit/_events.html", page=page, action=action, prefixes=ACTION_PREFIXES)
