"""Receipts as tests need them."""

from sqlalchemy import delete, select, update

from app.core.time import utcnow
from app.extensions import db
from app.receipts.models import Distribution, Reminder
from tests.helpers.notices import seed_notice


def just_arrived(app, notice_id: int | None = None) -> int:
    """The notice (the seed's 75号 by default) as on the day it reaches its units: delivered now, opened and
    acknowledged by nobody, never reminded. The demo has its notices received in their time (app/demo/in_hand.py);
    a test about a notice just received starts from this. Returns the notice's id."""
    with app.app_context():
        notice_id = notice_id or seed_notice().id
        ids = select(Distribution.id).where(Distribution.notice_id == notice_id)
        db.session.execute(delete(Reminder).where(Reminder.distribution_id.in_(ids)))
        db.session.execute(
            update(Distribution)
            .where(Distribution.notice_id == notice_id)
            .values(
                delivered_at=utcnow(),
                first_opened_at=None,
                first_opened_by_id=None,
                acknowledged_at=None,
                acknowledged_by_id=None,
                reminders_sent=0,
                reply_values={},
            )
        )
        db.session.commit()
    return notice_id
