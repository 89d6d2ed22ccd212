"""The task pages run as many SQL queries for hundreds of tasks, units and reports as for the demo's few."""

from datetime import date

from sqlalchemy import select

from app.auth.models import User
from app.demo.scale import add_units
from app.extensions import db
from app.tasks.models import Assignment, Milestone, ProgressReport, Task, TaskReminder
from app.units.models import Unit
from tests.helpers.accounts import DEMO_PASSWORD
from tests.helpers.queries import counting_queries
from tests.helpers.tasks import notice_id, seed_notice, task_id


def _queries(app, client, path) -> int:
    with counting_queries(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


def _measure(app, client, login):
    nid, measure = notice_id(app), task_id(app, "8")
    login("staff")
    bureau = (
        _queries(app, client, f"/notices/{nid}/tasks"),
        _queries(app, client, f"/tasks/{measure}"),
        _queries(app, client, "/tasks/dashboard"),
        _queries(app, client, f"/tasks/dashboard?notice={nid}"),
        _queries(app, client, "/tasks"),
    )
    login("clerk_no1_middle")
    clerk = (_queries(app, client, "/tasks"), _queries(app, client, f"/tasks/{measure}"))
    return bureau + clerk


def _grow(app, extra_tasks: int, extra_units: int):
    """More units, and tasks under measure 8 for them and 市一中, each with milestones, reports and reminders."""
    with app.app_context():
        units = add_units(extra_units, DEMO_PASSWORD)
        notice = seed_notice()
        parent = db.session.scalar(select(Task).where(Task.source_notice_id == notice.id, Task.code == "8"))
        no1 = db.session.scalar(select(Unit).where(Unit.code == "no1_middle"))
        author = db.session.scalar(select(User).where(User.username == "clerk_no1_middle"))
        staff = db.session.scalar(select(User).where(User.username == "staff"))
        start = db.session.scalar(select(db.func.count(Task.id)))
        for n in range(extra_tasks):
            school = units[n % len(units)]
            task = Task(
                code=f"8-测{start + n}",
                title=f"测试任务{n}",
                source_notice=notice,
                parent=parent,
                lead_unit=no1,
                cooperating_units=[school],
                due_on=date(2024, 12, 31),
                sort_order=1000 + n,
            )
            task.milestones = [Milestone(title="阶段一", due_on=date(2024, 6, 30)), Milestone(title="阶段二")]
            lead = Assignment(unit=no1, role="lead", state="in_progress")
            task.assignments = [lead, Assignment(unit=school, role="cooperate")]
            lead.reports = [
                ProgressReport(
                    text="进展", state="in_progress", author=author, review_state="returned", reviewed_by=staff
                ),
                ProgressReport(text="再报", state="in_progress", author=author),
            ]
            lead.reminders = [TaskReminder(sent_by=staff, message="请报送进展")]
            db.session.add(task)
        db.session.commit()


def test_query_counts_do_not_grow_with_tasks_units_and_reports(login, client, app):
    _grow(app, 3, 3)
    small = _measure(app, client, login)
    _grow(app, 300, 100)
    large = _measure(app, client, login)
    assert large == small, (
        f"(tree, task, dashboard, dashboard of a notice, bureau list, clerk list, clerk task): {small} → {large}"
    )
    assert max(large) <= 16, large
