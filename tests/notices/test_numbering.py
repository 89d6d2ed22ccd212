"""Document numbers: the format, the admin's next serial, and uniqueness under concurrency."""

import threading

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.database import writing
from app.extensions import db
from app.notices.models import DocumentSeries, Notice, format_document_number
from app.notices.services import NoticeError, allocate_number, issue_notice, set_next_serial
from app.units.addressees import Addressees
from tests.helpers.notices import group_ids


def test_number_format_uses_hexagonal_brackets_no_zero_no_di():
    number = format_document_number("乌教发", 2023, 75)
    assert number == "乌教发\u30142023\u301575号"
    assert format_document_number("乌教发", 2024, 5) == "乌教发〔2024〕5号"
    assert "第" not in number and "075" not in number


def _signed_notices(app, count, year=2024):
    """count notices ready to issue, made directly in the database."""
    with app.app_context():
        secretary = db.session.scalar(select(User).where(User.username == "secretary"))
        series = db.session.scalar(select(DocumentSeries).where(DocumentSeries.organ_code == "乌教发"))
        groups = group_ids(app, ["各区教育局"])
        ids = []
        from datetime import date

        for n in range(count):
            notice = Notice(
                series=series,
                title=f"关于第{n + 1}项工作的通知",
                body="请按要求办理。",
                addressees=Addressees.of([groups[0]]),
                addressee_text="各区教育局：",
                signature_organ="乌海市教育局",
                signed_on=date(year, 3, 1),
                author=secretary,
                status="signed",
            )
            db.session.add(notice)
            db.session.flush()
            ids.append(notice.id)
        db.session.commit()
        return ids, secretary.id


def test_fifty_notices_issued_at_once_get_fifty_consecutive_serials(bureau):
    app = bureau
    ids, secretary_id = _signed_notices(app, 50)
    barrier = threading.Barrier(len(ids))
    errors = []

    def issue(notice_id):
        try:
            with app.app_context(), writing():
                barrier.wait(timeout=30)
                actor = db.session.get(User, secretary_id)
                issue_notice(actor, db.session.get(Notice, notice_id))
        except Exception as exc:  # reported below, with the thread's notice
            errors.append((notice_id, repr(exc)))

    threads = [threading.Thread(target=issue, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with app.app_context():
        serials = sorted(db.session.scalars(select(Notice.serial).where(Notice.id.in_(ids))))
        assert serials == list(range(1, 51))
        assert {n.status for n in db.session.scalars(select(Notice).where(Notice.id.in_(ids)))} == {"issued"}


def test_a_rolled_back_issue_gives_its_serial_back(bureau):
    app = bureau
    with app.app_context():
        series = db.session.scalar(select(DocumentSeries).where(DocumentSeries.organ_code == "乌教发"))
        with writing():
            assert allocate_number(series, 2030) == 1
            db.session.rollback()
            assert allocate_number(series, 2030) == 1
            db.session.commit()
            assert allocate_number(series, 2030) == 2
            db.session.commit()


def test_the_admin_cannot_set_the_next_serial_onto_one_already_issued(bureau):
    app = bureau
    ids, secretary_id = _signed_notices(app, 2, year=2025)
    with app.app_context():
        actor = db.session.get(User, secretary_id)
        for notice_id in ids:
            with writing():
                issue_notice(actor, db.session.get(Notice, notice_id))
        series = db.session.scalar(select(DocumentSeries).where(DocumentSeries.organ_code == "乌教发"))
        with pytest.raises(NoticeError):
            set_next_serial(series, 2025, 2)
        db.session.rollback()
        set_next_serial(series, 2025, 10)
        db.session.commit()


def test_series_page_refuses_a_taken_serial_and_keeps_the_typed_values(bureau_login, client, app):
    ids, secretary_id = _signed_notices(app, 1, year=2025)
    with app.app_context():
        with writing():
            issue_notice(db.session.get(User, secretary_id), db.session.get(Notice, ids[0]))
        series_id = db.session.scalar(select(DocumentSeries.id).where(DocumentSeries.organ_code == "乌教发"))
    bureau_login("admin")
    response = client.post("/admin/series", data={"series_id": series_id, "year": 2025, "next_serial": 1})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "乌教发〔2025〕1号" in page and 'value="1"' in page


def test_a_clerk_cannot_set_serials(bureau_login, client, app):
    bureau_login("clerk_no3_middle")
    assert client.post("/admin/series", data={"series_id": 1, "year": 2025, "next_serial": 9}).status_code == 403
