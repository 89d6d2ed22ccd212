"""Every route, every role: the access rule each route declares is what the server does.

The routes come from the URL map, so a route added tomorrow is in this test tomorrow.
"""

import pytest

from app.core.access import ANY_USER, PUBLIC, Role, audience_of
from tests.helpers.databases import BACKENDS
from tests.helpers.pdf import blank_pdf
from tests.helpers.routes import ACCOUNTS, ROLES, every_route

# Who may open what and what a page survives, not the PDFs (tests/documents): each document converted once.
pytestmark = pytest.mark.usefixtures("conversions_remembered")


def _allowed(audience, role) -> bool:
    if audience == PUBLIC:
        return True
    if role == "anonymous":
        return False
    if audience == ANY_USER:
        return True
    return Role(role) in audience


# Every role on SQLite; on PostgreSQL the roles whose routes together are all of them (the bureau's widest, the
# admin's, a unit's and a visitor's), for what only PostgreSQL refuses (an id out of its range, a NUL): the rules
# themselves do not depend on the database.
POSTGRESQL_ROLES = ("anonymous", "secretary", "admin", "clerk")
BACKEND_ROLES = [("sqlite", role) for role in ROLES] + [
    ("postgresql", role) for role in ROLES if role in POSTGRESQL_ROLES and "postgresql" in BACKENDS
]


@pytest.mark.parametrize(("backend", "role"), BACKEND_ROLES, indirect=["backend"])
def test_every_route_answers_each_role_as_its_rule_says(role, login, client, app):
    if role != "anonymous":
        login(ACCOUNTS[role])
    routes = every_route(app)
    assert len(routes) > 50
    wrong = []
    for method, url, endpoint in routes:
        if endpoint == "auth.logout":
            continue  # would end this session half-way through the list
        response = client.open(url, method=method)
        with app.test_request_context():
            audience = audience_of(endpoint)
        status = response.status_code
        if status >= 500:
            wrong.append((method, url, status, "server error"))
        elif not _allowed(audience, role):
            refused = status == 403 or (role == "anonymous" and status == 302 and "/login" in response.location)
            if not refused:
                wrong.append((method, url, status, "should be refused"))
        elif status == 403 or (status == 302 and "/login" in (response.location or "")):
            wrong.append((method, url, status, "should be allowed"))
    assert wrong == [], "\n".join(map(str, wrong))


def test_the_access_test_covers_every_route(app):
    """The list of routes the test above walks: every one in the URL map but static files."""
    with app.test_request_context():
        endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    walked = {endpoint for _method, _url, endpoint in every_route(app)}
    assert walked == endpoints
    print("\n".join(sorted(endpoints)))


# What the drafting of the demo notice left behind, which a unit it was sent to must not see anywhere.
DRAFTING = {
    "the reviewer's return comment": "请核对文号引用格式，并补充领导小组成员职务。",
    "the secretary's comment on resubmitting": "已修改。",
    "the signer's comment": "同意印发。",
    "the reviewer's name": "王主任",
    "the drafter's name": "李秘书",
    "the history's heading": "办理过程",
    "a correction being drafted": "更正草稿：尚未核稿",
    "another unit's reply": "另一所学校的回执内容",
}


def _texts(response) -> str:
    """What a reader finds in the response: its text, or the text of every part of a .docx."""
    data = response.get_data()
    if data.startswith(b"PK"):
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(data)) as docx:
            return "".join(docx.read(name).decode("utf-8", "replace") for name in docx.namelist())
    if data.startswith(b"%PDF") or response.mimetype.startswith("image/"):
        return ""  # made from the frozen .docx, which is read above
    return data.decode("utf-8", "replace")


def _notice_routes(app, values) -> list[tuple[str, str]]:
    """(url, endpoint) of every GET route about one notice (every rule with a notice_id)."""
    routes = []
    for rule in app.url_map.iter_rules():
        if "notice_id" in rule.arguments and "GET" in rule.methods:
            with app.test_request_context():
                url = app.url_for(rule.endpoint, **{arg: values.get(arg, 1) for arg in rule.arguments})
            routes.append((url, rule.endpoint))
    return routes


def test_a_recipient_reaches_nothing_of_the_drafting_on_any_route_of_a_notice(login, client, app):
    """The recipient's view of a notice: every route of the notice, page and fragment, for a clerk of a unit it was
    sent to. The document, its number and the unit's own receipt; nothing of how it was drafted."""
    from sqlalchemy import select

    from app.auth.models import User
    from app.core.time import utcnow
    from app.extensions import db
    from app.notices.models import Notice
    from app.notices.services import start_correction
    from app.receipts.models import Distribution
    from tests.helpers.notices import seed_notice

    with app.app_context():
        notice = seed_notice()
        clerk = db.session.scalar(select(User).where(User.username == ACCOUNTS["clerk"]))
        secretary = db.session.scalar(select(User).where(User.username == "secretary"))
        correction = start_correction(secretary, notice)
        correction.title = DRAFTING["a correction being drafted"]
        other = db.session.scalar(
            select(Distribution).where(Distribution.notice_id == notice.id, Distribution.unit_id != clerk.unit_id)
        )
        other.acknowledged_at, other.reply_text = utcnow(), DRAFTING["another unit's reply"]
        db.session.commit()
        values = {
            "notice_id": notice.id,
            "key": notice.docx_sha256,
            "page": 1,
            "attachment_id": notice.attachments[0].id if notice.attachments else 1,
        }
        correction_id = correction.id
        assert db.session.get(Notice, notice.id).is_issued

    login(ACCOUNTS["clerk"])
    routes = _notice_routes(app, values)
    assert "notices.show" in {endpoint for _url, endpoint in routes}
    seen, leaks = [], []
    for url, endpoint in routes:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            assert response.status_code < 500, (url, response.status_code)
            if response.status_code == 200:
                seen.append(endpoint)
                text = _texts(response)
                leaks += [(url, headers, what) for what, marker in DRAFTING.items() if marker in text]
    assert leaks == [], "\n".join(map(str, leaks))
    assert {"notices.show", "notices.document_docx"} <= set(seen)

    # The correction being drafted: not a page, a fragment or a file of it.
    for url, _endpoint in _notice_routes(app, values | {"notice_id": correction_id}):
        status = client.get(url, headers={"HX-Request": "true"}).status_code
        assert status in (403, 404), (url, status)


def test_every_unsafe_route_refuses_a_request_without_its_csrf_token(login, client, app):
    login("admin")
    client.environ_base.pop("HTTP_X_CSRFTOKEN")
    for method, url, endpoint in every_route(app):
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            with app.test_request_context():
                if audience_of(endpoint) != PUBLIC and not _allowed(audience_of(endpoint), "admin"):
                    continue  # refused before the token matters
            response = client.open(url, method=method)
            assert response.status_code == 400, (method, url, response.status_code)


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    page = response.get_data(as_text=True)
    assert "<script>" not in page and " onclick=" not in page and 'style="' not in page


def test_session_cookie_settings(app, client, monkeypatch, tmp_path):
    from app.config import load_settings

    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    settings = load_settings(str(tmp_path))
    assert settings["SESSION_COOKIE_SECURE"] is True and settings["REMEMBER_COOKIE_SECURE"] is True


# The organ dimension: the people of one organ (a district bureau's secretary, reviewer, signer, staff and admin)
# against every route of another organ's objects (the city's, another district's). A route about an object
# answers 403 or 404 when the object is not theirs; the rest of the walk (the roles) is the test above.
DISTRICT_ROLES = ["secretary", "reviewer", "signer", "staff", "admin"]
# What a district bureau may read of the city's notice it received (75号): the document, not its workflow.
RECEIVED_READING = {
    "notices.show",
    "notices.document_docx",
    "notices.document_pdf",
    "notices.documents",
    "notices.preview",
    "notices.preview_page",
    "notices.mongolian_docx",
    "notices.mongolian_document_pdf",
    "notices.attachment",
    "notices.forward",  # its own forwarding of it (refused with a message once done: 海勃湾区 has forwarded it)
    "receipts.send_forward_reminders",  # its own reminders of it are not the city's: refused below the route rule
}
# A unit's page is the directory every organ's people read.
DIRECTORY = {"units.show"}


def _foreign_objects(app) -> list[dict]:
    """Objects of the city and of 海南区 that 海勃湾区's people must not reach: one dict of URL values per organ."""
    from datetime import date

    from sqlalchemy import select

    from app.auth.models import User
    from app.extensions import db
    from app.incoming.services import OutsideDocument, Upload, register_outside
    from app.notices.models import DocumentSeries, Notice, NoticeStatus
    from app.notices.services import NoticeData, create_draft
    from app.receipts.models import Distribution
    from app.rosters.models import LeadingGroup, Membership
    from app.tasks.models import Assignment, Milestone, ProgressReport, Task
    from app.units.models import Organ, Unit, UnitGroup
    from tests.helpers.organs import district_organ

    with app.app_context():
        district_organ("haibowan")
        hainan = district_organ("hainan")
        haibowan_unit = db.session.scalar(select(Unit.id).where(Unit.code == "haibowan"))
        city = db.session.scalar(select(Organ).where(Organ.superior_id.is_(None)))
        values = []
        for organ_id, author in ((city.unit_id, "secretary"), (hainan.unit_id, "secretary_hainan")):
            writer = db.session.scalar(select(User).where(User.username == author))
            draft = create_draft(writer, NoticeData(title="关于测试机关隔离的通知"))
            roster = db.session.scalar(select(LeadingGroup).where(LeadingGroup.organ_id == organ_id))
            if roster is None:
                roster = LeadingGroup(name=f"测试领导小组{organ_id}", owner_unit_id=organ_id, organ_id=organ_id)
                db.session.add(roster)
                db.session.flush()
                db.session.add(
                    Membership(group_id=roster.id, role="组长", person_name="某某", valid_from=date(2023, 1, 1))
                )
            member = db.session.scalar(select(Membership.id).where(Membership.group_id == roster.id))
            # A task of the organ not assigned to 海勃湾区 (a city task assigned to it is one it may read).
            task = db.session.scalar(
                select(Task)
                .where(Task.organ_id == organ_id, ~Task.assignments.any(Assignment.unit_id == haibowan_unit))
                .order_by(Task.id)
            )
            if task is None:
                task = Task(code="T-1", title="测试任务", organ_id=organ_id)
                db.session.add(task)
                db.session.flush()
            assignment = db.session.scalar(select(Assignment).where(Assignment.task_id == task.id))
            if assignment is None:
                school = db.session.scalar(select(Unit.id).where(Unit.code == "no5_middle"))
                assignment = Assignment(task_id=task.id, unit_id=school)
                db.session.add(assignment)
                db.session.flush()
            milestone = db.session.scalar(select(Milestone.id).where(Milestone.task_id == task.id))
            if milestone is None:
                milestone_row = Milestone(task_id=task.id, title="节点")
                db.session.add(milestone_row)
                db.session.flush()
                milestone = milestone_row.id
            report = db.session.scalar(select(ProgressReport.id).where(ProgressReport.assignment_id == assignment.id))
            if report is None:
                row = ProgressReport(assignment_id=assignment.id, text="进展", state="in_progress", author_id=writer.id)
                db.session.add(row)
                db.session.flush()
                report = row.id
            entry = register_outside(
                writer,
                OutsideDocument(
                    sender="内蒙古自治区教育厅",
                    title="测试来文",
                    received_on=date(2026, 1, 5),
                    files=[Upload("a.pdf", blank_pdf())],
                ),
                max_bytes=1 << 20,
            )
            db.session.commit()
            values.append(
                {
                    "entry_id": entry.id,
                    "file_id": entry.files[0].id,
                    "notice_id": draft.id,
                    "group_id": roster.id,
                    "unit_group_id": db.session.scalar(select(UnitGroup.id).where(UnitGroup.organ_id == organ_id)),
                    "member_id": member,
                    "task_id": task.id,
                    "milestone_id": milestone,
                    "assignment_id": assignment.id,
                    "report_id": report,
                    "series_id": db.session.scalar(select(DocumentSeries.id).where(DocumentSeries.unit_id == organ_id)),
                    "unit_id": organ_id,
                    "user_id": writer.id,
                    "distribution_id": None,
                }
            )
        # The city's issued 75号, received by 海勃湾区: its workflow, receipts and tasks are the city's.
        received = db.session.scalar(
            select(Notice.id).where(Notice.organ_id == city.unit_id, Notice.status == NoticeStatus.issued.value)
        )
        other_unit = db.session.scalar(
            select(Distribution.id).where(Distribution.notice_id == received, Distribution.unit_id != haibowan_unit)
        )
        values.append(values[0] | {"notice_id": received, "distribution_id": other_unit, "received": True})
        values[0]["distribution_id"] = values[1]["distribution_id"] = other_unit
    return values


def _url(app, rule, objects: dict) -> str:
    fill = dict(objects, action="submitted", page=1, key="x", index=0, filename="x")
    if rule.endpoint.startswith("units.group"):
        fill["group_id"] = objects["unit_group_id"]
    if rule.endpoint == "receipts.district":
        fill["unit_id"] = objects["unit_id"] if not objects.get("received") else fill["unit_id"]
    with app.test_request_context():
        return app.url_for(rule.endpoint, **{arg: fill.get(arg) or 1 for arg in rule.arguments})


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("role", DISTRICT_ROLES)
def test_an_organs_people_reach_nothing_of_another_organ_on_any_route(role, login, client, app):
    """海勃湾区's people against the city's draft, roster, unit group, task (its milestone, assignment and report),
    series, organ and account, the same of 海南区, and the workflow and receipts of the city's 75号 it received:
    every route that takes such an object, every method."""
    foreign = _foreign_objects(app)
    login(f"{role}_haibowan")
    reached = []
    for objects in foreign:
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static" or not (set(rule.arguments) - {"action", "page", "key", "index"}):
                continue
            if rule.endpoint in DIRECTORY or (objects.get("received") and rule.endpoint in RECEIVED_READING):
                continue
            if objects.get("received") and not ({"notice_id", "distribution_id"} & set(rule.arguments)):
                continue  # the received notice's line is about the notice's routes only
            url = _url(app, rule, objects)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                status = client.open(url, method=method).status_code
                if status not in (403, 404):
                    reached.append((method, url, rule.endpoint, status))
    assert reached == [], "\n".join(map(str, reached))
