"""Look-ups shared by the task tests."""

from sqlalchemy import select

from app.extensions import db
from app.tasks.models import Assignment, Task
from app.units.models import Unit
from tests.helpers.notices import seed_notice


def notice_id(app) -> int:
    with app.app_context():
        return seed_notice().id


def unit_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Unit.id).where(Unit.code == code))


def task_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Task.id).where(Task.source_notice_id == seed_notice().id, Task.code == code))


def assignment_id(app, code: str, unit_code: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Assignment.id)
            .join(Task, Task.id == Assignment.task_id)
            .join(Unit, Unit.id == Assignment.unit_id)
            .where(Task.source_notice_id == seed_notice().id, Task.code == code, Unit.code == unit_code)
        )


def get_assignment(app, assignment_pk: int) -> Assignment:
    with app.app_context():
        found = db.session.get(Assignment, assignment_pk)
        _ = found.reports, found.reminders
        db.session.expunge_all()
        return found
