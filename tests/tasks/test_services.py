"""Rules of the task services that the pages do not show one by one."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.demo.pairings import tasks_from_pairings
from app.extensions import db
from app.tasks.dashboard import Progress
from app.tasks.deadlines import next_deadline
from app.tasks.editing import sync_assignments
from app.tasks.errors import TaskError
from app.tasks.models import Assignment, Milestone, ProgressReport, Task
from app.tasks.queries import code_key
from app.tasks.reports import review_report, submit_report
from tests.helpers.tasks import seed_notice


def test_codes_sort_in_their_natural_order():
    codes = ["10", "8-结对10", "2", "8-3", "8-结对2", "A1", "8"]
    assert sorted(codes, key=code_key) == ["2", "8", "8-3", "8-结对2", "8-结对10", "10", "A1"]


def test_the_next_deadline_is_the_first_open_milestone_before_the_tasks_own():
    task = Task(code="x", title="x", due_on=date(2024, 12, 31))
    task.milestones = [
        Milestone(title="late", due_on=date(2025, 3, 1)),
        Milestone(title="reached", due_on=date(2024, 3, 1), done_at=datetime(2024, 2, 1)),
        Milestone(title="next", due_on=date(2024, 6, 30)),
    ]
    assert next_deadline(task) == (date(2024, 6, 30), task.milestones[2])
    task.milestones[2].done_at = datetime(2024, 6, 1)
    assert next_deadline(task) == (date(2024, 12, 31), None)


def test_progress_segments_add_up_to_the_bar():
    progress = Progress()
    for state in ("done", "done", "in_progress", "not_started"):
        progress.add(Assignment(state=state), "")
    segments = progress.segments(400)
    assert [(s[0], s[3]) for s in segments] == [("done", 2), ("in_progress", 1), ("not_started", 1)]
    assert sum(s[2] for s in segments) == pytest.approx(400) and progress.percent == 50


def test_a_unit_that_has_reported_cannot_be_taken_off_the_task(demo):
    with demo.app_context():
        task = db.session.scalar(select(Task).where(Task.code == "8-结对1"))
        clerk = db.session.scalar(select(User).where(User.username == "clerk_no2_middle"))
        middle = next(a for a in task.assignments if a.unit_id == clerk.unit_id)
        submit_report(clerk, middle, "配合开展联合教研。", "in_progress", [], 1024)
        task.cooperating_units = []
        with pytest.raises(TaskError):
            sync_assignments(task)
        db.session.rollback()


def test_a_report_is_not_reviewed_by_its_author_nor_reported_by_another_unit(demo):
    with demo.app_context():
        task = db.session.scalar(select(Task).where(Task.code == "6"))  # led by 基础教育科, the staff's own section
        staff = db.session.scalar(select(User).where(User.username == "staff"))
        clerk = db.session.scalar(select(User).where(User.username == "clerk_no1_middle"))
        own = next(a for a in task.assignments if a.unit_id == staff.unit_id)
        with pytest.raises(TaskError):
            submit_report(clerk, own, "不是本单位的任务", "done", [], 1024)
        report = submit_report(staff, own, "本科室的进展。", "in_progress", [], 1024)
        with pytest.raises(TaskError):
            review_report(staff, report, "accepted", "")
        assert db.session.get(ProgressReport, report.id).review_state == "pending"


def test_pairings_need_the_measure_they_belong_under(demo):
    with demo.app_context():
        assert tasks_from_pairings(seed_notice(), under="99") == []
