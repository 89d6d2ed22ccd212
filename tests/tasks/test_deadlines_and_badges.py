"""A task's deadline as the pages show it: a milestone after the task's deadline is refused, the badge counts to the
task's own deadline and says so when a milestone comes first; the dashboard keeps the measures of each notice apart
(two notices may both have a measure "1")."""

import re
from datetime import UTC, date, datetime, timedelta

from flask_babel import force_locale, gettext, ngettext
from markupsafe import escape
from sqlalchemy import select

from app.core import time as clock
from app.core.dates import cn_date
from app.core.time import CHINA
from app.extensions import db
from app.notices.models import Notice
from app.tasks.models import Assignment, Milestone, Task
from app.units.models import Unit
from tests.helpers.tasks import notice_id, seed_notice, task_id, unit_id

TODAY = date(2025, 3, 3)


def freeze(monkeypatch, day: date, hour: int = 9):
    """Beijing time, as the bureau reads its deadlines."""
    moment = datetime(day.year, day.month, day.day, hour, 0, tzinfo=CHINA).astimezone(UTC)
    monkeypatch.setattr(clock, "utcnow", lambda: moment)


def _said(app, message: str, plural: str | None = None, **params) -> str:
    """The message as the page says it (in Chinese, the test client's language), escaped as in the html."""
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        text = ngettext(message, plural, params.pop("num")) if plural else gettext(message, **params)
        return str(escape(text))


def _badge(html: str) -> dict | None:
    """The urgency badge in this part of a page: its data attributes and its words."""
    found = re.search(r'<span class="badge[^"]*" (data-urgency="[a-z_]+"[^>]*)>([^<]*)</span>', html)
    if found is None:
        return None
    return {**dict(re.findall(r'data-([a-z-]+)="([^"]*)"', found.group(1))), "text": found.group(2)}


def _row(html: str, row_id: str) -> str:
    return re.search(rf'<tr id="{row_id}".*?</tr>', html, re.S).group(0)


def _task_form(app, **changes):
    data = {
        "code": "12",
        "title": "开展义务教育优质均衡督导评估",
        "description": "",
        "parent_id": 0,
        "lead_unit_id": unit_id(app, "inspection"),
        "due_on": "2024-06-30",
        "sort_order": 12,
        "milestones-0-id": "",
        "milestones-0-title": "完成自查报告",
        "milestones-0-due_on": "2024-09-30",
    }
    data.update(changes)
    return data


def test_a_milestone_due_after_the_tasks_deadline_is_refused_and_nothing_is_saved(login, client, app):
    nid = notice_id(app)
    login("staff")
    refused = client.post(f"/notices/{nid}/tasks/new", data=_task_form(app))
    message = _said(
        app,
        "The milestone “%(title)s” is due on %(milestone_due)s, after the task's deadline (%(task_due)s): "
        "bring it forward or move the deadline.",
        title="完成自查报告",
        milestone_due="2024年9月30日",
        task_due="2024年6月30日",
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and message in html
    assert 'value="完成自查报告"' in html and 'value="2024-09-30"' in html  # kept to be put right
    assert task_id(app, "12") is None

    # On the deadline itself it is fine.
    on_the_day = {"milestones-0-due_on": "2024-06-30"}
    assert client.post(f"/notices/{nid}/tasks/new", data=_task_form(app, **on_the_day)).status_code == 303
    made = task_id(app, "12")
    with app.app_context():
        assert [(m.title, m.due_on) for m in db.session.get(Task, made).milestones] == [
            ("完成自查报告", date(2024, 6, 30))
        ]
        milestone = db.session.get(Task, made).milestones[0].id

    # Changing a task: moving the deadline before its milestone is refused the same way, and nothing changes.
    earlier = _task_form(app, due_on="2024-05-31", **{"milestones-0-id": milestone, **on_the_day})
    moved = client.post(f"/tasks/{made}/edit", data=earlier)
    assert moved.status_code == 422 and "2024年5月31日" in moved.get_data(as_text=True)
    with app.app_context():
        task = db.session.get(Task, made)
        assert task.due_on == date(2024, 6, 30) and [m.due_on for m in task.milestones] == [date(2024, 6, 30)]


def _task_with_a_milestone(app, due_in: int, milestone_in: int) -> tuple[int, int, int]:
    """A task of 市一中 due in `due_in` days (from TODAY) with a milestone in `milestone_in`: task, milestone and
    assignment ids."""
    with app.app_context():
        no1 = db.session.scalar(select(Unit).where(Unit.code == "no1_middle"))
        task = Task(
            code="12",
            title="制定结对共建三年规划",
            source_notice=seed_notice(),
            lead_unit=no1,
            due_on=TODAY + timedelta(days=due_in),
            sort_order=12,
        )
        task.milestones = [Milestone(title="提交规划初稿", due_on=TODAY + timedelta(days=milestone_in))]
        task.assignments = [Assignment(unit=no1, role="lead")]
        db.session.add(task)
        db.session.commit()
        return task.id, task.milestones[0].id, task.assignments[0].id


def test_the_badge_counts_to_the_tasks_own_deadline_and_says_when_a_milestone_comes_first(
    monkeypatch, login, client, app
):
    task, milestone, assignment = _task_with_a_milestone(app, due_in=17, milestone_in=7)
    own_date, milestone_date = cn_date(TODAY + timedelta(days=17)), cn_date(TODAY + timedelta(days=7))
    freeze(monkeypatch, TODAY)
    milestone_due = _said(app, "Milestone due in %(num)d day", "Milestone due in %(num)d days", num=7)
    task_due_in_7 = _said(app, "Due in %(num)d day", "Due in %(num)d days", num=7)

    login("staff")
    tree_row = _row(client.get(f"/notices/{notice_id(app)}/tasks").text, f"task-{task}")
    page = client.get(f"/tasks/{task}").text
    heading_badge = _badge(page.split('id="task-heading"', 1)[1].split("</div>", 1)[0])
    attention_row = _row(client.get("/tasks/dashboard").text, f"attention-{assignment}")
    login("clerk_no1_middle")
    clerk_row = _row(client.get("/tasks").text, f"assignment-{assignment}")
    for where, html in (("tree", tree_row), ("dashboard", attention_row), ("clerk's list", clerk_row)):
        badge = _badge(html)
        # The milestone is what falls due in 7 days, and the badge says so; the task itself is not due in 7 days.
        assert badge == {"urgency": "due_soon", "milestone": str(milestone), "days-left": "7", "text": milestone_due}
        assert task_due_in_7 not in html, where
        # The deadline shown is the task's own, the milestone beside it.
        assert f'<span class="nowrap task-due">{own_date}</span>' in html, where
        assert "提交规划初稿" in html and milestone_date in html, where
    assert heading_badge == _badge(tree_row)

    # The milestone reached, nothing is due within the week: 17 days to the task's deadline, no badge.
    login("staff")
    client.post(f"/tasks/{task}/milestones/{milestone}", data={"done": "1"})
    tree_row = _row(client.get(f"/notices/{notice_id(app)}/tasks").text, f"task-{task}")
    assert _badge(tree_row) is None and own_date in tree_row and "提交规划初稿" not in tree_row

    # Twelve days on, five days are left to the task's own deadline.
    freeze(monkeypatch, TODAY + timedelta(days=12))
    tree_row = _row(client.get(f"/notices/{notice_id(app)}/tasks").text, f"task-{task}")
    assert _badge(tree_row) == {
        "urgency": "due_soon",
        "days-left": "5",
        "text": _said(app, "Due in %(num)d day", "Due in %(num)d days", num=5),
    }
    freeze(monkeypatch, TODAY + timedelta(days=17))
    tree_row = _row(client.get(f"/notices/{notice_id(app)}/tasks").text, f"task-{task}")
    assert _badge(tree_row) == {"urgency": "due_soon", "days-left": "0", "text": _said(app, "Due today")}
    freeze(monkeypatch, TODAY + timedelta(days=18))
    tree_row = _row(client.get(f"/notices/{notice_id(app)}/tasks").text, f"task-{task}")
    assert _badge(tree_row) == {"urgency": "overdue", "text": _said(app, "Overdue")}


def test_a_milestone_past_its_date_is_overdue_as_a_milestone_not_as_the_task(monkeypatch, login, client, app):
    task, milestone, assignment = _task_with_a_milestone(app, due_in=30, milestone_in=-2)
    freeze(monkeypatch, TODAY)
    login("clerk_no1_middle")
    row = _row(client.get("/tasks").text, f"assignment-{assignment}")
    assert _badge(row) == {"urgency": "overdue", "milestone": str(milestone), "text": _said(app, "Milestone overdue")}
    assert cn_date(TODAY + timedelta(days=30)) in row  # the task's own deadline, a month ahead
    page = client.get(f"/tasks/{task}").text
    assert _badge(page.split('id="task-heading"', 1)[1]) == _badge(row)


def _notice_by_number(app, serial: int) -> int:
    with app.app_context():
        return db.session.scalar(select(Notice.id).where(Notice.year == 2023, Notice.serial == serial))


def test_the_dashboard_keeps_each_notices_measures_apart(login, client, app):
    seed, other = notice_id(app), _notice_by_number(app, 76)  # 关于做好2023年秋季学期开学工作的通知
    login("staff")
    made = client.post(
        f"/notices/{other}/tasks/new",
        data={
            "code": "1",
            "title": "扎实做好开学准备",
            "parent_id": 0,
            "lead_unit_id": unit_id(app, "no1_middle"),
            "due_on": "2023-09-01",
            "sort_order": 1,
        },
    )
    assert made.status_code == 303
    with app.app_context():
        theirs = db.session.scalar(select(Task.id).where(Task.source_notice_id == other, Task.code == "1"))
        newest_first = [
            n.id
            for n in sorted(
                (db.session.get(Notice, seed), db.session.get(Notice, other)),
                key=lambda n: (n.issued_at, n.id),
                reverse=True,
            )
        ]
    ours = task_id(app, "1")

    page = client.get("/tasks/dashboard").text
    sections = dict(
        re.findall(r'<section class="notice-measures" id="notice-(\d+)" data-notice="\d+">(.*?)</figure>', page, re.S)
    )
    assert [int(n) for n in re.findall(r'<section class="notice-measures" id="notice-(\d+)"', page)] == newest_first
    seed_part, other_part = sections[str(seed)], sections[str(other)]
    # Under each notice's number and title, its own measures only.
    assert "乌教发〔2023〕75号" in seed_part and "乌教发〔2023〕76号" in other_part
    assert "关于做好2023年秋季学期开学工作的通知" in other_part
    seed_bars = re.findall(r'<g class="bar" data-key="measure-(\d+)"', seed_part)
    assert str(ours) in seed_bars and str(theirs) not in seed_bars and len(seed_bars) == 11
    assert re.findall(r'<g class="bar" data-key="measure-(\d+)"', other_part) == [str(theirs)]
    assert "1 扎实做好开学准备" in other_part and "1 扎实做好开学准备" not in seed_part

    # One notice chosen: its measures only.
    chosen = client.get(f"/tasks/dashboard?notice={other}").text
    assert re.findall(r'<section class="notice-measures" id="notice-(\d+)"', chosen) == [str(other)]
    assert f'<option value="{other}" selected>' in chosen
