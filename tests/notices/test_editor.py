"""The draft editor: saving, lost updates, the live format check and its fixes, .docx import, the list."""

import io
import re
from html import unescape

import docx
from sqlalchemy import select

from app.extensions import db
from app.notices.models import Notice
from app.notices.services import lint_notice
from tests.helpers.notices import form_version, notice_id_from, seed_form


def _new_draft(client, app, **changes):
    response = client.post("/notices/new", data=seed_form(app, **changes))
    assert response.status_code == 303
    return notice_id_from(response)


def test_a_form_error_keeps_everything_typed(bureau_login, client, app):
    bureau_login("secretary")
    response = client.post("/notices/new", data=seed_form(app, title="", body="正文第一段\n正文第二段"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "正文第一段\n正文第二段" in page
    assert "乌海市一体化推进全市义务教育扩优提质若干措施" in page  # the distributed document too
    with app.app_context():
        assert db.session.scalar(select(Notice)) is None


def test_a_character_xml_forbids_is_refused_with_its_place(bureau_login, client, app):
    bureau_login("secretary")
    response = client.post("/notices/new", data=seed_form(app, body="第一段\x0b第二段"))
    assert response.status_code == 422
    assert "U+000B" in response.get_data(as_text=True)


def test_the_second_of_two_saves_is_refused_and_loses_nothing(bureau_login, client, app):
    bureau_login("secretary")
    notice_id = _new_draft(client, app)
    version = form_version(client, notice_id)
    # Two editors opened on the same version; the first one saves.
    first = client.post(f"/notices/{notice_id}/edit", data=seed_form(app, version=version, body="甲改过的正文。"))
    assert first.status_code == 303
    second = client.post(f"/notices/{notice_id}/edit", data=seed_form(app, version=version, body="乙改过的正文。"))
    assert second.status_code == 422
    page = second.get_data(as_text=True)
    assert "乙改过的正文。" in page  # what the second person typed is still in their editor
    assert "<del" in page and "甲改过的正文。" in page  # and they can compare with the saved version
    with app.app_context():
        assert db.session.get(Notice, notice_id).body == "甲改过的正文。"
    # Saving again from that page is a deliberate overwrite, and works.
    new_version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    third = client.post(f"/notices/{notice_id}/edit", data=seed_form(app, version=new_version, body="乙改过的正文。"))
    assert third.status_code == 303
    with app.app_context():
        assert db.session.get(Notice, notice_id).body == "乙改过的正文。"


def test_the_live_check_answers_with_a_fragment(bureau_login, client, app):
    bureau_login("secretary")
    data = seed_form(app, body="请于2023年08月15日前报送（乌党办发[2022]16号）。")
    data["editor_url"] = "/notices/new"
    response = client.post("/notices/lint", data=data, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="lint-panel"')
    assert "各区教育局、直属各学校（单位）、局机关各科室：" in html  # the addressees as they will print
    assert html.count('class="finding ') == 2
    assert "乌党办发〔2022〕16号" in html  # the offered fix


def test_a_one_click_fix_changes_only_the_text_it_names(bureau_login, client, app):
    bureau_login("secretary")
    body = "第一段。\n请参照乌党办发[2022]16号文件执行。"
    page = client.post("/notices/lint", data=dict(seed_form(app, body=body), editor_url="/notices/new")).get_data(
        as_text=True
    )
    key = re.search(r'name="action" value="(fix:body\|[^"]+)"', page).group(1)
    response = client.post("/notices/new", data=seed_form(app, body=body, action=key), headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<div id="notice-editor"')
    assert "第一段。\n请参照乌党办发〔2022〕16号文件执行。" in html
    with app.app_context():
        assert db.session.scalar(select(Notice)) is None  # a fix is not a save


def test_adding_a_distributed_document_keeps_what_was_typed(bureau_login, client, app):
    bureau_login("secretary")
    response = client.post("/notices/new", data=seed_form(app, action="add_document", body="已经写好的正文。"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="documents-1-title"' in html and "已经写好的正文。" in html


def _docx_bytes(paragraphs, bold_lead=None) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        paragraph = document.add_paragraph()
        if bold_lead and text.startswith(bold_lead):
            paragraph.add_run(bold_lead).bold = True
            paragraph.add_run(text[len(bold_lead) :])
        else:
            paragraph.add_run(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_importing_a_docx_fills_the_editor_without_saving(bureau_login, client, app):
    bureau_login("secretary")
    lead = "1.发挥中小学校党组织领导作用。"
    data = _docx_bytes(
        ["一、指导思想", "以习近平新时代中国特色社会主义思想为指导。", lead + "一是扎实推行校长负责制。"],
        bold_lead=lead,
    )
    form = seed_form(app, action="import", import_target="notice", body="")
    form["import_file"] = (io.BytesIO(data), "措施.docx")
    response = client.post("/notices/new", data=form, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        "一、指导思想\n以习近平新时代中国特色社会主义思想为指导。\n**1.发挥中小学校党组织领导作用。**一是扎实推行校长负责制。"
        in html
    )
    with app.app_context():
        assert db.session.scalar(select(Notice)) is None


def test_importing_something_that_is_not_a_docx_says_so(bureau_login, client, app):
    bureau_login("secretary")
    form = seed_form(app, action="import", import_target="notice")
    form["import_file"] = (io.BytesIO(b"\xd0\xcf\x11\xe0 an old .doc file"), "old.doc")
    response = client.post("/notices/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "乌海市教育局关于印发" in response.get_data(as_text=True)  # the typed title survives


def test_the_list_filters_by_status_and_title_words_and_pages(bureau_login, client, app):
    bureau_login("secretary")
    for n in range(23):
        _new_draft(client, app, title=f"关于第{n}次扩优提质调度的通知")
    _new_draft(client, app, title="关于安全工作的通知")
    page = client.get("/notices?q=安全").get_data(as_text=True)
    assert "关于安全工作的通知" in page and "调度" not in page
    fragment = client.get("/notices?q=调度&status=draft", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="notice-list"') and fragment.count("<tr>") == 20 + 1
    second = client.get("/notices?q=调度&status=draft&page=2").get_data(as_text=True)
    assert second.count("调度的通知</a>") == 3
    assert "关于安全工作的通知" not in client.get("/notices?status=issued").get_data(as_text=True)


def test_organs_outside_the_system_are_printed_as_typed_and_come_back_in_the_editor(bureau_login, client, app):
    bureau_login("secretary")
    notice_id = _new_draft(
        client, app, addressee_others="乌海市人民政府", cc_others="乌海市人民政府办公室、自治区教育厅办公室"
    )
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        assert notice.addressee_text == "各区教育局、直属各学校（单位）、局机关各科室、乌海市人民政府："
        assert notice.cc_text == "乌海市人民政府办公室，自治区教育厅办公室"  # 抄送: commas (§7.4.2)
    page = client.get(f"/notices/{notice_id}/edit").get_data(as_text=True)
    assert 'value="乌海市人民政府办公室、自治区教育厅办公室"' in page  # as typed


# The format check and what the document prints besides the text


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TYPED_NOTE = "请认真贯彻执行。\n附件：1.乌海市扩优提质若干措施\n　　　2.任务分解表"


def _fix_keys(html, field="body", rule=""):
    return re.findall(rf'name="action" value="(fix:{field}\|[^"]*{rule})"', html)


def _body_in(html):
    textarea = re.search(r'<textarea[^>]*name="body"[^>]*>(?:\r?\n)?(.*?)</textarea>', html, re.S).group(1)
    return unescape(textarea)


def test_a_typed_note_beside_attached_files_is_flagged_and_removed_in_one_click(bureau_login, client, app):
    bureau_login("secretary")
    notice_id = _new_draft(client, app, body=TYPED_NOTE)
    # Without attached files the typed note is the document's note.
    assert _fix_keys(client.get(f"/notices/{notice_id}/edit").get_data(as_text=True), rule="duplicate") == []
    attached = client.post(
        f"/notices/{notice_id}/attachments",
        content_type="multipart/form-data",
        data={"title": "乌海市扩优提质若干措施", "file": (io.BytesIO(PDF_BYTES), "措施.pdf")},
    )
    assert attached.status_code == 303
    page = client.get(f"/notices/{notice_id}/edit").get_data(as_text=True)
    (key,) = _fix_keys(page, rule="attachment-note-duplicate")
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        assert [f.rule for f in lint_notice(notice)] == ["attachment-note-duplicate"]  # the notice page, issuing
    # The live check knows the draft's files from the editor it serves; a new draft has none.
    form = seed_form(app, body=TYPED_NOTE)
    live = client.post("/notices/lint", data=dict(form, editor_url=f"/notices/{notice_id}/edit"))
    assert _fix_keys(live.get_data(as_text=True), rule="attachment-note-duplicate") == [key]
    assert "从正文中删除此附件说明" in live.get_data(as_text=True)
    fresh = client.post("/notices/lint", data=dict(form, editor_url="/notices/new"))
    assert _fix_keys(fresh.get_data(as_text=True), rule="duplicate") == []
    response = client.post(
        f"/notices/{notice_id}/edit",
        data=seed_form(app, body=TYPED_NOTE, version=form_version(client, notice_id), action=key),
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<div id="notice-editor"')
    assert _body_in(html) == "请认真贯彻执行。"
    assert _fix_keys(html, rule="duplicate") == []
    with app.app_context():
        assert db.session.get(Notice, notice_id).body == TYPED_NOTE  # a fix is not a save


def test_every_fix_the_editor_offers_leaves_the_roster_placeholder_whole(bureau_login, client, app):
    bureau_login("secretary")
    body = "一是,加强组织领导\n{{roster:扩优提质行动领导小组}}\n二是:落实责任(包括:学校)"
    page = client.post("/notices/lint", data=dict(seed_form(app, body=body), editor_url="/notices/new"))
    html = page.get_data(as_text=True)
    clicks = 0
    while _fix_keys(html) and clicks < 10:
        clicks += 1
        response = client.post("/notices/new", data=seed_form(app, body=body, action=_fix_keys(html)[0]))
        html = response.get_data(as_text=True)
        body = _body_in(html)
    assert clicks == 3
    assert body == "一是，加强组织领导\n{{roster:扩优提质行动领导小组}}\n二是：落实责任（包括：学校）"
