"""Through the pages: a unit reports, the bureau returns the report with a comment, the unit reports again, the
bureau accepts; a clerk reaches its own unit's tasks only; bad input keeps what was typed."""

import io
import re

from sqlalchemy import func, select

from app.extensions import db
from app.tasks.models import Assignment, Milestone, ProgressReport, Task, TaskReminder
from app.units.models import Unit
from tests.helpers.tasks import assignment_id, get_assignment, notice_id, task_id, unit_id

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _reports(app, assignment_pk):
    with app.app_context():
        rows = db.session.scalars(
            select(ProgressReport).where(ProgressReport.assignment_id == assignment_pk).order_by(ProgressReport.id)
        ).all()
        out = [
            {
                "id": r.id,
                "text": r.text,
                "state": r.state,
                "review": r.review_state,
                "reviewer": r.reviewed_by.username if r.reviewed_by else None,
                "reviewed_at": r.reviewed_at,
                "comment": r.review_comment,
                "author": r.author.username,
                "files": r.files,
            }
            for r in rows
        ]
    return out


def _report(client, assignment_pk, text, state, **extra):
    return client.post(
        f"/tasks/assignments/{assignment_pk}/reports", data={"text": text, "state": state, **extra}, **_multipart()
    )


def _multipart():
    return {"content_type": "multipart/form-data"}


def test_report_returned_with_a_comment_reported_again_and_accepted(login, client, app):
    """The acceptance path, through the pages as a clerk and the bureau's staff use them."""
    pair_task = task_id(app, "8-结对1")  # 市一中 leads, 市二中 cooperates
    mine = assignment_id(app, "8-结对1", "no1_middle")

    login("clerk_no1_middle")
    listing = client.get("/tasks").get_data(as_text=True)
    assert f'data-task="{pair_task}"' in listing
    page = client.get(f"/tasks/{pair_task}").get_data(as_text=True)
    assert f"/tasks/assignments/{mine}/reports" in page
    first = _report(
        client,
        mine,
        "已组建语文、数学共建备课组，开展联合教研两次。",
        "in_progress",
        files=[(io.BytesIO(PDF_BYTES), "联合教研记录.pdf")],
    )
    assert first.status_code == 303 and first.headers["Location"].endswith(f"/tasks/{pair_task}")
    (sent,) = _reports(app, mine)
    assert (sent["review"], sent["state"], sent["author"]) == ("pending", "in_progress", "clerk_no1_middle")
    assert sent["files"][0]["filename"] == "联合教研记录.pdf"
    # While it waits, the unit cannot pile a second report on it.
    again = _report(client, mine, "补充", "done")
    assert again.status_code == 422 and len(_reports(app, mine)) == 1

    login("staff")
    bureau_page = client.get(f"/tasks/{pair_task}").get_data(as_text=True)
    assert f"/tasks/reports/{sent['id']}/review" in bureau_page
    assert client.get(f"/tasks/reports/{sent['id']}/files/0").data == PDF_BYTES
    returned = client.post(
        f"/tasks/reports/{sent['id']}/review",
        data={"decision": "returned", "comment": "请补充英语、政治、物理学科的进展。"},
    )
    assert returned.status_code == 303
    (after_return,) = _reports(app, mine)
    assert after_return["review"] == "returned" and after_return["reviewer"] == "staff"
    assert after_return["comment"] == "请补充英语、政治、物理学科的进展。" and after_return["reviewed_at"] is not None
    assert get_assignment(app, mine).state == "not_started"  # a returned report changes nothing

    login("clerk_no1_middle")
    page = client.get(f"/tasks/{pair_task}").get_data(as_text=True)
    assert "请补充英语、政治、物理学科的进展。" in page and 'class="returned-note"' in page
    second = _report(client, mine, "五门学科共建备课组均已组建并开展活动。", "done")
    assert second.status_code == 303

    login("staff")
    latest = _reports(app, mine)[-1]
    accepted = client.post(f"/tasks/reports/{latest['id']}/review", data={"decision": "accepted"})
    assert accepted.status_code == 303
    history = _reports(app, mine)
    assert [(r["review"], r["state"]) for r in history] == [("returned", "in_progress"), ("accepted", "done")]
    assert history[1]["reviewer"] == "staff" and history[1]["reviewed_at"] is not None
    assert get_assignment(app, mine).state == "done"
    page = client.get(f"/notices/{notice_id(app)}/tasks").get_data(as_text=True)
    row = re.search(rf'<tr id="task-{pair_task}"[^>]*>', page).group(0)
    assert 'data-done="1"' in row and 'data-total="2"' in row  # 市二中 has not finished its part


def test_with_htmx_the_report_and_the_review_swap_their_own_parts(login, client, app):
    pair_task = task_id(app, "8-结对2")
    mine = assignment_id(app, "8-结对2", "no1_middle")
    login("clerk_no1_middle")
    response = client.post(
        f"/tasks/assignments/{mine}/reports",
        data={"text": "开展联合备课。", "state": "in_progress"},
        headers={"HX-Request": "true"},
        **_multipart(),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="my-assignment"')
    # The report's page parts refresh themselves, and so does the 待办 counter in the top bar.
    assert "<html" not in html and response.headers["HX-Trigger"] == "task-reported, todo-changed"
    assert 'data-waiting="' in html and "<form" not in html
    (sent,) = [r for r in _reports(app, mine) if r["review"] == "pending"]
    # The panel says at once what was reported and that it waits for the bureau.
    last = re.search(r'<p class="last-report" id="my-last-report"[^>]*>.*?</p>', html, flags=re.S).group(0)
    assert f'data-report="{sent["id"]}" data-state="in_progress" data-review="pending"' in last
    fragment = client.get(f"/tasks/{pair_task}/reports", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="task-reports"') and "开展联合备课。" in fragment

    login("staff")
    refused = client.post(
        f"/tasks/reports/{sent['id']}/review",
        data={"decision": "returned", "comment": ""},
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 422 and refused.get_data(as_text=True).lstrip().startswith(
        f'<article id="report-{sent["id"]}"'
    )
    assert _reports(app, mine)[-1]["review"] == "pending"
    ok = client.post(
        f"/tasks/reports/{sent['id']}/review", data={"decision": "accepted"}, headers={"HX-Request": "true"}
    )
    html = ok.get_data(as_text=True)
    assert ok.status_code == 200 and html.lstrip().startswith(f'<article id="report-{sent["id"]}"')
    assert (
        'data-review="accepted"' in html
        and 'data-reviewer="staff"' in html
        and ok.headers["HX-Trigger"] == "task-reviewed, todo-changed"
    )
    table = client.get(f"/tasks/{pair_task}/assignments", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert table.lstrip().startswith('<section id="task-assignments"')
    assert f'id="assignment-{mine}" data-state="in_progress"' in table
    # A review is given once.
    twice = client.post(f"/tasks/reports/{sent['id']}/review", data={"decision": "returned", "comment": "再看看"})
    assert twice.status_code == 422 and _reports(app, mine)[-1]["review"] == "accepted"


def test_a_clerk_sees_and_reports_only_its_own_units_tasks(login, client, app):
    theirs = assignment_id(app, "8-结对1", "no1_middle")
    their_task = task_id(app, "8-结对1")
    login("clerk_no1_middle")
    _report(client, theirs, "市一中的进展。", "in_progress")
    (their_report,) = _reports(app, theirs)

    login("clerk_no6_middle")
    listing = client.get("/tasks").get_data(as_text=True)
    shown = {int(t) for t in re.findall(r'<tr id="assignment-\d+"[^>]*data-task="(\d+)"', listing)}
    with app.app_context():
        no6 = db.session.scalar(select(Unit.id).where(Unit.code == "no6_middle"))
        expected = set(db.session.scalars(select(Assignment.task_id).where(Assignment.unit_id == no6)))
    assert shown == expected and len(expected) == 5  # measure 8 and its four pairs
    assert their_task not in shown

    assert client.get(f"/tasks/{their_task}").status_code == 404
    assert client.get(f"/tasks/{their_task}/assignments", headers={"HX-Request": "true"}).status_code == 404
    assert _report(client, theirs, "冒名报告", "done").status_code == 404
    assert (
        client.post(
            f"/tasks/assignments/{theirs}/reports", data={"text": "x", "state": "done"}, headers={"HX-Request": "true"}
        ).status_code
        == 404
    )
    assert client.get(f"/tasks/reports/{their_report['id']}/files/0").status_code == 404
    assert client.post(f"/tasks/reports/{their_report['id']}/review", data={"decision": "accepted"}).status_code == 403
    assert len(_reports(app, theirs)) == 1 and get_assignment(app, theirs).state == "not_started"
    for bureau_only in (
        f"/notices/{notice_id(app)}/tasks",
        f"/notices/{notice_id(app)}/tasks.docx",
        f"/notices/{notice_id(app)}/tasks.xlsx",
        "/tasks/dashboard",
        f"/notices/{notice_id(app)}/tasks/new",
    ):
        assert client.get(bureau_only).status_code == 403, bureau_only
    assert client.post(f"/tasks/{their_task}/reminders", data={"scope": "all"}).status_code == 403
    with app.app_context():
        reminded = select(func.count(TaskReminder.id)).join(Assignment).where(Assignment.task_id == their_task)
        assert db.session.scalar(reminded) == 0

    # Its own: the pair 市六中–五中, which it leads.
    own_task = task_id(app, "8-结对6")
    own = assignment_id(app, "8-结对6", "no6_middle")
    assert own is not None and client.get(f"/tasks/{own_task}").status_code == 200
    earlier = len(_reports(app, own))
    assert _report(client, own, "市六中与五中开展联合教研。", "in_progress").status_code == 303
    assert len(_reports(app, own)) == earlier + 1


def test_a_cooperating_unit_sees_only_its_own_reports_and_state(login, client, app):
    pair_task = task_id(app, "8-结对1")
    login("clerk_no1_middle")
    _report(client, assignment_id(app, "8-结对1", "no1_middle"), "市一中的进展说明。", "in_progress")
    login("clerk_no2_middle")  # cooperates on the same task
    page = client.get(f"/tasks/{pair_task}").get_data(as_text=True)
    assert "市一中的进展说明。" not in page
    lead = assignment_id(app, "8-结对1", "no1_middle")
    own = assignment_id(app, "8-结对1", "no2_middle")
    assert (
        f'id="assignment-{lead}" data-state' not in page and f'id="assignment-{own}" data-state="not_started"' in page
    )


def test_bad_input_keeps_what_was_typed_and_refuses_characters_a_document_cannot_hold(login, client, app):
    mine = assignment_id(app, "5-3", "teacher_affairs")
    earlier = _reports(app, mine)
    login("clerk_teacher_affairs")
    empty = _report(client, mine, "", "blocked")
    assert empty.status_code == 422 and '<option selected value="blocked">' in empty.get_data(as_text=True)
    control = _report(client, mine, "职称评审\x0b已启动", "in_progress")
    html = control.get_data(as_text=True)
    assert control.status_code == 422 and "U+000B" in html and "已启动" in html
    wrong_kind = _report(client, mine, "附上材料", "in_progress", files=[(io.BytesIO(b"MZ\x90\x00"), "a.exe")])
    assert wrong_kind.status_code == 422 and "附上材料" in wrong_kind.get_data(as_text=True)
    assert _reports(app, mine) == earlier


def test_the_bureau_makes_and_changes_tasks_through_the_pages(login, client, app):
    nid = notice_id(app)
    parent = task_id(app, "A7")
    login("staff")
    form = client.get(f"/notices/{nid}/tasks/new?parent={parent}").get_data(as_text=True)
    assert f'<option selected value="{parent}">' in form
    units = {code: unit_id(app, code) for code in ("inspection", "wuda", "hainan")}
    data = {
        "code": "12",
        "title": "开展义务教育优质均衡督导评估",
        "description": "对照国家指标逐项自查。",
        "parent_id": parent,
        "lead_unit_id": units["inspection"],
        "cooperating_unit_ids": [units["wuda"], units["hainan"], units["inspection"]],
        "due_on": "2024-06-30",
        "sort_order": 12,
        "milestones-0-id": "",
        "milestones-0-title": "完成自查报告",
        "milestones-0-due_on": "2024-03-31",
        "milestones-1-id": "",
        "milestones-1-title": "",
        "milestones-1-due_on": "",
    }
    created = client.post(f"/notices/{nid}/tasks/new", data=data)
    assert created.status_code == 303
    new_id = task_id(app, "12")
    assert created.headers["Location"].endswith(f"/tasks/{new_id}")
    with app.app_context():
        task = db.session.get(Task, new_id)
        assert task.parent_id == parent and task.lead_unit.code == "inspection"
        assert sorted(u.code for u in task.cooperating_units) == ["hainan", "wuda"]  # the lead does not also cooperate
        assert {a.unit.code: a.role for a in task.assignments} == {
            "inspection": "lead",
            "wuda": "cooperate",
            "hainan": "cooperate",
        }
        assert [(m.title, m.due_on.isoformat()) for m in task.milestones] == [("完成自查报告", "2024-03-31")]
        milestone_id = task.milestones[0].id

    clash = client.post(f"/notices/{nid}/tasks/new", data={**data, "title": "另一个任务"})
    assert clash.status_code == 422 and "另一个任务" in clash.get_data(as_text=True)
    bad = client.post(f"/notices/{nid}/tasks/new", data={**data, "code": "13", "title": "含\x01字符"})
    assert bad.status_code == 422 and "U+0001" in bad.get_data(as_text=True)
    undated = client.post(f"/notices/{nid}/tasks/new", data={**data, "code": "13", "milestones-0-title": ""})
    assert undated.status_code == 422  # a milestone date without a title
    assert task_id(app, "13") is None

    edit = client.get(f"/tasks/{new_id}/edit").get_data(as_text=True)
    assert 'value="完成自查报告"' in edit and f'value="{milestone_id}"' in edit
    changed = {
        **data,
        "cooperating_unit_ids": [units["wuda"]],
        "milestones-0-id": str(milestone_id),
        "milestones-0-title": "完成自查报告并上报",
    }
    assert client.post(f"/tasks/{new_id}/edit", data=changed).status_code == 303
    with app.app_context():
        task = db.session.get(Task, new_id)
        assert {a.unit.code for a in task.assignments} == {"inspection", "wuda"}
        assert [(m.id, m.title) for m in task.milestones] == [(milestone_id, "完成自查报告并上报")]

    # A unit that has reported stays on the task.
    login("clerk_wuda")
    _report(client, assignment_id(app, "12", "wuda"), "乌达区已完成自查。", "done")
    login("staff")
    refused = client.post(f"/tasks/{new_id}/edit", data={**changed, "cooperating_unit_ids": []})
    assert refused.status_code == 422
    with app.app_context():
        assert {a.unit.code for a in db.session.get(Task, new_id).assignments} == {"inspection", "wuda"}
    assert client.post(f"/tasks/{new_id}/delete").status_code == 303
    assert task_id(app, "12") is not None  # reported on: not deleted

    # Milestones are marked reached by the bureau.
    assert client.post(f"/tasks/{new_id}/milestones/{milestone_id}", data={"done": "1"}).status_code == 303
    with app.app_context():
        assert db.session.get(Milestone, milestone_id).done_at is not None

    # A task under itself is refused.
    loop = client.post(f"/tasks/{task_id(app, 'A7')}/edit", data={"code": "A7", "title": "x", "parent_id": new_id})
    assert loop.status_code == 422


def test_only_staff_and_secretaries_make_tasks(login, client, app):
    nid = notice_id(app)
    login("reviewer")
    assert client.get(f"/notices/{nid}/tasks").status_code == 200  # bureau users see the tree
    assert client.get(f"/notices/{nid}/tasks/new").status_code == 403
    login("secretary")
    assert client.get(f"/notices/{nid}/tasks/new").status_code == 200


def test_every_tasks_route_declares_who_may_use_it(app):
    from app.core.access import audience_of

    with app.test_request_context():
        rules = [r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("tasks.")]
        assert len(rules) >= 15
        assert [e for e in rules if audience_of(e) is None] == []
