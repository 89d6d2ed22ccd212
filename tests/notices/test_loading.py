"""notices load and notices list: notices from a JSON file, all or nothing, and one line per notice."""

import json

from docx import Document
from sqlalchemy import func, select

from app.core.audit import AuditEvent
from app.extensions import db
from app.notices.models import Notice, SerialCounter
from app.receipts.models import Distribution

ISSUED = {
    "organ": "乌海市教育局",
    "number": "乌教发〔2022〕12号",
    "title": "乌海市教育局关于开展2022年春季学期开学检查的通知",
    "addressees": ["各区教育局", "乌海市第一中学"],
    "cc": ["乌海市人民政府办公室"],
    "body": "一、检查内容\n校舍安全、消防安全。\n二、工作要求\n请于3月10日前报送检查情况。",
    "signed_on": "2022-03-01",
    "note": "联系人：张三，电话：0473-1234567",
}
DRAFT = {"title": "关于做好暑期安全教育工作的通知", "body": "请各单位做好准备。", "addressees": ["各区教育局"]}


def _load(runner, tmp_path, entries, *args):
    path = tmp_path / "notices.json"
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    return runner.invoke(args=["notices", "load", str(path), *args])


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_an_entry_with_a_number_is_issued_under_it_and_one_without_becomes_a_draft(runner, demo, tmp_path):
    result = _load(runner, tmp_path, [ISSUED, DRAFT], "--as", "secretary")
    assert result.exit_code == 0, result.output
    issued_line, draft_line = result.output.splitlines()
    assert issued_line.endswith("\t乌教发〔2022〕12号") and draft_line.endswith("\t-")
    with demo.app_context():
        issued = db.session.get(Notice, int(issued_line.split("\t")[0]))
        assert issued.status == "issued" and issued.number == "乌教发〔2022〕12号"
        assert issued.addressee_text == "各区教育局、乌海市第一中学："  # a group and a unit, by their names
        assert issued.cc_text == "乌海市人民政府办公室"  # an organ outside the system, as written
        assert issued.imprinted_on.isoformat() == "2022-03-01" and issued.docx_sha256
        assert [e.action for e in issued.events] == ["imported"]
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "notice.import")) is not None
        # Not distributed unless the entry asks: old notices do not land in today's inboxes.
        assert db.session.scalar(select(func.count(Distribution.id)).where(Distribution.notice_id == issued.id)) == 0
        # The series goes on after 12 in 2022.
        assert db.session.get(SerialCounter, (issued.series_id, 2022)).next_serial == 13
        draft = db.session.get(Notice, int(draft_line.split("\t")[0]))
        assert draft.status == "draft" and draft.author.username == "secretary"


def test_a_loaded_notice_exports_as_it_was_frozen(runner, demo, tmp_path):
    assert _load(runner, tmp_path, [ISSUED]).exit_code == 0
    out = tmp_path / "12.docx"
    result = runner.invoke(args=["notices", "export", "乌教发〔2022〕12号", "--format", "docx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    document = Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "乌教发〔2022〕12号" in text and "校舍安全、消防安全。" in text and "2022年3月1日" in text
    imprint = [row.cells[0].text for row in document.tables[-1].rows]  # the 版记
    assert imprint[0] == "抄送：乌海市人民政府办公室。"


def test_distribute_sends_an_issued_entry_to_its_addressees(runner, demo, tmp_path):
    assert _load(runner, tmp_path, [{**ISSUED, "distribute": True}]).exit_code == 0
    with demo.app_context():
        reached = db.session.scalar(select(func.count(Distribution.id)).where(Distribution.role == "to"))
    assert reached >= 4  # three district bureaus and 市一中, besides the demo notice's own


def test_a_broken_entry_loads_nothing_and_names_the_entry_and_the_field(runner, demo, tmp_path):
    notices, events = _count(demo, Notice), _count(demo, AuditEvent)
    cases = [
        ({**DRAFT, "signed_on": "2022-13-01"}, "entry 2, signed_on"),
        ({**DRAFT, "urgency_level": "特急"}, "entry 2, urgency_level"),
        ({"body": "没有标题"}, "entry 2, title"),
        ({**ISSUED, "number": "乌教发〔2022〕12号"}, "entry 2, number"),  # the first entry takes it
        ({**DRAFT, "attachments": [{"title": "附件", "path": "missing.pdf"}]}, "entry 2, attachments[1]"),
        ({**DRAFT, "mongolian": {"title": "ᠮᠡᠳᠡᠭᠳᠡᠯ", "body": 5}}, "entry 2, mongolian.body"),
    ]
    for broken, where in cases:
        result = _load(runner, tmp_path, [ISSUED, broken])
        assert result.exit_code != 0, broken
        assert where in result.output and "Nothing was loaded" in result.output, result.output
        assert (_count(demo, Notice), _count(demo, AuditEvent)) == (notices, events), where


def test_attachments_and_the_mongolian_version_come_along(runner, demo, tmp_path):
    (tmp_path / "plan.pdf").write_bytes(b"%PDF-1.4\n% a plan\n")
    mongolian_title = "ᠦᠬᠠᠢ ᠬᠣᠲᠠ\u202fᠶᠢᠨ ᠮᠡᠳᠡᠭᠳᠡᠯ GB/T 9704-2012"
    entry = {
        **DRAFT,
        "attachments": [{"title": "检查方案", "path": "plan.pdf"}],
        "mongolian": {"title": mongolian_title, "body": "2024 ᠣᠨ\u202fᠤ ᠠᠵᠢᠯ", "note": "ᠬᠠᠷᠢᠯᠴᠠᠬᠤ"},
    }
    result = _load(runner, tmp_path, [entry])
    assert result.exit_code == 0, result.output
    with demo.app_context():
        notice = db.session.get(Notice, int(result.output.split("\t")[0]))
        assert [(a.title, a.filename) for a in notice.attachments] == [("检查方案", "plan.pdf")]
        translation = notice.translations[0]
        assert translation.title == mongolian_title and translation.note == "ᠬᠠᠷᠢᠯᠴᠠᠬᠤ"  # every character kept


def test_notices_list_prints_one_line_per_notice_newest_first(runner, demo, tmp_path):
    assert _load(runner, tmp_path, [ISSUED, DRAFT]).exit_code == 0
    lines = runner.invoke(args=["notices", "list"]).output.splitlines()
    assert [line.split("\t")[1:4] for line in lines[:2]] == [
        ["-", "draft", "文件"],
        ["乌教发〔2022〕12号", "issued", "文件"],
    ]
    assert [line.split("\t")[1] for line in lines[2:]][-1] == "乌教发〔2023〕75号"  # the first of the demo's
    ids = [int(line.split("\t")[0]) for line in lines]
    assert ids == sorted(ids, reverse=True)
    assert lines[0].split("\t")[4] == DRAFT["title"]
    drafts = runner.invoke(args=["notices", "list", "--status", "draft"]).output.splitlines()
    assert len(drafts) == 1 and drafts[0].split("\t")[1] == "-"
