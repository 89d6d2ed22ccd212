"""The reply (回执) a notice asks for: one input per field the secretary set, each checked for its kind, what was
typed kept when something is refused, the values in the bureau's table and export, a file for both sides."""

import io
import re
from datetime import date
from types import SimpleNamespace

import openpyxl
import pytest
from sqlalchemy import select
from wtforms.validators import ValidationError

from app.core.time import utcnow
from app.extensions import db
from app.receipts.forms import _Phone
from app.receipts.models import Distribution
from app.units.models import Unit
from tests.helpers.notices import issue_through_the_pages, seed_notice
from tests.helpers.receipts import just_arrived

# What the form asks and accepts does not depend on the database: SQLite only.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

FIELDS = [
    {"key": "f1", "label": "参加人员", "type": "text", "required": True},
    {"key": "f2", "label": "参会人数", "type": "number", "required": True},
    {"key": "f3", "label": "联系电话", "type": "phone", "required": True},
    {"key": "f4", "label": "报到日期", "type": "date", "required": False},
    {"key": "f5", "label": "报名表", "type": "file", "required": True},
]
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTMX = {"HX-Request": "true"}


def _distribution(app, notice_id, code="no1_middle") -> Distribution:
    with app.app_context():
        unit_id = db.session.scalar(select(Unit.id).where(Unit.code == code))
        found = db.session.scalar(
            select(Distribution).where(Distribution.notice_id == notice_id, Distribution.unit_id == unit_id)
        )
        db.session.expunge_all()
        return found


def _seed_asking(app, fields=FIELDS) -> tuple[int, int]:
    """The demo notice, just arrived and asking for this reply; (its id, the id of 市一中's distribution)."""
    just_arrived(app)
    with app.app_context():
        notice = seed_notice()
        notice.reply_fields, notice.reply_requested = fields, True
        db.session.commit()
        notice_id = notice.id
    return notice_id, _distribution(app, notice_id).id


def _complete(**changes) -> dict:
    data = {
        "reply_f1": "王校长（副校长）",
        "reply_f2": "１２",  # typed with a Chinese input method
        "reply_f3": "0473-1234567",
        "reply_f4": "2023-09-01",
        "reply_f5": (io.BytesIO(PDF_BYTES), "报名表.pdf"),
    }
    data.update(changes)
    return data


def test_the_fields_the_secretary_sets_are_the_clerks_form(bureau_login, client, app):
    notice_id = issue_through_the_pages(
        client,
        app,
        bureau_login,
        **{
            "reply_fields-0-label": "参加人员",
            "reply_fields-0-type": "text",
            "reply_fields-0-required": "y",
            "reply_fields-1-label": "报名表",
            "reply_fields-1-type": "file",
        },
    )
    bureau_login("clerk_no1_middle")
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    receipt = page[page.index('<section id="receipt"') : page.index("</section>", page.index('<section id="receipt"'))]
    assert 'enctype="multipart/form-data"' in receipt
    assert '<label for="reply_f1">参加人员' in receipt
    assert re.search(r'<textarea id="reply_f1"[^>]* name="reply_f1" required', receipt)
    assert '<label for="reply_f2">报名表' in receipt and 'type="file"' in receipt
    d = _distribution(app, notice_id)
    refused = client.post(f"/inbox/{d.id}/receipt", headers=HTMX, data={"reply_f1": ""})
    assert refused.status_code == 422 and _distribution(app, notice_id).acknowledged_at is None
    ok = client.post(f"/inbox/{d.id}/receipt", headers=HTMX, data={"reply_f1": "王校长"})
    assert ok.status_code == 200 and "王校长" in ok.get_data(as_text=True)
    assert _distribution(app, notice_id).reply_values == {"f1": "王校长"}  # the file was not required


def test_each_kind_of_field_is_checked_and_what_was_typed_comes_back(login, client, app):
    notice_id, distribution_id = _seed_asking(app)
    login("clerk_no1_middle")
    typed = {"reply_f1": "", "reply_f2": "十二个", "reply_f3": "12-34", "reply_f4": "2023-13-45"}
    response = client.post(f"/inbox/{distribution_id}/receipt", headers=HTMX, data=typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and html.lstrip().startswith('<section id="receipt"') and "<html" not in html
    for value in ("十二个", "12-34", "2023-13-45"):
        assert f'value="{value}"' in html, value
    assert 'type="number"' in html and 'type="tel"' in html and 'type="date"' in html
    # One message under each of the five fields: the required text and file, the number, the phone, the date.
    assert html.count('<ul class="errors">') == 5
    assert _distribution(app, notice_id).acknowledged_at is None

    # Without JavaScript the notice's page comes back, the typed values in its form.
    page = client.post(f"/inbox/{distribution_id}/receipt", data=typed)
    assert page.status_code == 422 and "<html" in page.get_data(as_text=True)
    assert 'value="十二个"' in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("phone", "accepted"),
    [
        ("0473-1234567", True),
        ("+86 139 4730 0000", True),
        ("(0473)1234567", True),
        ("（0473）1234567", True),
        ("123456", False),
        ("0473-123456a", False),
        ("1" * 21, False),
    ],
)
def test_phone_numbers_are_checked_loosely(phone, accepted, backend):
    check = _Phone()
    try:
        check(None, SimpleNamespace(data=phone))
    except ValidationError:
        assert not accepted, phone
    else:
        assert accepted, phone


def test_a_complete_reply_is_kept_and_its_file_reaches_the_unit_and_the_bureau(login, client, app):
    notice_id, distribution_id = _seed_asking(app)
    login("clerk_no1_middle")
    refused = client.post(
        f"/inbox/{distribution_id}/receipt",
        headers=HTMX,
        data=_complete(reply_f5=(io.BytesIO(b"MZ\x90\x00 not a document"), "报名表.exe")),
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and "报名表" in refused.get_data(as_text=True)
    assert 'value="王校长（副校长）"' not in refused.get_data(as_text=True)  # a textarea keeps it as its text
    assert "王校长（副校长）</textarea>" in refused.get_data(as_text=True)
    assert _distribution(app, notice_id).acknowledged_at is None

    response = client.post(
        f"/inbox/{distribution_id}/receipt", headers=HTMX, data=_complete(), content_type="multipart/form-data"
    )
    assert response.status_code == 200
    assert "todo-changed" in response.headers["HX-Trigger"]  # the top bar's 待办 count refreshes
    saved = _distribution(app, notice_id).reply_values
    file = saved.pop("f5")
    assert saved == {"f1": "王校长（副校长）", "f2": 12, "f3": "0473-1234567", "f4": "2023-09-01"}
    assert file["filename"] == "报名表.pdf" and len(file["sha256"]) == 64
    html = response.get_data(as_text=True)
    link = f"/receipts/{distribution_id}/files/f5"
    assert "2023年9月1日" in html and f'href="{link}">报名表.pdf</a>' in html

    assert client.get(link).data == PDF_BYTES
    login("clerk_no6_middle")  # another unit
    assert client.get(link).status_code == 404
    login("staff")
    download = client.get(link)
    assert download.status_code == 200 and download.data == PDF_BYTES
    assert (
        "报名表.pdf" in download.headers["Content-Disposition"]
        or "filename*" in download.headers["Content-Disposition"]
    )


def test_the_bureau_sees_the_values_and_exports_a_column_per_field(login, client, app):
    notice_id, distribution_id = _seed_asking(app)
    with app.app_context():
        d = db.session.get(Distribution, distribution_id)
        d.acknowledged_at = utcnow()
        d.reply_values = {
            "f1": "王校长",
            "f2": 12,
            "f3": "0473-1234567",
            "f4": "2023-09-01",
            "f5": {"sha256": "0" * 64, "filename": "报名表.xlsx"},
        }
        unit_id = d.unit_id
        db.session.commit()
    login("secretary")
    page = client.get(f"/notices/{notice_id}/receipts").get_data(as_text=True)
    row = page[page.index(f'id="unit-row-{unit_id}"') :].split("</tr>", 1)[0]
    assert "参加人员：</span>王校长" in row and "0473-1234567" in row and "2023年9月1日" in row
    assert f'href="/receipts/{distribution_id}/files/f5">报名表.xlsx</a>' in row

    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"/notices/{notice_id}/receipts.xlsx").data)).active
    headers = [cell.value for cell in sheet[2]]
    assert headers[-5:] == ["参加人员", "参会人数", "联系电话", "报到日期", "报名表"]
    (line,) = [r for r in sheet.iter_rows(min_row=3) if r[1].value == "乌海市第一中学"]
    by_header = dict(zip(headers, line, strict=True))
    assert by_header["参加人员"].value == "王校长" and by_header["报名表"].value == "报名表.xlsx"
    assert by_header["参会人数"].value == 12 and by_header["参会人数"].data_type == "n"
    assert by_header["报到日期"].is_date and by_header["报到日期"].value.date() == date(2023, 9, 1)
