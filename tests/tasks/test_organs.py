"""Tasks per organ: the city's staff reach the city's tasks, a district's staff their district's; a district bureau
breaks a city task assigned to it down for its own schools (分解), supervises that breakdown itself, and the city
sees its roll-up ("2 of 3 schools done"), not the schools' reports."""

import re

from sqlalchemy import func, select

from app.auth.models import User
from app.core.time import utcnow
from app.extensions import db
from app.notices.models import Notice
from app.tasks.models import Assignment, Milestone, ProgressReport, Task, TaskReminder
from app.tasks.rollup import roll_up
from app.units.models import Unit
from tests.helpers.organs import district_organ
from tests.helpers.queries import counting_queries
from tests.helpers.tasks import assignment_id, notice_id, task_id, unit_id

HAIBOWAN_SCHOOLS = ("no3_middle", "no4_middle", "haibowan_no1_primary")
_PRIMARIES = ("haibowan_no1_primary", "haibowan_no2_primary")


def _districts(app):
    with app.app_context():
        return district_organ("haibowan"), district_organ("wuda")


def _break_down(client, app, task_pk, schools=HAIBOWAN_SCHOOLS, **fields):
    data = {"code": fields.pop("code", ""), "title": "完善学校增值性评价实施方案", "due_on": "2030-06-30", **fields}
    data["school_ids"] = [unit_id(app, code) for code in schools]
    if not data["code"]:
        page = client.get(f"/tasks/{task_pk}/breakdown").get_data(as_text=True)
        data["code"] = re.search(r'name="code"[^>]*value="([^"]+)"', page).group(1)
    return client.post(f"/tasks/{task_pk}/breakdown", data=data)


def _child(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/tasks/(\d+)$", response.headers["Location"]).group(1))


def _state(app, task_code, unit_code) -> str:
    with app.app_context():
        return db.session.get(Assignment, assignment_id(app, task_code, unit_code)).state


def _school_assignment(app, task_pk, unit_code) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Assignment.id).where(Assignment.task_id == task_pk, Assignment.unit_id == unit_id(app, unit_code))
        )


def _report(client, assignment_pk, state="done", text="已完成学校增值性评价实施方案。"):
    return client.post(
        f"/tasks/assignments/{assignment_pk}/reports",
        data={"text": text, "state": state},
        content_type="multipart/form-data",
    )


def _pending(app, assignment_pk) -> int:
    with app.app_context():
        return db.session.scalar(
            select(ProgressReport.id).where(
                ProgressReport.assignment_id == assignment_pk, ProgressReport.review_state == "pending"
            )
        )


def _report_and_accept(client, login, app, child, school, reviewer="staff_haibowan"):
    login(f"clerk_{school}")
    assignment_pk = _school_assignment(app, child, school)
    assert _report(client, assignment_pk).status_code == 303
    report = _pending(app, assignment_pk)
    login(reviewer)
    response = client.post(f"/tasks/reports/{report}/review", data={"decision": "accepted"})
    assert response.status_code == 303
    return report


def _todo_count(page: str, key: str) -> int:
    group = re.search(rf'<section class="panel todo-group" id="todo-{key}">(.*?)</section>', page, re.S)
    found = re.search(r'<span class="count">(\d+)</span>', group.group(1)) if group else None
    return int(found.group(1)) if found else 0


def _row(page: str, assignment_pk: int) -> str:
    return re.search(rf'<tr id="assignment-{assignment_pk}"(.*?)</tr>', page, re.S).group(0)


def test_a_districts_staff_reach_none_of_the_citys_tasks_but_those_assigned_to_their_bureau(login, client, app):
    _districts(app)
    nid = notice_id(app)
    measure_11 = task_id(app, "11")  # the city's, assigned to every district bureau
    not_theirs = task_id(app, "7-4")  # the city's, assigned to 市教研室 and the sections only
    wuda_report = _pending(app, assignment_id(app, "11", "wuda"))
    milestone, reached = _milestone_of(app, measure_11)
    reminders = _reminders(app)
    for account in ("staff_haibowan", "secretary_haibowan"):
        login(account)
        for path in (
            f"/notices/{nid}/tasks",
            f"/notices/{nid}/tasks.docx",
            f"/notices/{nid}/tasks.xlsx",
            f"/notices/{nid}/tasks/new",
            f"/notices/{nid}/tasks/from-headings",
            f"/tasks/{not_theirs}",
            f"/tasks/{not_theirs}/assignments",
            f"/tasks/{not_theirs}/reports",
            f"/tasks/{not_theirs}/breakdown",
            f"/tasks/{measure_11}/edit",
        ):
            assert client.get(path).status_code == 404, (account, path)
        for path in (
            f"/tasks/{measure_11}/reminders",
            f"/tasks/{measure_11}/delete",
            f"/tasks/{measure_11}/milestones/{milestone}",
            f"/tasks/reports/{wuda_report}/review",
        ):
            assert client.post(path, data={"decision": "accepted", "scope": "all"}).status_code == 404, path
        # Their bureau's own part of the city's measure 11: theirs to open, the other districts' parts not shown.
        page = client.get(f"/tasks/{measure_11}").get_data(as_text=True)
        assert 'id="task-heading"' in page and 'id="break-down"' in page
        assert 'data-state="' in _row(page, assignment_id(app, "11", "haibowan"))
        assert 'data-state="' not in _row(page, assignment_id(app, "11", "wuda"))
        assert f'id="report-{wuda_report}"' not in page and f"/tasks/{measure_11}/edit" not in page
        board = client.get("/tasks/dashboard").get_data(as_text=True)
        assert "推进质量评价改革" not in board and 'id="count-assignments">0<' in board
    with app.app_context():
        assert db.session.get(ProgressReport, wuda_report).review_state == "pending"
        assert db.session.get(Milestone, milestone).done_at == reached is not None
    assert _reminders(app) == reminders
    # The city's staff still reach all of it.
    login("staff")
    assert client.get(f"/notices/{nid}/tasks").status_code == 200
    assert client.get(f"/tasks/{not_theirs}").status_code == 200
    assert 'id="break-down"' not in client.get(f"/tasks/{measure_11}").get_data(as_text=True)


def _reminders(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(TaskReminder.id)))


def _milestone_of(app, task_pk) -> tuple[int, object]:
    """A milestone of the task, and when it was reached (the demo reached measure 11's first)."""
    with app.app_context():
        found = db.session.scalar(select(Milestone).where(Milestone.task_id == task_pk).order_by(Milestone.id))
        return found.id, found.done_at


def test_a_district_breaks_a_city_task_down_for_its_own_schools_only(login, client, app):
    _districts(app)
    measure_11 = task_id(app, "11")
    login("staff_haibowan")
    form = client.get(f"/tasks/{measure_11}/breakdown").get_data(as_text=True)
    assert "乌海市第三中学" in form and "乌海市第四中学" in form
    assert "乌海市第一中学" not in form and "乌海市第五中学" not in form  # a city school, a 海南区 school

    refused = _break_down(client, app, measure_11, schools=("no3_middle", "no1_middle"))
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(Task.id)).where(Task.parent_id == measure_11)) == 0

    child = _child(_break_down(client, app, measure_11))
    with app.app_context():
        task = db.session.get(Task, child)
        assert task.parent_id == measure_11 and task.organ_id == unit_id(app, "haibowan")
        assert task.source_notice_id == notice_id(app) and task.code == "11-海勃湾区1"
        assert {a.unit.code for a in task.assignments} == set(HAIBOWAN_SCHOOLS)
    page = client.get(f"/tasks/{measure_11}").get_data(as_text=True)
    assert f'href="/tasks/{child}"' in page and "11-海勃湾区1" in page
    # Broken down, the district's part has started, whatever its schools have done yet.
    assert _state(app, "11", "haibowan") == "in_progress"

    # The city's staff see the roll-up on their task, not the district's task itself.
    login("staff")
    page = client.get(f"/tasks/{measure_11}").get_data(as_text=True)
    assert 'data-rollup data-done="0" data-total="3"' in _row(page, assignment_id(app, "11", "haibowan"))
    assert f'href="/tasks/{child}"' not in page
    for path in (f"/tasks/{child}", f"/tasks/{child}/edit", f"/tasks/{measure_11}/breakdown"):
        assert client.get(path).status_code == 404, path
    # Nor does the tree or the task table of the notice carry it.
    assert "11-海勃湾区1" not in client.get(f"/notices/{notice_id(app)}/tasks").get_data(as_text=True)

    # A second task of the breakdown, for every school of the district: the roll-up counts each school once.
    login("staff_haibowan")
    every = _child(_break_down(client, app, measure_11, schools=(), every_school="y", code="11-海勃湾区2"))
    with app.app_context():
        schools = {a.unit.code for a in db.session.get(Task, every).assignments}
        assert schools == {"no3_middle", "no4_middle", "no18_middle", "no19_middle", *_PRIMARIES}
    login("staff")
    page = client.get(f"/tasks/{measure_11}").get_data(as_text=True)
    assert 'data-rollup data-done="0" data-total="6"' in _row(page, assignment_id(app, "11", "haibowan"))

    # Another district's staff know nothing of it.
    login("staff_wuda")
    for path in (f"/tasks/{child}", f"/tasks/{child}/edit", f"/tasks/{child}/assignments"):
        assert client.get(path).status_code == 404, path
    assert "11-海勃湾区1" not in client.get(f"/tasks/{measure_11}").get_data(as_text=True)


def test_the_district_supervises_its_breakdown_and_the_city_sees_it_roll_up(login, client, app):
    _districts(app)
    measure_11 = task_id(app, "11")
    haibowan_part = assignment_id(app, "11", "haibowan")
    login("secretary_haibowan")
    child = _child(_break_down(client, app, measure_11))

    # 三中 reports: the district reviews it, the city neither finds it in its 待办 nor may review it.
    login("clerk_no3_middle")
    page = client.get(f"/tasks/{child}").get_data(as_text=True)
    assert 'id="my-assignment"' in page and 'id="parent-link"' not in page
    assert client.get(f"/tasks/{measure_11}").status_code == 404
    no3 = _school_assignment(app, child, "no3_middle")
    assert _report(client, no3).status_code == 303
    report = _pending(app, no3)
    login("staff")
    city_reviews = _todo_count(client.get("/").get_data(as_text=True), "tasks-reports")
    assert city_reviews == 2  # the demo's two, on the city's own tasks
    assert client.post(f"/tasks/reports/{report}/review", data={"decision": "accepted"}).status_code == 404
    assert client.get(f"/tasks/reports/{report}/files/0").status_code == 404
    assert f"#report-{report}" not in client.get("/tasks").get_data(as_text=True)
    login("staff_haibowan")
    home = client.get("/").get_data(as_text=True)
    assert _todo_count(home, "tasks-reports") == 1 and f"/tasks/{child}#report-{report}" in home
    login("staff_wuda")
    assert _todo_count(client.get("/").get_data(as_text=True), "tasks-reports") == 0
    login("staff_haibowan")
    assert client.post(f"/tasks/reports/{report}/review", data={"decision": "accepted"}).status_code == 303
    assert _state(app, "11", "haibowan") == "in_progress"

    login("staff")
    page = client.get(f"/tasks/{measure_11}").get_data(as_text=True)
    assert 'data-rollup data-done="1" data-total="3"' in _row(page, haibowan_part)
    board = client.get("/tasks/dashboard").get_data(as_text=True)
    row = re.search(rf'<tr id="breakdown-{haibowan_part}"(.*?)</tr>', board, re.S).group(0)
    assert 'data-done="1" data-total="3"' in row and 'data-state="in_progress"' in row and "<meter" in row

    # The district reminds its own schools; the city reminds none of them.
    login("staff_haibowan")
    assert client.post(f"/tasks/{child}/reminders", data={"scope": "all"}).status_code == 303
    with app.app_context():
        reminded = set(
            db.session.scalars(
                select(Assignment.unit_id)
                .join(TaskReminder, TaskReminder.assignment_id == Assignment.id)
                .where(Assignment.task_id == child)
            )
        )
        assert reminded == {unit_id(app, "no4_middle"), unit_id(app, "haibowan_no1_primary")}
    login("staff")
    assert client.post(f"/tasks/{child}/reminders", data={"scope": "all"}).status_code == 404

    # Once every school is done, so is the district's part of the city's task, on the city's pages.
    for school in ("no4_middle", "haibowan_no1_primary"):
        _report_and_accept(client, login, app, child, school)
    assert _state(app, "11", "haibowan") == "done"
    login("staff")
    page = client.get(f"/tasks/{measure_11}").get_data(as_text=True)
    assert 'data-state="done"' in _row(page, haibowan_part) and 'data-rollup data-done="3" data-total="3"' in _row(
        page, haibowan_part
    )
    board = client.get("/tasks/dashboard").get_data(as_text=True)
    assert re.search(rf'<tr id="breakdown-{haibowan_part}" data-state="done" data-done="3" data-total="3"', board)


def test_a_blocked_school_blocks_the_districts_part(login, client, app):
    _districts(app)
    measure_11 = task_id(app, "11")
    login("staff_haibowan")
    child = _child(_break_down(client, app, measure_11, schools=("no3_middle", "no4_middle")))
    login("clerk_no4_middle")
    no4 = _school_assignment(app, child, "no4_middle")
    _report(client, no4, state="blocked", text="缺少评价软件，无法开展。")
    login("staff_haibowan")
    client.post(f"/tasks/reports/{_pending(app, no4)}/review", data={"decision": "accepted"})
    assert _state(app, "11", "haibowan") == "blocked"
    login("staff")
    page = client.get(f"/tasks/{measure_11}").get_data(as_text=True)
    assert 'data-state="blocked"' in _row(page, assignment_id(app, "11", "haibowan"))


def test_a_district_moves_its_breakdown_only_under_city_tasks_assigned_to_it_and_deletes_it(login, client, app):
    _districts(app)
    measure_11, measure_7, not_theirs = task_id(app, "11"), task_id(app, "7"), task_id(app, "7-4")
    login("staff_haibowan")
    child = _child(_break_down(client, app, measure_11))
    form = client.get(f"/tasks/{child}/edit").get_data(as_text=True)
    options = re.search(r'<select[^>]*name="parent_id"[^>]*>(.*?)</select>', form, re.S).group(1)
    assert f'value="{measure_11}"' in options and f'value="{measure_7}"' in options  # both assigned to 海勃湾区
    assert f'value="{not_theirs}"' not in options and 'value="0"' not in options
    edit = {"code": "11-海勃湾区1", "title": "完善学校增值性评价实施方案", "lead_unit_id": 0}
    edit["cooperating_unit_ids"] = [unit_id(app, code) for code in HAIBOWAN_SCHOOLS]
    assert client.post(f"/tasks/{child}/edit", data={**edit, "parent_id": not_theirs}).status_code == 422
    assert client.post(f"/tasks/{child}/edit", data={**edit, "parent_id": 0}).status_code == 422
    with app.app_context():
        assert db.session.get(Task, child).parent_id == measure_11

    # Moved under measure 7, the breakdown is measure 7's: there the district's part follows its schools now.
    assert _state(app, "7", "haibowan") == "done"  # the demo's, accepted long ago
    assert client.post(f"/tasks/{child}/edit", data={**edit, "parent_id": measure_7}).status_code == 303
    assert _state(app, "7", "haibowan") == "in_progress"
    login("staff")
    assert 'data-rollup data-done="0" data-total="3"' in _row(
        client.get(f"/tasks/{measure_7}").get_data(as_text=True), assignment_id(app, "7", "haibowan")
    )
    assert "data-rollup" not in client.get(f"/tasks/{measure_11}").get_data(as_text=True)

    login("staff_haibowan")
    deleted = client.post(f"/tasks/{child}/delete")
    assert deleted.status_code == 303 and deleted.headers["Location"].endswith(f"/tasks/{measure_7}")
    with app.app_context():
        assert db.session.get(Task, child) is None


def _grow_breakdowns(app, per_measure: int, schools: int) -> None:
    """Each district bureau breaks every city measure assigned to it down `per_measure` times, for `schools` new
    schools of its own (and the demo's), half of them done, with a report of each waiting for the district."""
    with app.app_context():
        notice = db.session.scalar(select(Task).where(Task.id == task_id(app, "11"))).source_notice
        author = db.session.scalar(select(User).where(User.username == "clerk_no3_middle"))
        start = db.session.scalar(select(func.count(Task.id)))
        for code in ("haibowan", "wuda", "hainan"):
            district = district_organ(code)
            made = db.session.scalar(select(func.count(Unit.id)).where(Unit.code.like(f"grown_{code}_%")))
            new = [
                Unit(
                    code=f"grown_{code}_{made + n}",
                    name=f"{code}测试学校{made + n}",
                    kind="school",
                    parent_id=district.unit_id,
                    sort_order=90000 + made + n,
                )
                for n in range(schools)
            ]
            db.session.add_all(new)
            measures = db.session.scalars(
                select(Task)
                .join(Assignment, Assignment.task_id == Task.id)
                .where(Task.source_notice_id == notice.id, Assignment.unit_id == district.unit_id)
            ).all()
            for measure in measures:
                for n in range(per_measure):
                    start += 1
                    child = Task(
                        code=f"{measure.code}-测{start}",
                        title=f"分解{start}",
                        source_notice=notice,
                        parent=measure,
                        organ_id=district.unit_id,
                        due_on=measure.due_on,
                        sort_order=n,
                    )
                    child.assignments = [
                        Assignment(unit=unit, role="cooperate", state="done" if i % 2 else "in_progress")
                        for i, unit in enumerate(new)
                    ]
                    child.assignments[0].reports = [ProgressReport(text="进展", state="in_progress", author=author)]
                    db.session.add(child)
        db.session.commit()
        for code in ("haibowan", "wuda", "hainan"):
            for measure_id in db.session.scalars(
                select(Task.parent_id).where(Task.organ_id == unit_id(app, code), Task.parent_id.is_not(None))
            ).unique():
                roll_up(measure_id, unit_id(app, code))
        db.session.commit()


def _counts(app, client, login, paths_by_account) -> dict[tuple[str, str], int]:
    counts = {}
    for account, paths in paths_by_account.items():
        login(account)
        for path in paths:
            with counting_queries(app) as statements:
                response = client.get(path)
            assert response.status_code == 200, (account, path)
            counts[(account, path)] = len(statements)
    return counts


def test_the_dashboards_and_task_pages_run_as_many_queries_for_many_breakdowns_as_for_one(login, client, app):
    _districts(app)
    measure_11, nid = task_id(app, "11"), notice_id(app)
    login("staff_haibowan")
    child = _child(_break_down(client, app, measure_11))
    paths = {
        "staff": [
            "/tasks/dashboard",
            f"/tasks/dashboard?notice={nid}",
            f"/tasks/{measure_11}",
            f"/notices/{nid}/tasks",
            "/",
        ],
        "staff_haibowan": ["/tasks/dashboard", f"/tasks/{measure_11}", f"/tasks/{child}", "/tasks", "/"],
    }
    _grow_breakdowns(app, 1, 2)
    small = _counts(app, client, login, paths)
    _grow_breakdowns(app, 3, 20)
    large = _counts(app, client, login, paths)
    assert large == small, (small, large)
    # The city's dashboard shows every district's roll-up of its measures, 11 among them.
    login("staff")
    board = client.get("/tasks/dashboard").get_data(as_text=True)
    assert len(re.findall(r'<tr id="breakdown-\d+"', board)) == 11 + 11 + 10  # 海勃湾区 and 海南区 also carry 10
    assert re.search(rf'<tr id="breakdown-{assignment_id(app, "11", "haibowan")}"[^>]*data-total="25"', board)


def _district_notice(app, district) -> int:
    """An issued notice of the district bureau (its own 海教发), straight into the database."""
    with app.app_context():
        author = db.session.scalar(select(User).where(User.username == district.account("secretary")))
        notice = Notice(
            title="海勃湾区教育局关于开展校园安全隐患排查的通知",
            body="一、全面排查\n二、限期整改",
            series_id=district.series_id,
            organ_id=district.unit_id,
            year=2024,
            serial=901,
            status="issued",
            issued_at=utcnow(),
            author_id=author.id,
        )
        db.session.add(notice)
        db.session.commit()
        return notice.id


def test_a_district_makes_tasks_of_its_own_notices_for_its_own_units_and_the_city_sees_none(login, client, app):
    haibowan, _wuda = _districts(app)
    nid = _district_notice(app, haibowan)
    login("staff_haibowan")
    tree = client.get(f"/notices/{nid}/tasks")
    assert tree.status_code == 200 and f'href="/notices/{nid}/tasks/new"' in tree.get_data(as_text=True)
    form = client.get(f"/notices/{nid}/tasks/new").get_data(as_text=True)
    leads = re.search(r'<select[^>]*name="lead_unit_id"[^>]*>(.*?)</select>', form, re.S).group(1)
    assert "乌海市第三中学" in leads and "乌海市第一中学" not in leads and "乌海市教育局" not in leads
    picker = client.get("/tasks/unit-picker?unit_filter=中学", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "乌海市第三中学" in picker and "乌海市第一中学" not in picker and "各区教育局" not in picker

    city_school = client.post(
        f"/notices/{nid}/tasks/new",
        data={
            "code": "1",
            "title": "全面排查",
            "lead_unit_id": unit_id(app, "no3_middle"),
            "cooperating_unit_ids": [unit_id(app, "no1_middle")],
        },
    )
    assert city_school.status_code == 422
    made = client.post(
        f"/notices/{nid}/tasks/new",
        data={
            "code": "1",
            "title": "全面排查",
            "lead_unit_id": unit_id(app, "no3_middle"),
            "cooperating_unit_ids": [unit_id(app, "no4_middle")],
        },
    )
    assert made.status_code == 303
    task_pk = int(re.search(r"/tasks/(\d+)$", made.headers["Location"]).group(1))
    with app.app_context():
        assert db.session.get(Task, task_pk).organ_id == haibowan.unit_id
    assert "全面排查" in client.get("/tasks/dashboard").get_data(as_text=True)

    for account in ("staff", "secretary", "staff_wuda"):
        login(account)
        for path in (
            f"/notices/{nid}/tasks",
            f"/notices/{nid}/tasks/new",
            f"/notices/{nid}/tasks.xlsx",
            f"/tasks/{task_pk}",
            f"/tasks/{task_pk}/edit",
        ):
            assert client.get(path).status_code == 404, (account, path)
        assert "全面排查" not in client.get("/tasks/dashboard").get_data(as_text=True)


def test_the_citys_acceptance_of_a_districts_own_report_does_not_outrun_its_schools(login, client, app):
    _districts(app)
    measure_11 = task_id(app, "11")
    haibowan_part = assignment_id(app, "11", "haibowan")
    login("staff_haibowan")
    _child(_break_down(client, app, measure_11))
    # 海勃湾区 reports its part done to the city, which accepts the report: its schools have not finished.
    assert _report(client, haibowan_part, text="已部署各校开展增值性评价。").status_code == 303
    login("staff")
    report = _pending(app, haibowan_part)
    assert client.post(f"/tasks/reports/{report}/review", data={"decision": "accepted"}).status_code == 303
    with app.app_context():
        assert db.session.get(ProgressReport, report).review_state == "accepted"
    assert _state(app, "11", "haibowan") == "in_progress"
    page = client.get(f"/tasks/{measure_11}").get_data(as_text=True)
    assert 'data-rollup data-done="0" data-total="3"' in _row(page, haibowan_part)


def test_the_city_cannot_take_a_district_off_a_task_it_has_broken_down(login, client, app):
    _districts(app)
    measure_11 = task_id(app, "11")
    login("staff_haibowan")
    _child(_break_down(client, app, measure_11))
    with app.app_context():
        task = db.session.get(Task, measure_11)
        data = {"code": task.code, "title": task.title, "lead_unit_id": task.lead_unit_id, "parent_id": 0}
        data["cooperating_unit_ids"] = [u.id for u in task.cooperating_units if u.code != "haibowan"]
    login("staff")
    response = client.post(f"/tasks/{measure_11}/edit", data=data)
    assert response.status_code == 422 and "海勃湾区" in response.get_data(as_text=True)
    assert _state(app, "11", "haibowan") == "in_progress"
    # Keeping 海勃湾区, the same form takes 海南区 off, which has neither reported on it nor broken it down.
    data["cooperating_unit_ids"] = [i for i in data["cooperating_unit_ids"] if i != unit_id(app, "hainan")] + [
        unit_id(app, "haibowan")
    ]
    assert client.post(f"/tasks/{measure_11}/edit", data=data).status_code == 303
    with app.app_context():
        assert {a.unit.code for a in db.session.get(Task, measure_11).assignments} >= {"haibowan", "wuda"}
        assert "hainan" not in {a.unit.code for a in db.session.get(Task, measure_11).assignments}
