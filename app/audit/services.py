from flask import has_request_context, request

from app.audit.models import AuditEvent
from app.extensions import db


def record(actor, action: str, obj=None, *, object_type: str | None = None, **details) -> AuditEvent:
    """Add an audit event to the session; it commits with the change it describes."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type or (type(obj).__name__ if obj is not None else ""),
        object_id=str(obj.id) if obj is not None and getattr(obj, "id", None) is not None else None,
        details=details,
        # Where the request came from is part of the record, not a rule: the one
        # place outside routes that looks at the request.
        remote_addr=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
