"""The demo's history of 乌教发〔2023〕75号's tasks (app/demo/progress.py): most assignments done and accepted in
2023–2024, a few late, two still overdue, this term's work due after the day of the load; the dashboard is not all
red; loading the demo again, even weeks later, changes nothing."""

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core import time as clock
from app.core.time import CHINA
from app.demo.loader import load_demo
from app.demo.progress import CURRENT_PAIRS, FINISHED_LATE, MEASURE_11_DUE_IN, PAIRS_DUE_IN, REMINDED
from app.extensions import db
from app.tasks.models import Assignment, Task
from tests.helpers.accounts import DEMO_PASSWORD
from tests.helpers.tasks import seed_notice

TASK_TABLES = ("tasks", "task_cooperating_units", "milestones", "assignments", "progress_reports", "task_reminders")


def _assignments(app) -> list[dict]:
    """Every assignment of the seed's tasks with its reports, oldest first."""
    with app.app_context():
        tasks = db.session.scalars(
            select(Task)
            .where(Task.source_notice_id == seed_notice().id)
            .options(selectinload(Task.assignments).selectinload(Assignment.reports))
        ).all()
        return [
            {
                "task": t.code,
                "unit": a.unit.code,
                "due": t.due_on,
                "state": a.state,
                "reports": [
                    {
                        "state": r.state,
                        "review": r.review_state,
                        "on": r.created_at.astimezone(CHINA).date(),
                        "reviewed_on": r.reviewed_at.astimezone(CHINA).date() if r.reviewed_at else None,
                        "reviewer": r.reviewed_by.username if r.reviewed_by else None,
                        "comment": r.review_comment,
                    }
                    for r in sorted(a.reports, key=lambda r: (r.created_at, r.id))
                ],
                "reminders": [m.sent_at.astimezone(CHINA).date() for m in a.reminders],
            }
            for t in tasks
            for a in t.assignments
        ]


def test_most_of_the_seeds_assignments_were_done_and_accepted_in_2023_and_2024(demo):
    rows = _assignments(demo)
    done = [r for r in rows if r["state"] == "done"]
    assert len(done) >= 0.8 * len(rows), (len(done), len(rows))
    in_time = []
    for row in done:
        started, finished = row["reports"][-2], row["reports"][-1]
        # Reported under way, then done; the bureau accepted the report of the work done, days later.
        assert (started["state"], finished["state"], finished["review"]) == ("in_progress", "done", "accepted"), row
        assert started["on"] < finished["on"] < finished["reviewed_on"] and finished["reviewer"] == "staff", row
        if (row["task"], row["unit"]) not in FINISHED_LATE:
            in_time.append(row)
            assert date(2023, 9, 1) <= finished["on"] <= date(2024, 12, 31), row
            assert finished["on"] <= row["due"], row
    assert len(in_time) >= 0.75 * len(rows)
    # Spread over the two years, not all on one day.
    years = {row["reports"][-1]["on"].year for row in in_time}
    assert years == {2023, 2024} and len({row["reports"][-1]["on"] for row in in_time}) > 20


def test_a_few_finished_late_and_two_are_still_overdue(demo):
    rows = {(r["task"], r["unit"]): r for r in _assignments(demo)}
    for key in FINISHED_LATE:
        late = rows[key]
        assert late["state"] == "done" and late["reports"][-1]["on"] > late["due"] == date(2024, 12, 31), key
    # 市教研室's report on 7-4 was returned for more data; 海南区 was reminded on 10 and has not reported since.
    returned = rows[("7-4", "teaching_research")]
    assert returned["state"] != "done" and returned["reports"][-1]["review"] == "returned"
    assert returned["reports"][-1]["comment"]
    reminded = rows[("10", "hainan")]
    assert reminded["state"] != "done" and reminded["reminders"] == [REMINDED[("10", "hainan")][0]]
    assert reminded["reports"][-1]["on"] < reminded["reminders"][0]
    overdue = sorted(key for key, r in rows.items() if r["state"] != "done" and r["due"] < clock.today_in_china())
    assert overdue == [("10", "hainan"), ("7-4", "teaching_research")]


def test_this_terms_work_is_due_after_the_day_of_the_load(demo):
    today = clock.today_in_china()  # the day the test's demo data was made
    with demo.app_context():
        tasks = {
            t.code: t
            for t in db.session.scalars(
                select(Task).where(Task.source_notice_id == seed_notice().id).options(selectinload(Task.milestones))
            )
        }
        assert today < tasks["11"].due_on <= today + timedelta(days=MEASURE_11_DUE_IN)
        for code in CURRENT_PAIRS:
            assert today < tasks[code].due_on <= today + timedelta(days=PAIRS_DUE_IN), code
        # One of them has a milestone within the week.
        (first,) = tasks["8-结对2"].milestones
        assert first.done_at is None and today <= first.due_on <= today + timedelta(days=7)
        # The rest of the notice's work ended with 2024.
        others = [t for code, t in tasks.items() if code not in (*CURRENT_PAIRS, "11") and t.due_on]
        assert others and all(t.due_on <= date(2024, 12, 31) for t in others)


def test_the_dashboard_is_not_all_overdue(login, client, demo):
    login("staff")
    page = client.get("/tasks/dashboard").text
    counts = {k: int(v) for k, v in re.findall(r'id="count-([a-z-]+)"[^>]*>(\d+)<', page)}
    assert counts["overdue"] == 2 and counts["due-soon"] >= 1
    assert counts["done"] >= 0.8 * counts["assignments"]
    urgencies = re.findall(r'<tr id="attention-\d+"[^>]*data-urgency="([a-z_]+)"', page)
    assert urgencies.count("overdue") == 2 and "due_soon" in urgencies


def _rows_of_the_tasks():
    return {
        table.name: sorted(tuple(map(str, row)) for row in db.session.execute(select(table)))
        for table in db.metadata.sorted_tables
        if table.name in TASK_TABLES
    }


def test_loading_the_demo_again_weeks_later_changes_nothing(monkeypatch, demo):
    """The term's deadlines are counted from the day of the first load, and are not moved by a later one."""
    later = datetime.combine(clock.today_in_china() + timedelta(days=40), datetime.min.time(), CHINA).astimezone(UTC)
    with demo.app_context():
        before = _rows_of_the_tasks()
        assert set(before) == set(TASK_TABLES) and all(before.values())
        monkeypatch.setattr(clock, "utcnow", lambda: later + timedelta(hours=10))
        load_demo(DEMO_PASSWORD)
        db.session.expire_all()
        assert _rows_of_the_tasks() == before
