"""The elements of GB/T 9704 a notice carries beyond a plain 文件's, through the editor, the workflow, the inbox and
`notices load`: 紧急程度, 份号, 密级 (refused on this network), 签发人, 联合行文, 公开属性, a 纪要's meeting.

How each prints is tested in tests/documents; here: what the secretary types is kept, what is refused says why and
loses nothing, and what the other roles see follows from it.
"""

import io
import json
import zipfile
from datetime import timedelta

from sqlalchemy import select

from app.core.settings import Setting
from app.core.time import CHINA
from app.extensions import db
from app.notices.models import Notice
from app.receipts.models import Distribution, Reminder
from tests.helpers.notices import (
    draft_through_the_editor,
    form_version,
    issue_through_the_pages,
    seed_form,
    sign_through_the_pages,
    take_step,
)


def _notice(app, notice_id) -> Notice:
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        db.session.expunge(notice)
        return notice


def _document_text(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return package.read("word/document.xml").decode()


def test_the_editor_keeps_every_element_typed(bureau_login, client, app):
    bureau_login("secretary")
    notice_id = draft_through_the_editor(
        client,
        app,
        urgency="加急",
        copy_numbers="y",
        upward="y",
        signers_text="张三、李四",
        joint_organs_text="乌海市人力资源和社会保障局：王五\n乌海市财政局",
        disclosure="依申请公开",
        classification_period="1年",  # kept as typed; it prints only with a 密级
    )
    notice = _notice(app, notice_id)
    assert (notice.urgency, notice.copy_numbers, notice.upward) == ("加急", True, True)
    assert notice.signers == ["张三", "李四"]
    assert notice.joint_organs == [{"name": "乌海市人力资源和社会保障局", "signer": "王五"}, {"name": "乌海市财政局"}]
    assert (notice.disclosure, notice.disclosure_reason) == ("依申请公开", "")
    page = client.get(f"/notices/{notice_id}/edit").get_data(as_text=True)
    assert 'value="张三、李四"' in page
    assert "乌海市人力资源和社会保障局：王五\n乌海市财政局" in page
    assert '<option selected value="加急">' in page


def test_a_notice_not_disclosed_says_why_and_loses_nothing_typed(bureau_login, client, app):
    bureau_login("secretary")
    response = client.post("/notices/new", data=seed_form(app, disclosure="不予公开", urgency="特急"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "不予公开的，请说明理由。" in page
    assert '<option selected value="特急">' in page  # what was typed is still there
    with app.app_context():
        assert db.session.scalar(select(Notice).where(Notice.disclosure == "不予公开")) is None
    notice_id = draft_through_the_editor(client, app, disclosure="不予公开", disclosure_reason="涉及个人隐私")
    assert _notice(app, notice_id).disclosure_reason == "涉及个人隐私"


def test_a_classified_notice_is_refused_on_a_network_not_approved_for_it(bureau_login, client, app):
    bureau_login("secretary")
    response = client.post("/notices/new", data=seed_form(app, classification="秘密", classification_period="1年"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "涉密文件不得在非涉密网络中处理" in page
    assert 'value="1年"' in page
    with app.app_context():
        assert db.session.scalar(select(Notice.id).where(Notice.classification != "")) is None
        db.session.add(Setting(key="classified_network", value="1"))
        db.session.commit()
    notice_id = draft_through_the_editor(client, app, classification="秘密", classification_period="1年")
    assert (_notice(app, notice_id).classification, _notice(app, notice_id).classification_period) == ("秘密", "1年")


def test_the_signer_of_a_report_upward_becomes_its_signer_after_those_named(bureau_login, client, app):
    bureau_login("secretary")
    notice_id = draft_through_the_editor(client, app, upward="y", signers_text="张三")
    sign_through_the_pages(client, notice_id, bureau_login)
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        signer = notice.events[-1].actor.display_name
        assert notice.status == "signed"
        assert notice.signers == ["张三", signer]
    bureau_login("secretary")
    plain = draft_through_the_editor(client, app)
    sign_through_the_pages(client, plain, bureau_login)
    assert _notice(app, plain).signers == []  # a 下行文 prints no 签发人


def test_units_get_numbered_copies_in_the_order_sent_and_each_downloads_its_own(bureau_login, client, app):
    notice_id = issue_through_the_pages(client, app, bureau_login, copy_numbers="y")
    with app.app_context():
        rows = db.session.execute(
            select(Distribution.copy_number, Distribution.unit_id)
            .where(Distribution.notice_id == notice_id)
            .order_by(Distribution.id)
        ).all()
        clerk_unit = db.session.scalar(
            select(Distribution.copy_number)
            .join(Distribution.unit)
            .where(Distribution.notice_id == notice_id, Distribution.unit.has(code="haibowan"))
        )
    assert [number for number, _unit in rows] == list(range(1, len(rows) + 1))
    assert clerk_unit
    receipts = client.get(f"/notices/{notice_id}/receipts").get_data(as_text=True)
    assert f"{clerk_unit:06d}" in receipts and "份号" in receipts
    bureau_login("clerk_haibowan")
    docx = client.get(f"/notices/{notice_id}/document.docx")
    assert docx.status_code == 200
    assert f"{clerk_unit:06d}" in _document_text(docx.data)
    bureau_login("secretary")  # the bureau's copy, the one frozen at issue, carries no number of a unit's
    assert f"{clerk_unit:06d}" not in _document_text(client.get(f"/notices/{notice_id}/document.docx").data)


def test_an_urgent_notice_is_due_sooner_shows_first_and_is_chased_at_a_faster_pace(bureau_login, client, app):
    plain = issue_through_the_pages(client, app, bureau_login)
    urgent = issue_through_the_pages(
        client, app, bureau_login, urgency="特急", title="关于紧急报送校舍安全检查情况的通知"
    )
    with app.app_context():
        notice = db.session.get(Notice, urgent)
        assert notice.ack_due_at.astimezone(CHINA).date() == notice.issued_at.astimezone(CHINA).date()
        assert db.session.get(Notice, plain).ack_due_at is None
    bureau_login("clerk_haibowan")
    inbox = client.get("/inbox").get_data(as_text=True)
    assert '<span class="badge badge-urgent">特急</span>' in inbox
    home = client.get("/").get_data(as_text=True)
    # In the 待办, the urgent one heads the notices to acknowledge (issued last, it would otherwise come last), its
    # urgency beside it.
    assert home.index("关于紧急报送校舍安全检查情况的通知") < home.index(_notice(app, plain).title)
    assert (
        "特急"
        in home[
            home.index("关于紧急报送校舍安全检查情况的通知") - 300 : home.index("关于紧急报送校舍安全检查情况的通知")
            + 300
        ]
    )
    # A reminder three hours ago: a plain notice waits a day before the next, an urgent one two hours.
    bureau_login("secretary")
    for notice_id in (plain, urgent):
        assert client.post(f"/notices/{notice_id}/reminders", data={"scope": "all"}).status_code in (200, 303)
    with app.app_context():
        for reminder in db.session.scalars(select(Reminder)):
            reminder.sent_at -= timedelta(hours=3)
        db.session.commit()
    again_plain = client.post(f"/notices/{plain}/reminders", data={"scope": "all"})
    again_urgent = client.post(f"/notices/{urgent}/reminders", data={"scope": "all"})
    assert "刚刚催办过。仍要再次催办吗？" in again_plain.get_data(as_text=True)
    assert again_urgent.status_code == 303


def test_notices_load_takes_the_elements_under_their_design_names(runner, demo, tmp_path):
    entries = [
        {
            "number": "乌教发〔2022〕40号",
            "title": "乌海市教育局关于报送2022年教育经费预算的请示",
            "addressees": ["乌海市第一中学"],
            "body": "现将有关情况请示如下。",
            "signed_on": "2022-04-01",
            "urgency": "加急",
            "copy_numbers": True,
            "signers": ["董跃飞"],
            "joint_organs": ["乌海市财政局"],
            "disclosure": "不予公开",
            "disclosure_reason": "内部事务信息",
        },
        {
            "kind": "纪要",
            "title": "2022年第3次局务会议纪要",
            "body": "一、会议研究了开学工作。",
            "meeting": {"date": "2022-03-03", "chair": "董跃飞", "attendees": ["董跃飞", "王五"], "absent": ["李四"]},
        },
    ]
    path = tmp_path / "notices.json"
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["notices", "load", str(path), "--as", "secretary"])
    assert result.exit_code == 0, result.output
    with demo.app_context():
        issued = db.session.scalar(select(Notice).where(Notice.title.like("%经费预算的请示")))
        minutes = db.session.scalar(select(Notice).where(Notice.title == "2022年第3次局务会议纪要"))
        assert (issued.urgency, issued.copy_numbers, issued.upward, issued.signers) == ("加急", True, True, ["董跃飞"])
        assert issued.joint_organs == [{"name": "乌海市财政局"}]
        assert (issued.disclosure, issued.disclosure_reason) == ("不予公开", "内部事务信息")
        assert minutes.meeting == {
            "date": "2022-03-03",
            "chair": "董跃飞",
            "attendees": ["董跃飞", "王五"],
            "absent": ["李四"],
        }

    for broken, where in [
        ({"title": "甲", "classification": "秘密"}, "entry 1, classification"),
        ({"title": "乙", "urgency": "很急"}, "entry 1, urgency"),
        ({"title": "丙", "disclosure": "不予公开"}, "entry 1, disclosure_reason"),
        ({"title": "丁", "meeting": {"attendees": ["甲"]}}, "entry 1, meeting"),
        ({"title": "戊", "kind": "纪要", "meeting": {"present": ["甲"]}}, "entry 1, meeting.present"),
    ]:
        path.write_text(json.dumps([broken], ensure_ascii=False), encoding="utf-8")
        result = runner.invoke(args=["notices", "load", str(path)])
        assert result.exit_code != 0 and where in result.output, (broken, result.output)


def test_the_form_version_survives_a_save_with_elements(bureau_login, client, app):
    """Saving an existing draft with the elements goes through the same optimistic lock as any save."""
    bureau_login("secretary")
    notice_id = draft_through_the_editor(client, app)
    version = form_version(client, notice_id)
    response = client.post(
        f"/notices/{notice_id}/edit", data=seed_form(app, version=version, urgency="特急", upward="y")
    )
    assert response.status_code == 303
    assert _notice(app, notice_id).urgency == "特急"
    assert take_step(client, notice_id, "submitted").status_code == 303


def test_importing_a_file_with_the_elements_fills_their_fields(bureau_login, client, app):
    """A 请示 someone wrote elsewhere, with 特急, 份号, 签发人 and a joint organ: the editor shows each in its field
    and the text without them; nothing is saved until the secretary saves."""
    from datetime import date

    from app.documents.formats import render_gongwen
    from app.documents.gongwen import GongwenData

    docx = render_gongwen(
        GongwenData(
            mark="乌海市教育局文件",
            mark_mn="",
            header_order="zh_first",
            number="乌教发〔2023〕92号",
            title="乌海市教育局 乌海市财政局关于申请2024年学前教育专项资金的请示",
            addressee_text="乌海市人民政府：",
            body="为进一步扩大普惠性学前教育资源，现申请专项资金。\n妥否，请批示。",
            signature_organ="乌海市教育局",
            signed_on=date(2023, 9, 1),
            copy_number="000012",
            urgency="特急",
            signers=["董跃飞", "李明"],
            organ_name="乌海市教育局",
            joint_organs=["乌海市财政局"],
        )
    )
    bureau_login("secretary")
    form = seed_form(app, action="import", import_target="notice", body="")
    form["import_file"] = (io.BytesIO(docx), "请示.docx")
    response = client.post("/notices/new", data=form, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<option selected value="特急">' in page
    assert 'value="董跃飞、李明"' in page and '<input checked id="upward"' in page
    joint = page[page.index('name="joint_organs_text"') :]
    assert joint[joint.index(">") + 1 : joint.index("</textarea>")].strip() == "乌海市财政局"
    body = page[page.index('name="body"') :]
    body = body[: body.index("</textarea>")]
    assert "妥否，请批示。" in body and "特急" not in body and "000012" not in body
    with app.app_context():
        assert db.session.scalar(select(Notice.id)) is None


def test_the_editors_preview_of_a_refused_classification_shows_the_rest(bureau_login, client, app):
    """The live preview renders what can be printed while the 密级 waits for the save's refusal: never an error."""
    bureau_login("secretary")
    form = seed_form(app, classification="秘密", urgency="加急")
    form.pop("action")
    response = client.post("/notices/preview", data=form, headers={"HX-Request": "true"})
    assert response.status_code in (200, 503), response.status_code  # 503: no converter free right now
    assert "秘密" not in response.get_data(as_text=True)
