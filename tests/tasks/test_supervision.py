"""督办: overdue and due-soon with the clock frozen, reminders by task list and email, the dashboard."""

import re
import time
from datetime import UTC, date, datetime
from email.header import decode_header, make_header

import pytest
from sqlalchemy import func, select

from app.core import time as clock
from app.core.time import CHINA
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
    mine = assignment_id(app, "5-3", "teacher_affairs")
    login("clerk_teacher_affairs")
    freeze(monkeypatch, 2024, 12, 1)
    page = client.get("/tasks").get_data(as_text=True)
    assert set(_urgencies(page, "assignment").values()) == {""}
    assert 'data-urgency="due_soon"' not in page

    freeze(monkeypatch, 2024, 12, 28)
    page = client.get("/tasks").get_data(as_text=True)
    assert _urgencies(page, "assignment")[mine] == "due_soon"
    soon = client.get("/tasks?show=due_soon", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert soon.lstrip().startswith('<div id="my-tasks"') and f'id="assignment-{mine}"' in soon

    freeze(monkeypatch, 2025, 1, 2)
    page = client.get("/tasks").get_data(as_text=True)
    urgencies = _urgencies(page, "assignment")
    assert urgencies[mine] == "overdue" and set(urgencies.values()) == {"overdue"}
    # Overdue first: the list's first row is overdue.
    assert next(iter(urgencies.values())) == "overdue"
    task_page = client.get(f"/tasks/{task_id(app, '5-3')}").get_data(as_text=True)
    assert 'data-urgency="overdue"' in task_page


def test_a_finished_assignment_is_never_overdue(monkeypatch, login, client, app):
    mine = assignment_id(app, "5-3", "teacher_affairs")
    login("clerk_teacher_affairs")
    client.post(
        f"/tasks/assignments/{mine}/reports",
        data={"text": "职称评审与岗位聘用已衔接。", "state": "done"},
        content_type="multipart/form-data",
    )
    login("staff")
    with app.app_context():
        report_id = db.session.scalar(select(ProgressReport.id).where(ProgressReport.assignment_id == mine))
    client.post(f"/tasks/reports/{report_id}/review", data={"decision": "accepted"})
    freeze(monkeypatch, 2025, 1, 2)
    login("clerk_teacher_affairs")
    page = client.get("/tasks").get_data(as_text=True)
    assert _urgencies(page, "assignment")[mine] == "done"
    overdue = client.get("/tasks?show=overdue").get_data(as_text=True)
    assert f'id="assignment-{mine}"' not in overdue


def test_a_milestone_brings_the_deadline_forward_until_it_is_reached(monkeypatch, login, client, app):
    five_three = task_id(app, "5-3")
    with app.app_context():
        milestone = Milestone(task_id=five_three, title="出台职称评审衔接办法", due_on=date(2024, 6, 30))
        db.session.add(milestone)
        db.session.commit()
        milestone_id = milestone.id
    login("staff")
    nid = notice_id(app)
    freeze(monkeypatch, 2024, 6, 25)
    tree = client.get(f"/notices/{nid}/tasks").get_data(as_text=True)
    assert _urgencies(tree, "task")[five_three] == "due_soon"
    assert _urgencies(tree, "task")[task_id(app, "5-2")] == ""  # its sibling waits for December
    freeze(monkeypatch, 2024, 7, 1)
    overdue = client.get(f"/notices/{nid}/tasks?show=overdue", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert overdue.lstrip().startswith('<div id="task-tree"')
    assert set(_urgencies(overdue, "task")) == {five_three}
    client.post(f"/tasks/{five_three}/milestones/{milestone_id}", data={"done": "1"})
    tree = client.get(f"/notices/{nid}/tasks").get_data(as_text=True)
    assert _urgencies(tree, "task")[five_three] == ""


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
        reminders = db.session.scalars(select(TaskReminder)).all()
        assert sorted(r.assignment.unit.code for r in reminders) == ["no1_middle", "no2_middle"]
        text = next(r.message for r in reminders if r.assignment.unit.code == "no1_middle")
    assert "8-结对1" in text and "2024年12月31日" in text  # the task and its deadline, in the default message
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
        db.session.scalar(select(Unit).where(Unit.code == "wuda")).email = "wuda@wuhai-edu.local"
        db.session.commit()
        assignments = db.session.scalar(select(func.count(Assignment.id)))
    freeze(monkeypatch, 2025, 1, 2)
    login("staff")
    response = client.post("/tasks/reminders", data={"scope": "overdue", "notice": notice_id(app)})
    assert response.status_code == 303 and "/tasks/dashboard" in response.headers["Location"]
    with app.app_context():
        reminders = db.session.scalars(select(TaskReminder)).all()
        assert len(reminders) == assignments  # every assignment of the demo is overdue by then
        wuda = [r for r in reminders if r.assignment.unit.code == "wuda"]
        assert wuda and all("cannot reach" in r.email_error for r in wuda)


def test_the_dashboard_shows_progress_by_measure_district_and_unit_as_svg(monkeypatch, login, client, app):
    mine = assignment_id(app, "8-结对1", "no1_middle")
    login("clerk_no1_middle")
    client.post(
        f"/tasks/assignments/{mine}/reports",
        data={"text": "完成。", "state": "done"},
        content_type="multipart/form-data",
    )
    login("staff")
    with app.app_context():
        client.post(
            f"/tasks/reports/{db.session.scalar(select(ProgressReport.id))}/review", data={"decision": "accepted"}
        )
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
        measure_8 = db.session.scalar(select(Task.id).where(Task.code == "8"))
        no1 = next(u.id for u in units.values() if u.code == "no1_middle")
    freeze(monkeypatch, 2024, 12, 28)
    page = client.get(f"/tasks/dashboard?notice={notice_id(app)}").get_data(as_text=True)
    assert f'id="count-assignments">{total}<' in page and 'id="count-done">1<' in page
    assert f'id="count-due-soon" class="due-soon">{total - 1}<' in page and 'id="count-overdue" class="">0<' in page
    # Charts drawn on the server: the only script is the layout's own htmx.
    assert page.count("<svg") == 3 and re.findall(r"<script[^>]*>", page) == [
        '<script src="/static/vendor/htmx/htmx.min.js" defer>'
    ]
    measures = re.findall(r'<g class="bar" data-key="measure-(\d+)" data-total="(\d+)" data-done="(\d+)"', page)
    assert len(measures) == 11
    assert (str(measure_8), "34", "1") in measures  # measure 8: its 7 units, 3 sub-items, 12 pairs of two
    districts = dict(
        re.findall(r'<g class="bar" data-key="((?:district-[a-z]+)|city|sections)" data-total="(\d+)"', page)
    )
    assert {k: int(v) for k, v in districts.items()} == by_district
    assert set(districts) == {"district-haibowan", "district-wuda", "district-hainan", "city", "sections"}
    assert re.search(rf'data-key="unit-{no1}" data-total="\d+" data-done="1" data-percent="\d+"', page)
    assert '<rect class="seg seg-done" data-state="done" data-count="1"' in page
    freeze(monkeypatch, 2025, 1, 2)
    page = client.get("/tasks/dashboard").get_data(as_text=True)
    assert f'id="count-overdue" class="overdue">{total - 1}<' in page
    assert page.count('data-urgency="overdue"') >= total - 1


def test_the_dashboard_lists_the_most_urgent_first_and_says_how_many_more(monkeypatch, login, client, app):
    from app.tasks import routes

    monkeypatch.setattr(routes, "ATTENTION_SHOWN", 5)
    freeze(monkeypatch, 2025, 1, 2)
    login("staff")
    page = client.get("/tasks/dashboard").get_data(as_text=True)
    assert len(re.findall(r'<tr id="attention-\d+"', page)) == 5 and 'id="attention-more"' in page
