"""传阅: the office sends a received document round to leaders and sections, all at once or one after the other;
each reads it in their turn, with a comment if they like; the 待办 and the slip show who has and who has not."""

import re

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.incoming.models import IncomingReading

FORM = {"sender": "内蒙古自治区教育厅", "title": "关于加强中小学生欺凌防治工作的通知", "received_on": "2026-12-02"}


def _ids(app, *usernames):
    with app.app_context():
        found = dict(db.session.execute(select(User.username, User.id).where(User.username.in_(usernames))).all())
    return [found[u] for u in usernames]


def _registered(client, login) -> int:
    login("secretary")
    response = client.post("/incoming/new", data=FORM)
    return int(re.search(r"/incoming/(\d+)", response.headers["Location"]).group(1))


def _todo(client) -> str:
    return client.get("/").get_data(as_text=True)


def test_readers_all_at_once_each_read_it_with_their_comment(demo, client, login):
    entry_id = _registered(client, login)
    readers = _ids(demo, "reviewer", "signer")
    assert client.post(f"/incoming/{entry_id}/circulate", data={"reader_ids": readers}).status_code == 303
    login("reviewer")
    assert FORM["title"] in _todo(client)
    assert client.post(f"/incoming/{entry_id}/read", data={"comment": "已阅，请基础教育科关注。"}).status_code == 303
    assert client.post(f"/incoming/{entry_id}/read").status_code == 422  # once
    assert FORM["title"] not in _todo(client)
    login("signer")
    assert FORM["title"] in _todo(client)
    page = client.get(f"/incoming/{entry_id}").get_data(as_text=True)
    assert page.count('data-read="1"') == 1 and page.count('data-read="0"') == 1 and "已阅，请基础教育科关注。" in page
    import io

    from docx import Document

    slip = Document(io.BytesIO(client.get(f"/incoming/{entry_id}/slip.docx").data))
    readings = " ".join(
        " ".join(c.text for c in row.cells[1:])
        for row in slip.tables[0].rows
        if row.cells[0].text.strip() == "传阅情况"
    )
    assert (
        "已阅，请基础教育科关注。" in readings and "王主任" in readings and "未阅" in readings and "董跃飞" in readings
    )


def test_readers_in_order_each_wait_for_the_one_before(demo, client, login):
    entry_id = _registered(client, login)
    signer, reviewer = _ids(demo, "signer", "reviewer")
    response = client.post(f"/incoming/{entry_id}/circulate", data={"reader_ids": [signer, reviewer], "in_order": "y"})
    assert response.status_code == 303
    login("reviewer")
    assert FORM["title"] not in _todo(client)
    assert client.post(f"/incoming/{entry_id}/read").status_code == 422  # not their turn yet
    login("signer")
    assert client.post(f"/incoming/{entry_id}/read", data={"comment": "阅。"}).status_code == 303
    login("reviewer")
    assert FORM["title"] in _todo(client)
    assert client.post(f"/incoming/{entry_id}/read").status_code == 303
    with demo.app_context():
        rows = db.session.scalars(select(IncomingReading).order_by(IncomingReading.position)).all()
        assert [(r.reader_id, r.read_at is not None) for r in rows] == [(signer, True), (reviewer, True)]
        assert rows[0].read_at <= rows[1].read_at


def test_only_the_organs_own_people_are_sent_it(demo, client, login):
    from tests.helpers.organs import district_organ

    with demo.app_context():
        district_organ("hainan")
    entry_id = _registered(client, login)
    [outsider] = _ids(demo, "secretary_hainan")
    refused = client.post(f"/incoming/{entry_id}/circulate", data={"reader_ids": [outsider]})
    assert refused.status_code == 422
    login("reviewer")  # not the office
    [signer] = _ids(demo, "signer")
    assert client.post(f"/incoming/{entry_id}/circulate", data={"reader_ids": [signer]}).status_code == 403
    with demo.app_context():
        assert db.session.scalar(select(db.func.count(IncomingReading.id))) == 0
