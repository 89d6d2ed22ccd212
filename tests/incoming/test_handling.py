"""收文办理: 拟办 by the office, 批办 by a leader, 承办 by a section with a deadline and its report, 办结 by the office;
each step by whom it is for, recorded, and nothing after 办结."""

import re

from sqlalchemy import select

from app.extensions import db
from app.incoming.models import IncomingDocument
from app.units.models import Unit

FORM = {
    "sender": "内蒙古自治区教育厅",
    "sender_number": "内教基字〔2026〕12号",
    "title": "关于做好2026年义务教育招生入学工作的通知",
    "received_on": "2026-12-01",
}


def _registered(client, login) -> int:
    login("secretary")
    response = client.post("/incoming/new", data=FORM)
    assert response.status_code == 303
    return int(re.search(r"/incoming/(\d+)", response.headers["Location"]).group(1))


def _unit(app, code) -> int:
    with app.app_context():
        return db.session.scalar(select(Unit.id).where(Unit.code == code))


def _step(client, entry_id, action, **data):
    return client.post(f"/incoming/{entry_id}/steps/{action}", data=data)


def _state(app, entry_id):
    with app.app_context():
        entry = db.session.get(IncomingDocument, entry_id)
        return entry.state, [(s.action, s.actor.username) for s in entry.steps]


def test_a_document_goes_from_proposal_to_closing_each_step_by_its_person(demo, client, login):
    entry_id = _registered(client, login)
    section = _unit(demo, "basic_education")
    assert (
        _step(
            client, entry_id, "proposed", text="拟请基础教育科办理。", unit_id=section, due_on="2026-12-10"
        ).status_code
        == 303
    )

    login("reviewer")  # 核稿 is not 批办: a leader instructs
    refused = _step(client, entry_id, "instructed", text="同意。")
    assert refused.status_code == 422
    login("signer")
    assert _step(client, entry_id, "instructed", text="请基础教育科抓紧落实。").status_code == 303

    login("secretary")
    assert _step(client, entry_id, "assigned", unit_id=section, due_on="2026-12-15").status_code == 303
    login("clerk_personnel")  # another section's clerk: the city's register is not theirs
    assert _step(client, entry_id, "reported", text="已办。").status_code == 404
    login("staff")  # 基础教育科
    page = client.get(f"/incoming/{entry_id}").get_data(as_text=True)
    assert 'id="step-reported"' in page
    assert _step(client, entry_id, "reported", text="已转发各学校并部署招生工作。").status_code == 303

    login("secretary")
    assert _step(client, entry_id, "closed", text="已按要求办结。").status_code == 303
    state, steps = _state(demo, entry_id)
    assert state == "closed"
    assert steps == [
        ("proposed", "secretary"),
        ("instructed", "signer"),
        ("assigned", "secretary"),
        ("reported", "staff"),
        ("closed", "secretary"),
    ]
    after = _step(client, entry_id, "proposed", text="再议。")
    assert after.status_code == 422 and len(_state(demo, entry_id)[1]) == 5
    page = client.get(f"/incoming/{entry_id}").get_data(as_text=True)
    assert 'data-state="closed"' in page and "已转发各学校并部署招生工作。" in page and 'id="step-' not in page


def test_a_refused_step_keeps_its_text_and_changes_nothing(demo, client, login):
    entry_id = _registered(client, login)
    school = _unit(demo, "no1_middle")  # a school is not one of the city bureau's sections
    response = _step(client, entry_id, "assigned", text="请市一中办理", unit_id=school)
    assert response.status_code == 422
    no_text = _step(client, entry_id, "proposed", text="")
    assert no_text.status_code == 422, _state(demo, entry_id)
    assert _state(demo, entry_id) == ("registered", [])


def test_another_organs_people_cannot_handle_the_citys_documents(demo, client, login):
    from tests.helpers.organs import district_organ

    with demo.app_context():
        district_organ("hainan")
    entry_id = _registered(client, login)
    for username in ("secretary_hainan", "signer_hainan", "clerk_no1_middle"):
        login(username)
        assert _step(client, entry_id, "proposed", text="拟办").status_code == 404
        assert client.get(f"/incoming/{entry_id}").status_code == 404
    assert _state(demo, entry_id) == ("registered", [])


def test_the_processing_slip_shows_every_step_in_its_row(demo, client, login):
    """The 收文处理笺 of a handled document, as .docx and PDF: its particulars and each step where the slip puts it."""
    import io

    from docx import Document

    from tests.helpers.pdf import require_libreoffice
    from tests.helpers.pdfmeasure import page_count, text_lines

    entry_id = _registered(client, login)
    section = _unit(demo, "basic_education")
    _step(client, entry_id, "proposed", text="拟请基础教育科办理。", unit_id=section, due_on="2026-12-10")
    login("signer")
    _step(client, entry_id, "instructed", text="请基础教育科抓紧落实。")
    login("secretary")
    _step(client, entry_id, "assigned", unit_id=section, due_on="2026-12-15")
    login("staff")
    _step(client, entry_id, "reported", text="已部署招生入学工作。")
    login("secretary")
    _step(client, entry_id, "closed", text="已办结。")

    docx = client.get(f"/incoming/{entry_id}/slip.docx")
    assert docx.status_code == 200 and docx.data[:2] == b"PK"
    document = Document(io.BytesIO(docx.data))
    assert document.paragraphs[0].text == "乌海市教育局收文处理笺"
    rows = {}
    for row in document.tables[0].rows:
        label = row.cells[0].text.strip()
        rows.setdefault(label, []).append(" ".join(c.text for c in row.cells[1:]))
    assert "收〔2026〕1号" in rows["来文单位"][0] and "内蒙古自治区教育厅" in rows["来文单位"][0]
    assert "拟请基础教育科办理。" in " ".join(rows["拟办意见"]) and "李秘书" in " ".join(rows["拟办意见"])
    assert "请基础教育科抓紧落实。" in " ".join(rows["领导批示"]) and "董跃飞" in " ".join(rows["领导批示"])
    assert "已部署招生入学工作。" in " ".join(rows["承办情况"]) and "2026年12月15日" in " ".join(rows["承办情况"])
    assert "已办结。" in " ".join(rows["办结情况"])

    require_libreoffice()
    pdf = client.get(f"/incoming/{entry_id}/slip.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert page_count(pdf.data) == 1
    text = "".join(line.text for line in text_lines(pdf.data, 0)).replace(" ", "")
    assert "收〔2026〕1号" in text and "已部署招生入学工作。" in text


def test_each_step_waits_in_the_todo_of_the_person_it_is_for(demo, client, login):
    entry_id = _registered(client, login)
    section = _unit(demo, "basic_education")
    title = FORM["title"]

    def waiting(username, key):
        login(username)
        page = client.get("/").get_data(as_text=True)
        group = re.search(rf'id="todo-{key.replace(".", "-")}"(.*?)</section>', page, re.S)
        return bool(group and title in group.group(1))

    login("secretary")
    _step(client, entry_id, "proposed", text="拟请基础教育科办理。", unit_id=section)
    assert not waiting("reviewer", "incoming.instruct") and waiting("signer", "incoming.instruct")
    assert _step(client, entry_id, "instructed", text="同意。").status_code == 303  # the signer, logged in last
    assert not waiting("signer", "incoming.instruct")
    login("secretary")
    _step(client, entry_id, "assigned", unit_id=section, due_on="2026-12-15")
    assert not waiting("secretary", "incoming.close") and waiting("staff", "incoming.handle")
    assert _step(client, entry_id, "reported", text="已办。").status_code == 303
    assert not waiting("staff", "incoming.handle") and waiting("secretary", "incoming.close")
    _step(client, entry_id, "closed", text="办结。")
    assert not waiting("secretary", "incoming.close")
