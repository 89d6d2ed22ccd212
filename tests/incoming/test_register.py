"""收文登记: a document from outside registered by hand with its files, a notice entering at its 签收, each with the
register's own number, gap-free under concurrency, in the register of the person's organ or unit only."""

import io
import re
import threading
from datetime import date

from sqlalchemy import func, select

from app.auth.models import User
from app.database import writing
from app.extensions import db
from app.incoming.models import IncomingDocument
from app.incoming.services import OutsideDocument, Upload, register_outside
from app.receipts.models import Distribution
from app.units.models import Unit
from tests.helpers.pdf import blank_pdf
from tests.helpers.queries import counting_queries

FORM = {
    "sender": "内蒙古自治区教育厅",
    "sender_number": "内教基字〔2026〕12号",
    "title": "关于做好2026年义务教育招生入学工作的通知",
    "received_on": "2026-12-01",
    "urgency": "加急",
}


def _entry_id(response) -> int:
    return int(re.search(r"/incoming/(\d+)", response.headers["Location"]).group(1))


def test_the_office_registers_a_document_from_outside_with_its_file(demo, client, login):
    login("secretary")
    pdf = blank_pdf()
    response = client.post("/incoming/new", data=FORM | {"files": [(io.BytesIO(pdf), "招生入学.pdf")]})
    assert response.status_code == 303, response.get_data(as_text=True)[:1500]
    entry_id = _entry_id(response)
    page = client.get(f"/incoming/{entry_id}").get_data(as_text=True)
    assert "收〔2026〕1号" in page and "内教基字〔2026〕12号" in page and "加急" in page
    with demo.app_context():
        entry = db.session.get(IncomingDocument, entry_id)
        assert (entry.source, entry.sender, entry.received_on) == ("outside", "内蒙古自治区教育厅", date(2026, 12, 1))
        file_id = entry.files[0].id
    assert client.get(f"/incoming/{entry_id}/files/{file_id}").data == pdf
    second = client.post("/incoming/new", data=FORM | {"title": "第二份来文"})
    with demo.app_context():
        assert db.session.get(IncomingDocument, _entry_id(second)).number == "收〔2026〕2号"
    register = client.get("/incoming").get_data(as_text=True)
    assert register.index("收〔2026〕2号") < register.index("收〔2026〕1号")  # the newest first


def test_a_refused_registration_keeps_what_was_typed_and_stores_nothing(demo, client, login):
    login("secretary")
    missing = client.post("/incoming/new", data=FORM | {"sender": ""})
    assert missing.status_code == 422 and FORM["title"] in missing.get_data(as_text=True)
    wrong = client.post("/incoming/new", data=FORM | {"files": [(io.BytesIO(b"just text"), "a.txt")]})
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "a.txt" in text and FORM["sender_number"] in text
    with demo.app_context():
        assert (
            db.session.scalar(select(func.count(IncomingDocument.id)).where(IncomingDocument.source == "outside")) == 0
        )


def test_only_the_office_registers(demo, client, login):
    login("reviewer")
    assert client.post("/incoming/new", data=FORM).status_code == 403
    assert client.get("/incoming").status_code == 200  # the register is read by the organ's people


def test_a_notice_enters_the_units_register_at_its_receipt_once(demo, client, login):
    with demo.app_context():
        school = db.session.scalar(select(Unit).where(Unit.code == "no3_middle"))
        waiting = db.session.scalar(
            select(Distribution).where(Distribution.unit_id == school.id, Distribution.acknowledged_at.is_(None))
        )
        assert waiting is not None, "the demo has a notice 三中 has not acknowledged"
        distribution_id, notice = waiting.id, waiting.notice
        number, before = (
            notice.number,
            db.session.scalar(select(func.count(IncomingDocument.id)).where(IncomingDocument.holder_id == school.id)),
        )
    login("clerk_no3_middle")
    assert client.post(f"/inbox/{distribution_id}/receipt").status_code in (200, 303)
    client.post(f"/inbox/{distribution_id}/receipt")  # a second press
    with demo.app_context():
        entries = db.session.scalars(
            select(IncomingDocument).where(IncomingDocument.holder_id == school.id).order_by(IncomingDocument.id)
        ).all()
        assert len(entries) == before + 1
        assert (entries[-1].source, entries[-1].sender_number) == ("system", number)
        assert entries[-1].serial == max(e.serial for e in entries if e.year == entries[-1].year)
    assert number in client.get("/incoming").get_data(as_text=True)


def test_each_organ_and_unit_reads_its_own_register_only(demo, client, login):
    login("secretary")
    response = client.post("/incoming/new", data=FORM)
    city_entry = _entry_id(response)
    login("secretary_hainan")
    assert client.get(f"/incoming/{city_entry}").status_code == 404
    hainan = client.get("/incoming").get_data(as_text=True)
    assert FORM["title"] not in hainan and "乌教发〔2023〕75号" in hainan  # 海南区 acknowledged 75号 in the demo
    login("clerk_no1_middle")
    assert client.get(f"/incoming/{city_entry}").status_code == 404
    assert FORM["title"] not in client.get("/incoming").get_data(as_text=True)


def test_fifty_registrations_at_once_get_fifty_consecutive_numbers(demo):
    app = demo
    with app.app_context():
        secretary_id = db.session.scalar(select(User.id).where(User.username == "secretary"))
    barrier = threading.Barrier(50)
    errors = []

    def register(index: int):
        try:
            with app.app_context(), writing():
                barrier.wait(timeout=30)
                actor = db.session.get(User, secretary_id)
                register_outside(
                    actor,
                    OutsideDocument(sender="乌海市人民政府办公室", title=f"来文{index}", received_on=date(2027, 1, 5)),
                    max_bytes=1 << 20,
                )
        except Exception as exc:  # reported below
            errors.append((index, repr(exc)))

    threads = [threading.Thread(target=register, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with app.app_context():
        serials = sorted(db.session.scalars(select(IncomingDocument.serial).where(IncomingDocument.year == 2027)))
    assert serials == list(range(1, 51))


def test_the_register_page_costs_the_same_queries_however_long_it_is(demo, client, login):
    with demo.app_context():
        actor = db.session.scalar(select(User).where(User.username == "secretary"))

        def add(n):
            for index in range(n):
                register_outside(
                    actor,
                    OutsideDocument(
                        sender="内蒙古自治区教育厅",
                        title=f"来文{index}",
                        received_on=date(2026, 3, 1),
                        files=[Upload("a.pdf", blank_pdf())],
                    ),
                    max_bytes=1 << 20,
                )

        add(3)
    login("secretary")
    client.get("/incoming")
    with counting_queries(demo) as small:
        assert client.get("/incoming").status_code == 200
    with demo.app_context():
        actor = db.session.scalar(select(User).where(User.username == "secretary"))
        add(60)
    with counting_queries(demo) as large:
        page = client.get("/incoming")
    assert page.status_code == 200 and page.get_data(as_text=True).count('class="incoming-outside"') == 20
    assert len(large) == len(small), (small, large)
