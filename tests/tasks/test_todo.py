"""Tasks in the 待办: staff find the units' progress reports to review; a clerk finds its unit's 督办 reminders not
answered yet, its overdue tasks and those due within seven days, each assignment in one group only, until the unit
reports. The home page runs as many queries for hundreds of tasks, reports and reminders as for a few."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core import time as clock
from app.demo.progress import REMINDED
from app.demo.scale import add_units
from app.extensions import db
from app.tasks.models import Assignment, Milestone, ProgressReport, Task, TaskReminder
from app.units.models import Unit
from tests.helpers.accounts import DEMO_PASSWORD
from tests.helpers.queries import counting_queries
from tests.helpers.tasks import assignment_id, seed_notice, task_id

UNIT_GROUPS = ("tasks-reminders", "tasks-overdue", "tasks-due_soon")


def _group(page: str, key: str) -> str:
    """The html of one 待办 group of the home page, or '' when it is not shown."""
    match = re.search(rf'<section class="panel todo-group" id="todo-{key}">(.*?)</section>', page, re.S)
    return match.group(1) if match else ""


def _count(page: str, key: str) -> int:
    found = re.search(r'<span class="count">(\d+)</span>', _group(page, key))
    return int(found.group(1)) if found else 0


def _items(page: str, key: str) -> list[tuple[str, str]]:
    """(link, title) of each item the group shows, in its order."""
    return re.findall(r'<li class="[^"]*">\s*<a href="([^"]+)">([^<]*)</a>', _group(page, key))


def _titles(page: str, key: str) -> list[str]:
    return [title for _link, title in _items(page, key)]


def _top_bar(client) -> int:
    counter = client.get("/todo/count", headers={"HX-Request": "true"}).get_data(as_text=True)
    return int(re.search(r'<span class="count">(\d+)</span>', counter).group(1))


def _home(client) -> str:
    return client.get("/").get_data(as_text=True)


def _report(client, assignment_pk, text, state="in_progress"):
    return client.post(
        f"/tasks/assignments/{assignment_pk}/reports",
        data={"text": text, "state": state},
        content_type="multipart/form-data",
    )


def _pending_report_id(app, assignment_pk) -> int:
    with app.app_context():
        return db.session.scalar(
            select(ProgressReport.id).where(
                ProgressReport.assignment_id == assignment_pk, ProgressReport.review_state == "pending"
            )
        )


def test_staff_find_the_reports_to_review_longest_waiting_first_until_they_review_them(login, client, app):
    """The demo leaves two reports waiting: 市一中's on 8-结对3 (three days ago) and 乌达区's on 11 (two days ago)."""
    pair_3 = assignment_id(app, "8-结对3", "no1_middle")
    pair_report = _pending_report_id(app, pair_3)
    measure_11_report = _pending_report_id(app, assignment_id(app, "11", "wuda"))
    login("staff")
    home = _home(client)
    assert _count(home, "tasks-reports") == 2
    assert _items(home, "tasks-reports") == [
        (f"/tasks/{task_id(app, '8-结对3')}#report-{pair_report}", "8-结对3 市一中与四中结对共建"),
        (f"/tasks/{task_id(app, '11')}#report-{measure_11_report}", "11 推进质量评价改革"),
    ]
    assert "市一中" in _group(home, "tasks-reports") and "乌达区" in _group(home, "tasks-reports")
    before = _top_bar(client)

    assert client.post(f"/tasks/reports/{pair_report}/review", data={"decision": "accepted"}).status_code == 303
    home = _home(client)
    assert _titles(home, "tasks-reports") == ["11 推进质量评价改革"] and _count(home, "tasks-reports") == 1
    assert _top_bar(client) == before - 1

    # Reports are the bureau's to review: a clerk has none in its 待办.
    login("clerk_no1_middle")
    assert 'id="todo-tasks-reports"' not in _home(client)


def test_a_clerk_finds_its_units_overdue_tasks_and_those_due_within_seven_days(login, client, app):
    login("clerk_teaching_research")  # 7-4: its report was returned, the deadline (2024) long past
    home = _home(client)
    assert _items(home, "tasks-overdue") == [
        (f"/tasks/{task_id(app, '7-4')}", "7-4 强化集体备课制度和听评课制度的高质量落实")
    ]
    assert '<li class="overdue">' in _group(home, "tasks-overdue")
    assert _group(home, "tasks-due_soon") == "" and _group(home, "tasks-reminders") == ""

    # 市一中: 8-结对2's first milestone is five days ahead (its own deadline in 45). 8-结对3 waits on the bureau
    # (a report awaits review), 8-结对1, 4 and 5 are not due for weeks.
    login("clerk_no1_middle")
    home = _home(client)
    assert _titles(home, "tasks-due_soon") == ["8-结对2 市一中与三中结对共建"]
    assert "开展本学期首次联合教研活动" in _group(home, "tasks-due_soon")  # the milestone that falls due
    assert _group(home, "tasks-overdue") == ""
    # Another unit's tasks are not its own.
    assert "7-4" not in home


def test_an_unanswered_reminder_stands_in_reminders_only_until_the_unit_reports(login, client, app):
    """海南区 was reminded (督办) on measure 10, overdue since 2024, and has not reported since."""
    mine = assignment_id(app, "10", "hainan")
    _day, message = REMINDED[("10", "hainan")]
    login("clerk_hainan")
    home = _home(client)
    assert _titles(home, "tasks-reminders") == ["10 加大教育督导力度"]
    assert message in _group(home, "tasks-reminders")
    assert "10 加大教育督导力度" not in _group(home, "tasks-overdue")  # overdue too, but counted once
    before = _top_bar(client)

    assert _report(client, mine, "已完成海南区督导评估整改，材料已报送。", "done").status_code == 303
    home = _home(client)
    # Now it waits on the bureau's review, not on the unit.
    assert all("10 加大教育督导力度" not in _group(home, key) for key in UNIT_GROUPS)
    assert _top_bar(client) == before - 1

    # Returned: the unit has answered the reminder, so the task is back as what it is, overdue.
    login("staff")
    client.post(
        f"/tasks/reports/{_pending_report_id(app, mine)}/review",
        data={"decision": "returned", "comment": "请补充整改佐证材料。"},
    )
    login("clerk_hainan")
    home = _home(client)
    assert _titles(home, "tasks-overdue") == ["10 加大教育督导力度"] and _group(home, "tasks-reminders") == ""


def _task(notice, unit, code, due_on, **extra) -> Task:
    task = Task(code=code, title=f"测试任务{code}", source_notice=notice, lead_unit=unit, due_on=due_on, sort_order=900)
    task.assignments = [Assignment(unit=unit, role="lead", state=extra.pop("state", "not_started"))]
    for name, value in extra.items():
        setattr(task, name, value)
    db.session.add(task)
    return task


def test_each_assignment_stands_in_one_group_whatever_rules_it_meets(login, client, app):
    today = clock.today_in_china()
    login("clerk_no6_middle")
    assert all(_group(_home(client), key) == "" for key in UNIT_GROUPS)  # its demo tasks are done or not due
    before = _top_bar(client)
    with app.app_context():
        notice = seed_notice()
        no6 = db.session.scalar(select(Unit).where(Unit.code == "no6_middle"))
        staff = db.session.scalar(select(User).where(User.username == "staff"))
        # Overdue by its deadline and by a milestone, and reminded twice: a reminder, once.
        reminded = _task(notice, no6, "T1", today - timedelta(days=3))
        reminded.milestones = [Milestone(title="阶段一", due_on=today - timedelta(days=10))]
        reminded.assignments[0].reminders = [
            TaskReminder(sent_by=staff, message="第一次督办"),
            TaskReminder(sent_by=staff, message="第二次督办"),
        ]
        # Due in three days, but a milestone is past: overdue, not also due soon.
        _task(notice, no6, "T2", today + timedelta(days=3), milestones=[Milestone(title="阶段一", due_on=today)])
        _task(notice, no6, "T2b", today + timedelta(days=3)).milestones = [
            Milestone(title="已过期", due_on=today - timedelta(days=1))
        ]
        # Due in three days: due soon.
        _task(notice, no6, "T3", today + timedelta(days=3))
        # Overdue, but finished: nothing waits.
        _task(notice, no6, "T4", today - timedelta(days=3), state="done")
        # Due in eight days: not yet.
        _task(notice, no6, "T5", today + timedelta(days=8))
        db.session.commit()
    home = _home(client)
    groups = {key: _titles(home, key) for key in UNIT_GROUPS}
    assert groups == {
        "tasks-reminders": ["T1 测试任务T1"],
        "tasks-overdue": ["T2b 测试任务T2b"],
        "tasks-due_soon": ["T2 测试任务T2", "T3 测试任务T3"],  # T2's milestone is due today, not past
    }
    assert "第二次督办" in _group(home, "tasks-reminders") and "第一次督办" not in _group(home, "tasks-reminders")
    assert [_count(home, key) for key in UNIT_GROUPS] == [1, 1, 2]
    assert _top_bar(client) == before + 4  # the top bar counts each of the four once


# The query counts


def _grow(app, count: int) -> None:
    """`count` more schools, each cooperating with 市一中 on a task of its own, in turns overdue, due soon and
    reminded; each school has reported on its part (awaiting review), so staff have `count` more reports too."""
    today = clock.today_in_china()
    with app.app_context():
        schools = add_units(count, DEMO_PASSWORD)
        notice = seed_notice()
        no1 = db.session.scalar(select(Unit).where(Unit.code == "no1_middle"))
        staff = db.session.scalar(select(User).where(User.username == "staff"))
        clerks = {u.unit_id: u for u in db.session.scalars(select(User).where(User.username.like("clerk_scale_%")))}
        start = db.session.scalar(select(db.func.count(Task.id)))
        for n, school in enumerate(schools):
            due = today + timedelta(days=(-5, 3, 30)[n % 3])
            task = Task(
                code=f"Q{start + n}",
                title=f"增长任务{n}",
                source_notice=notice,
                lead_unit=no1,
                cooperating_units=[school],
                due_on=due,
                sort_order=2000 + n,
            )
            task.milestones = [Milestone(title="阶段一", due_on=due - timedelta(days=1))]
            lead = Assignment(unit=no1, role="lead")
            school_part = Assignment(unit=school, role="cooperate", state="in_progress")
            task.assignments = [lead, school_part]
            if n % 3 == 2:
                lead.reminders = [TaskReminder(sent_by=staff, message=f"请报送增长任务{n}的进展")]
            school_part.reports = [ProgressReport(text="进展", state="in_progress", author=clerks[school.id])]
            db.session.add(task)
        db.session.commit()


def _home_queries(app, client, login, username) -> int:
    login(username)
    client.get("/")  # a first request may record the session's use; count a plain one
    with counting_queries(app) as statements:
        assert client.get("/").status_code == 200
    return len([s for s in statements if not s.startswith("BEGIN")])


def _group_counts(client, login, username) -> dict[str, int]:
    login(username)
    home = _home(client)
    return {key: _count(home, key) for key in (*UNIT_GROUPS, "tasks-reports")}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_home_page_runs_as_many_queries_for_300_tasks_as_for_3(login, client, app):
    people = ("clerk_no1_middle", "staff")
    _grow(app, 3)
    small = [_home_queries(app, client, login, person) for person in people]
    small_counts = _group_counts(client, login, "clerk_no1_middle"), _group_counts(client, login, "staff")
    _grow(app, 300)
    large = [_home_queries(app, client, login, person) for person in people]
    assert large == small, dict(zip(people, zip(small, large, strict=True), strict=True))
    clerk, staff = _group_counts(client, login, "clerk_no1_middle"), _group_counts(client, login, "staff")
    # The pages read the grown data: 100 more of each of the clerk's groups, 300 more reports for staff.
    assert [clerk[k] - small_counts[0][k] for k in UNIT_GROUPS] == [100, 100, 100]
    assert staff["tasks-reports"] - small_counts[1]["tasks-reports"] == 300
