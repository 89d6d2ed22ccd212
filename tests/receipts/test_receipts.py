"""Distribution, the clerk's inbox and receipt, the bureau's live view, reminders by inbox and email."""

import io
import time
from datetime import timedelta

import openpyxl
from sqlalchemy import func, select

from app.core.time import utcnow
from app.extensions import db
from app.notices.models import Notice
from app.receipts.models import Distribution, Reminder
from app.units.models import Unit, UnitGroup
from tests.helpers.notices import group_ids, issue_through_the_pages, seed_form


def _unit_id(app, code):
    with app.app_context():
        return db.session.scalar(select(Unit.id).where(Unit.code == code))


def _distribution(app, notice_id, code):
    with app.app_context():
        d = db.session.scalar(
            select(Distribution).where(Distribution.notice_id == notice_id, Distribution.unit_id == _unit_id(app, code))
        )
        db.session.expunge_all()
        return d


# Distribution


def test_groups_expand_to_their_units_at_issue_and_a_unit_reached_twice_is_an_addressee(bureau_login, client, app):
    school = _unit_id(app, "no1_middle")
    district = _unit_id(app, "wuda")
    cc_group = group_ids(app, ["局机关各科室"])
    notice_id = issue_through_the_pages(
        client,
        app,
        bureau_login,
        **{
            "addressee_groups": group_ids(app, ["直属各学校（单位）"]),
            "addressee_units": [district],
            "cc_groups": cc_group,
            "cc_units": [school],  # 市一中 is an addressee through the group already
        },
    )
    with app.app_context():
        rows = {
            d.unit_id: d.role
            for d in db.session.scalars(select(Distribution).where(Distribution.notice_id == notice_id))
        }
        direct = {
            u.id
            for u in db.session.scalar(select(UnitGroup).where(UnitGroup.name == "直属各学校（单位）")).resolve_units()
        }
        sections = {
            u.id for u in db.session.scalar(select(UnitGroup).where(UnitGroup.name == "局机关各科室")).resolve_units()
        }
    assert rows[school] == "to"
    assert rows[district] == "to"
    assert set(rows) == direct | sections | {district}
    assert all(rows[s] == "cc" for s in sections)


def test_a_unit_added_after_issue_gets_nothing(bureau_login, client, app):
    notice_id = issue_through_the_pages(client, app, bureau_login)
    with app.app_context():
        bureau = db.session.scalar(select(Unit).where(Unit.code == "bureau"))
        db.session.add(Unit(code="late_school", name="后来的学校", kind="school", parent=bureau))
        db.session.commit()
        assert db.session.scalar(select(func.count(Distribution.id)).where(Distribution.notice_id == notice_id)) == 20


# The clerk


def test_the_inbox_lists_what_was_sent_newest_first_with_its_state(bureau_login, client, app):
    first = issue_through_the_pages(client, app, bureau_login, title="关于第一件事的通知")
    second = issue_through_the_pages(client, app, bureau_login, title="关于第二件事的通知")
    bureau_login("clerk_no1_middle")
    page = client.get("/inbox").get_data(as_text=True)
    assert page.index("关于第二件事的通知") < page.index("关于第一件事的通知")
    assert page.count("未读") >= 2
    client.get(f"/notices/{first}")
    page = client.get("/inbox").get_data(as_text=True)
    assert "已打开" in page
    assert second


def test_opening_records_the_first_opening_only(bureau_login, client, app):
    notice_id = issue_through_the_pages(client, app, bureau_login)
    bureau_login("clerk_no1_middle")
    client.get(f"/notices/{notice_id}")
    first = _distribution(app, notice_id, "no1_middle")
    assert first.first_opened_at is not None and first.acknowledged_at is None
    time.sleep(0.01)
    client.get(f"/notices/{notice_id}")
    again = _distribution(app, notice_id, "no1_middle")
    assert again.first_opened_at == first.first_opened_at and again.first_opened_by_id == first.first_opened_by_id


def test_acknowledging_with_htmx_swaps_the_button_for_who_and_when(bureau_login, client, app):
    notice_id = issue_through_the_pages(client, app, bureau_login)
    bureau_login("clerk_no1_middle")
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    d = _distribution(app, notice_id, "no1_middle")
    assert f'<form method="post" action="/inbox/{d.id}/receipt"' in page  # the receipt, as markup, before the notice
    assert page.index('id="receipt"') < page.index('class="panel notice-paper"')
    response = client.post(f"/inbox/{d.id}/receipt", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="receipt"')
    assert "已签收" in html and "市一中收文员" in html and "<form" not in html
    acknowledged = _distribution(app, notice_id, "no1_middle")
    assert acknowledged.acknowledged_at is not None and acknowledged.first_opened_at is not None


def test_the_bureau_sees_the_way_to_the_receipts_and_the_tasks_beside_an_issued_notice(bureau_login, client, app):
    notice_id = issue_through_the_pages(client, app, bureau_login)
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert f'href="/notices/{notice_id}/receipts"' in page and f'href="/notices/{notice_id}/tasks"' in page
    assert 'id="receipt"' not in page


def test_a_second_press_changes_nothing_and_shows_the_existing_receipt(bureau_login, client, app):
    notice_id = issue_through_the_pages(client, app, bureau_login)
    bureau_login("clerk_no1_middle")
    d = _distribution(app, notice_id, "no1_middle")
    client.post(f"/inbox/{d.id}/receipt", headers={"HX-Request": "true"})
    first = _distribution(app, notice_id, "no1_middle")
    time.sleep(0.01)
    again = client.post(f"/inbox/{d.id}/receipt", headers={"HX-Request": "true"})
    assert again.status_code == 200 and "已签收" in again.get_data(as_text=True)
    second = _distribution(app, notice_id, "no1_middle")
    assert second.acknowledged_at == first.acknowledged_at
    with app.app_context():
        from app.core.audit import AuditEvent

        assert (
            db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "receipt.acknowledge")) == 1
        )


def test_a_colleague_a_moment_faster_makes_the_receipt_and_the_later_press_shows_theirs(bureau_login, client, app):
    """Both saw the notice not yet acknowledged; the colleague's receipt is committed first, so the later press
    writes nothing and shows the colleague's name."""
    from app.auth.models import User
    from app.core.audit import AuditEvent
    from app.receipts.services import acknowledge, own_distribution

    notice_id = issue_through_the_pages(client, app, bureau_login)
    distribution_id = _distribution(app, notice_id, "no1_middle").id
    with app.app_context():
        clerk = db.session.scalar(select(User).where(User.username == "clerk_no1_middle"))
        colleague = User(
            username="colleague_no1", display_name="市一中副收文员", unit_id=clerk.unit_id, password_hash="-"
        )
        db.session.add(colleague)
        db.session.commit()
        seen = own_distribution(clerk, distribution_id)
        assert seen.acknowledged_at is None
        with db.engine.begin() as colleagues_request:  # another connection, committed while the clerk's page is open
            colleagues_request.execute(
                Distribution.__table__.update()
                .where(Distribution.id == distribution_id)
                .values(acknowledged_at=utcnow(), acknowledged_by_id=colleague.id)
            )
        shown, made = acknowledge(clerk, seen)
        assert not made
        assert shown.acknowledged_by.display_name == "市一中副收文员" and shown.acknowledged_at is not None
        receipts = select(func.count(AuditEvent.id)).where(AuditEvent.action == "receipt.acknowledge")
        assert db.session.scalar(receipts) == 0


def test_opened_and_acknowledged_are_kept_apart(bureau_login, client, app):
    notice_id = issue_through_the_pages(client, app, bureau_login)
    bureau_login("clerk_no1_middle")
    client.get(f"/notices/{notice_id}")
    bureau_login("secretary")
    fragment = client.get(f"/notices/{notice_id}/receipts", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="count-sent">20<' in fragment
    assert 'id="count-opened">1<' in fragment and 'id="count-acknowledged">0<' in fragment
    with app.app_context():
        counts = db.session.execute(
            select(func.count(Distribution.first_opened_at), func.count(Distribution.acknowledged_at)).where(
                Distribution.notice_id == notice_id
            )
        ).one()
    assert tuple(counts) == (1, 0)


def test_a_clerk_cannot_reach_or_acknowledge_another_units_distribution(bureau_login, client, app):
    notice_id = issue_through_the_pages(client, app, bureau_login)
    other = _distribution(app, notice_id, "no6_middle")
    bureau_login("clerk_no1_middle")
    assert client.post(f"/inbox/{other.id}/receipt").status_code == 404
    assert client.post(f"/inbox/{other.id}/receipt", headers={"HX-Request": "true"}).status_code == 404
    assert _distribution(app, notice_id, "no6_middle").acknowledged_at is None
    bureau_login("clerk_no3_middle")  # a district school the three groups do not reach
    assert client.get(f"/notices/{notice_id}").status_code == 404
    assert client.get(f"/notices/{notice_id}/receipts").status_code == 403


def test_without_javascript_the_receipt_form_posts_and_comes_back_to_the_notice(bureau_login, client, app):
    notice_id = issue_through_the_pages(client, app, bureau_login)
    bureau_login("clerk_no1_middle")
    d = _distribution(app, notice_id, "no1_middle")
    response = client.post(f"/inbox/{d.id}/receipt")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/notices/{notice_id}")
    assert "已签收" in client.get(f"/notices/{notice_id}").get_data(as_text=True)


# The bureau's view


def test_the_bureau_sees_counts_groups_the_pending_filter_and_overdue(bureau_login, client, app):
    notice_id = issue_through_the_pages(client, app, bureau_login)
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        notice.ack_due_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    bureau_login("clerk_haibowan")
    d = _distribution(app, notice_id, "haibowan")
    client.post(f"/inbox/{d.id}/receipt")
    bureau_login("secretary")
    page = client.get(f"/notices/{notice_id}/receipts").get_data(as_text=True)
    for title in ("海勃湾区教育局", "市直属学校（单位）", "局机关各科室"):
        assert f'<th colspan="6">{title}' in page, title
    assert "逾期" in page
    pending = client.get(f"/notices/{notice_id}/receipts?pending=1").get_data(as_text=True)
    pending = pending.split('<section id="supplement"', 1)[0]  # the table, not the 补发 form's groups
    assert "海勃湾区教育局" not in pending and "乌达区教育局" in pending
    fragment = client.get(f"/notices/{notice_id}/receipts", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="receipt-overview"') and 'hx-trigger="every 5s"' in fragment
    assert 'id="count-overdue" class="overdue">19<' in fragment  # every unit but the one that acknowledged


def test_the_table_exports_as_xlsx_with_every_unit(bureau_login, client, app):
    notice_id = issue_through_the_pages(client, app, bureau_login)
    bureau_login("staff")
    response = client.get(f"/notices/{notice_id}/receipts.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    units = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert len(units) == 20 and "海勃湾区教育局" in units


# Reminders


def test_a_reminder_reaches_the_inbox_and_the_local_smtp_server(bureau_login, client, app, smtp_server):
    port, received = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SENDER="office@wuhai-edu.local")
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == "no1_middle"))
        unit.email = "yizhong@wuhai-edu.local"
        db.session.commit()
    notice_id = issue_through_the_pages(client, app, bureau_login)
    bureau_login("clerk_no6_middle")
    client.post(f"/inbox/{_distribution(app, notice_id, 'no6_middle').id}/receipt")
    bureau_login("secretary")
    response = client.post(f"/notices/{notice_id}/reminders", data={"scope": "all", "message": "请尽快签收。"})
    assert response.status_code == 303
    with app.app_context():
        reminders = db.session.scalars(select(Reminder)).all()
        assert len(reminders) == 19  # everyone but 市六中, which had acknowledged
    for _ in range(50):
        if received:
            break
        time.sleep(0.05)
    assert len(received) == 1
    assert (
        received[0]["To"] == "yizhong@wuhai-edu.local"
        and "请尽快签收。" in received[0].get_payload(decode=True).decode()
    )
    bureau_login("clerk_no1_middle")
    assert "请尽快签收。" in client.get("/inbox").get_data(as_text=True)
    bureau_login("secretary")
    page = client.get(f"/notices/{notice_id}/receipts").get_data(as_text=True)
    assert "yizhong@wuhai-edu.local" in page


def test_reminding_chosen_units_only_and_a_dead_mail_server_loses_nothing(bureau_login, client, app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing listens there
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == "wuda"))
        unit.email = "wuda@wuhai-edu.local"
        db.session.commit()
    notice_id = issue_through_the_pages(client, app, bureau_login)
    bureau_login("secretary")
    wuda = _unit_id(app, "wuda")
    client.post(f"/notices/{notice_id}/reminders", data={"scope": "chosen", "unit_ids": [wuda]})
    with app.app_context():
        (reminder,) = db.session.scalars(select(Reminder)).all()
        assert reminder.distribution.unit_id == wuda and "cannot reach" in reminder.email_error
        assert reminder.distribution.reminders_sent == 1


def test_a_clerk_cannot_send_reminders(bureau_login, client, app):
    notice_id = issue_through_the_pages(client, app, bureau_login)
    bureau_login("clerk_no1_middle")
    assert client.post(f"/notices/{notice_id}/reminders", data={"scope": "all"}).status_code == 403


def test_seed_form_helper_is_the_seed(app, bureau):
    assert seed_form(app)["title"].startswith("乌海市教育局关于印发")
