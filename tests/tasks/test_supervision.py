"""督办: overdue and due-soon with the clock frozen, reminders by task list and email, the dashboard."""

import re
import time
from datetime import UTC, date, datetime, timedelta
from email.header import decode_header, make_header

import pytest
from sqlalchemy import func, select

from app.core import time as clock
from app.core.dates import cn_date
from app.core.time import CHINA
from app.demo.progress import PAIRS_DUE_IN
from app.extensions import db
from app.tasks.deadlines import Urgency, urgency_of
from app.tasks.models import Assignment, Milestone, ProgressReport, Task, TaskReminder
from app.units.models import Unit
from tests.helpers.tasks import assignment_id, notice_id, task_id


def freeze(monkeypatch, year, month, day, hour=9):
    """Beijing time, as the bureau reads its deadlines."""
    moment = datetime(year, month, day, hour, 0, tzinfo=CHINA).astimezone(UTC)
    monkeypatch.setattr(clock, "utcnow", lambda: moment)


def _urgencies(html: str, prefix: str) -> dict[int, str]:
    return {
        int(i): u for i, u in re.findall(rf'<tr id="{prefix}-(\d+)"[^>]*?data-urgency="([a-z_]*)"', html, flags=re.S)
    }


@pytest.mark.parametrize(
    "today,expected",
    [
        (date(2024, 12, 1), Urgency.none),  # 30 days ahead
        (date(2024, 12, 23), Urgency.none),  # 8 days ahead
        (date(2024, 12, 24), Urgency.due_soon),  # 7 days ahead
        (date(2024, 12, 31), Urgency.due_soon),  # due today
        (date(2025, 1, 1), Urgency.overdue),
    ],
)
def test_the_rule_overdue_after_the_date_due_soon_within_seven_days(today, expected):
    assert urgency_of(date(2024, 12, 31), False, today) == expected
    assert urgency_of(date(2024, 12, 31), True, today) == Urgency.done


def test_a_units_tasks_stand_out_as_due_soon_then_overdue(monkeypatch, login, client, app):
    """7-4, which 市教研室 has not finished (its report was returned), against the days before its deadline."""
    mine = assignment_id(app, "7-4", "teaching_research")
    login("clerk_teaching_research")
    freeze(monkeypatch, 2024, 12, 1)
    page = client.get("/tasks").get_data(as_text=True)
    assert _urgencies(page, "assignment")[mine] == ""
    assert 'data-urgency="due_soon"' not in page

    freeze(monkeypatch, 2024, 12, 28)
    page = client.get("/tasks").get_data(as_text=True)
    assert _urgencies(page, "assignment")[mine] == "due_soon"
    soon = client.get("/tasks?show=due_soon", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert soon.lstrip().startswith('<div id="my-tasks"') and f'id="assignment-{mine}"' in soon

    freeze(monkeypatch, 2025, 1, 2)
    page = client.get("/tasks").get_data(as_text=True)
    urgencies = _urgencies(page, "assignment")
    assert urgencies[mine] == "overdue" and set(urgencies.values()) == {"overdue", "done", ""}
    # Overdue first: the list's first row is overdue.
    assert next(iter(urgencies.values())) == "overdue"
    task_page = client.get(f"/tasks/{task_id(app, '7-4')}").get_data(as_text=True)
    assert 'data-urgency="overdue"' in task_page


def test_a_finished_assignment_is_never_overdue(monkeypatch, login, client, app):
    mine = assignment_id(app, "7-4", "teaching_research")
    login("clerk_teaching_research")
    client.post(
        f"/tasks/assignments/{mine}/reports",
        data={"text": "已补充各区专职教研员配备情况数据。", "state": "done"},
        content_type="multipart/form-data",
    )
    login("staff")
    with app.app_context():
        report_id = db.session.scalar(
            select(ProgressReport.id).where(
                ProgressReport.assignment_id == mine, ProgressReport.review_state == "pending"
            )
        )
    client.post(f"/tasks/reports/{report_id}/review", data={"decision": "accepted"})
    freeze(monkeypatch, 2025, 1, 2)
    login("clerk_teaching_research")
    page = client.get("/tasks").get_data(as_text=True)
    assert _urgencies(page, "assignment")[mine] == "done"
    overdue = client.get("/tasks?show=overdue").get_data(as_text=True)
    assert f'id="assignment-{mine}"' not in overdue


def test_a_milestone_brings_the_deadline_forward_until_it_is_reached(monkeypatch, login, client, app):
    seven_four = task_id(app, "7-4")
    with app.app_context():
        milestone = Milestone(task_id=seven_four, title="完成各区教研员配备情况摸底", due_on=date(2024, 6, 30))
        db.session.add(milestone)
        db.session.commit()
        milestone_id = milestone.id
    login("staff")
    nid = notice_id(app)
    freeze(monkeypatch, 2024, 6, 25)
    tree = client.get(f"/notices/{nid}/tasks").get_data(as_text=True)
    assert _urgencies(tree, "task")[seven_four] == "due_soon"
    assert _urgencies(tree, "task")[task_id(app, "10")] == ""  # another open task waits for December
    freeze(monkeypatch, 2024, 7, 1)
    overdue = client.get(f"/notices/{nid}/tasks?show=overdue", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert overdue.lstrip().startswith('<div id="task-tree"')
    assert set(_urgencies(overdue, "task")) == {seven_four}
    client.post(f"/tasks/{seven_four}/milestones/{milestone_id}", data={"done": "1"})
    tree = client.get(f"/notices/{nid}/tasks").get_data(as_text=True)
    assert _urgencies(tree, "task")[seven_four] == ""


def test_a_reminder_reaches_the_units_task_list_and_the_local_smtp_server(monkeypatch, login, client, app, smtp_server):
    port, received = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SENDER="office@wuhai-edu.local")
    with app.app_context():
        db.session.scalar(select(Unit).where(Unit.code == "no1_middle")).email = "yizhong@wuhai-edu.local"
        db.session.commit()
    freeze(monkeypatch, 2025, 1, 2)
    pair_task = task_id(app, "8-结对1")
    login("staff")
    response = client.post(f"/tasks/{pair_task}/reminders", data={"scope": "all", "message": ""})
    assert response.status_code == 303
    with app.app_context():
        reminders = db.session.scalars(
            select(TaskReminder).join(Assignment).where(Assignment.task_id == pair_task).order_by(TaskReminder.id)
        ).all()
        assert sorted(r.assignment.unit.code for r in reminders) == ["no1_middle", "no2_middle"]
        text = next(r.message for r in reminders if r.assignment.unit.code == "no1_middle")
        due = cn_date(db.session.get(Task, pair_task).due_on)
    assert "8-结对1" in text and due in text  # the task and its deadline, in the default message
    for _ in range(50):
        if received:
            break
        time.sleep(0.05)
    assert len(received) == 1 and received[0]["To"] == "yizhong@wuhai-edu.local"
    subject = str(make_header(decode_header(received[0]["Subject"])))
    assert "8-结对1" in subject and text in received[0].get_payload(decode=True).decode()
    login("clerk_no1_middle")
    page = client.get("/tasks").get_data(as_text=True)
    assert "data-reminder=" in page and text in page
    login("clerk_no6_middle")
    assert "data-reminder=" not in client.get("/tasks").get_data(as_text=True)


def test_the_dashboard_reminds_every_overdue_unit_and_a_dead_mail_server_loses_nothing(monkeypatch, login, client, app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing listens there
    with app.app_context():
        db.session.scalar(select(Unit).where(Unit.code == "hainan")).email = "hainan@wuhai-edu.local"
        db.session.commit()
        before = db.session.scalar(select(func.count(TaskReminder.id)))
    # A week after the term's deadlines: measure 11's milestone and 市一中's pairs are overdue too, with 7-4 and 10.
    freeze(monkeypatch, *(clock.today_in_china() + timedelta(days=PAIRS_DUE_IN + 7)).timetuple()[:3])
    login("staff")
    overdue = len(re.findall(r'<tr id="attention-\d+"[^>]*data-urgency="overdue"', client.get("/tasks/dashboard").text))
    response = client.post("/tasks/reminders", data={"scope": "overdue", "notice": notice_id(app)})
    assert response.status_code == 303 and "/tasks/dashboard" in response.headers["Location"]
    with app.app_context():
        reminders = db.session.scalars(select(TaskReminder).order_by(TaskReminder.id).offset(before)).all()
        assert len(reminders) == overdue >= 18  # every unit that has not finished its part
        assert {r.assignment.unit.code for r in reminders} >= {
            "teaching_research",
            "hainan",
            "no1_middle",
            "no3_middle",
        }
        hainan = [r for r in reminders if r.assignment.unit.code == "hainan"]
        assert hainan and all("cannot reach" in r.email_error for r in hainan)


def test_the_dashboard_shows_progress_by_measure_district_and_unit_as_svg(monkeypatch, login, client, app):
    mine = assignment_id(app, "8-结对1", "no1_middle")
    login("staff")
    freeze(monkeypatch, 2025, 1, 2)
    before = client.get(f"/tasks/dashboard?notice={notice_id(app)}").text
    done_before = int(re.search(r'id="count-done">(\d+)<', before).group(1))
    monkeypatch.undo()
    login("clerk_no1_middle")
    client.post(
        f"/tasks/assignments/{mine}/reports",
        data={"text": "完成。", "state": "done"},
        content_type="multipart/form-data",
    )
    login("staff")
    with app.app_context():
        report = db.session.scalar(select(ProgressReport.id).where(ProgressReport.assignment_id == mine))
        client.post(f"/tasks/reports/{report}/review", data={"decision": "accepted"})
        units = {u.id: u for u in db.session.scalars(select(Unit))}
        by_district = {}
        for unit_pk, count in db.session.execute(select(Assignment.unit_id, func.count()).group_by(Assignment.unit_id)):
            unit = units[unit_pk]
            key = (
                "sections"
                if unit.kind == "section"
                else (f"district-{unit.district.code}" if unit.district else "city")
            )
            by_district[key] = by_district.get(key, 0) + count
        total = db.session.scalar(select(func.count(Assignment.id)))
        done = db.session.scalar(select(func.count(Assignment.id)).where(Assignment.state == "done"))
        measure_8 = db.session.scalar(select(Task.id).where(Task.code == "8"))
        done_in_8 = db.session.scalar(
            select(func.count(Assignment.id))
            .join(Task, Task.id == Assignment.task_id)
            .where(Assignment.state == "done", (Task.id == measure_8) | (Task.parent_id == measure_8))
        )
        no1 = next(u.id for u in units.values() if u.code == "no1_middle")
        no1_done = db.session.scalar(
            select(func.count(Assignment.id)).where(Assignment.unit_id == no1, Assignment.state == "done")
        )
    freeze(monkeypatch, 2025, 1, 2)
    page = client.get(f"/tasks/dashboard?notice={notice_id(app)}").text
    assert f'id="count-assignments">{total}<' in page and f'id="count-done">{done}<' in page
    assert done == done_before + 1
    # On 2 January 2025 only the two tasks the demo leaves unfinished are overdue: the rest is done or not due.
    assert 'id="count-overdue" class="overdue">2<' in page
    # Charts drawn on the server: the only script is the layout's own htmx.
    assert page.count("<svg") == 3 and re.findall(r"<script[^>]*>", page) == [
        '<script src="/static/vendor/htmx/htmx.min.js" defer>'
    ]
    measures = re.findall(r'<g class="bar" data-key="measure-(\d+)" data-total="(\d+)" data-done="(\d+)"', page)
    assert len(measures) == 11
    assert (str(measure_8), "34", str(done_in_8)) in measures  # measure 8: its 7 units, 3 sub-items, 12 pairs of two
    districts = dict(
        re.findall(r'<g class="bar" data-key="((?:district-[a-z]+)|city|sections)" data-total="(\d+)"', page)
    )
    assert {k: int(v) for k, v in districts.items()} == by_district
    assert set(districts) == {"district-haibowan", "district-wuda", "district-hainan", "city", "sections"}
    assert re.search(rf'data-key="unit-{no1}" data-total="\d+" data-done="{no1_done}" data-percent="\d+"', page)
    assert f'<rect class="seg seg-done" data-state="done" data-count="{done_in_8}"' in page


def test_the_dashboard_lists_the_most_urgent_first_and_says_how_many_more(monkeypatch, login, client, app):
    from app.tasks import routes

    monkeypatch.setattr(routes, "ATTENTION_SHOWN", 5)
    freeze(monkeypatch, *(clock.today_in_china() + timedelta(days=PAIRS_DUE_IN + 7)).timetuple()[:3])
    login("staff")
    page = client.get("/tasks/dashboard").text
    rows = re.findall(r'<tr id="attention-\d+"[^>]*data-urgency="([a-z_]+)"', page)
    assert rows == ["overdue"] * 5 and 'id="attention-more"' in page
