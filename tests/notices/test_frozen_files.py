"""Files made from an issued notice: frozen with it (the Mongolian version too), made once, never while a write lock
is held, and bounded per person and overall; two presses of 印发 at once give one number and a message."""

import threading

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.auth.models import User
from app.core.files import read_bytes
from app.core.limits import bounded
from app.documents import pdf
from app.extensions import db
from app.notices.models import Notice, NoticeEvent, NoticeTranslation
from tests.helpers.accounts import sign_in
from tests.helpers.notices import draft_through_the_editor, sign_through_the_pages, take_step

FAKE_PDF = b"%PDF-1.4\n% made by a test\n"
# Freezing and bounding behave alike on both databases (the acceptance asks both for point 11 only).
ONE_DATABASE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _signed(client, app, login) -> int:
    """A draft by the secretary, approved and signed: ready for 印发."""
    login("secretary")
    notice_id = draft_through_the_editor(client, app)
    sign_through_the_pages(client, notice_id, login)
    return notice_id


def _versions(app, notice_id: int) -> list[NoticeTranslation]:
    query = select(NoticeTranslation).where(NoticeTranslation.notice_id == notice_id)
    with app.app_context():
        rows = db.session.scalars(query.order_by(NoticeTranslation.version)).all()
        db.session.expunge_all()
        return rows


def _translate(client, notice_id: int, title: str):
    return client.post(
        f"/notices/{notice_id}/translation",
        data={"title": title, "body": "ᠰᠤᠷᠭᠠᠭᠤᠯᠢ\u202fᠶᠢᠨ ᠠᠵᠢᠯ", "signature_organ": "ᠦᠬᠠᠢ", "needs_review": "y"},
    )


# 9. The Mongolian version of an issued notice is frozen


@ONE_DATABASE
def test_the_issued_mongolian_version_never_changes_a_correction_is_a_new_version(login, client, app):
    login("clerk_no1_middle")  # 75号 was sent to their unit; its Mongolian version was frozen with it
    issued = client.get("/notices/1/mongolian.docx")
    assert issued.status_code == 200
    (first,) = _versions(app, 1)
    assert first.is_frozen and first.docx_sha256

    login("translator")
    assert _translate(client, 1, "ᠵᠠᠰᠠᠭᠰᠠᠨ ᠭᠠᠷᠴᠠᠭ").status_code == 303
    assert "第 2 版" in client.get("/notices/1/translation").get_data(as_text=True)

    login("clerk_no1_middle")
    assert client.get("/notices/1/mongolian.docx?version=1").data == issued.data  # byte for byte, as issued
    corrected = client.get("/notices/1/mongolian.docx").data  # the newest version
    assert corrected != issued.data
    old_sha256 = first.docx_sha256
    first, second = _versions(app, 1)
    assert first.docx_sha256 == old_sha256 and first.title != second.title  # version 1 untouched
    assert second.version == 2 and second.is_frozen and second.title == "ᠵᠠᠰᠠᠭᠰᠠᠨ ᠭᠠᠷᠴᠠᠭ"
    assert client.get("/notices/1/mongolian.docx?version=3").status_code == 404


@ONE_DATABASE
def test_a_drafts_translation_is_edited_in_place_and_frozen_at_issue(bureau_login, client, app):
    notice_id = _signed(client, app, bureau_login)
    bureau_login("translator")
    _translate(client, notice_id, "ᠨᠢᠭᠡᠳᠦᠭᠡᠷ")
    _translate(client, notice_id, "ᠬᠣᠶᠠᠳᠤᠭᠠᠷ")
    (only,) = _versions(app, notice_id)
    assert only.title == "ᠬᠣᠶᠠᠳᠤᠭᠠᠷ" and not only.is_frozen  # one version, changed in place
    bureau_login("secretary")
    assert take_step(client, notice_id, "issued").status_code == 303
    (only,) = _versions(app, notice_id)
    assert only.is_frozen and only.docx_sha256
    stored = client.get(f"/notices/{notice_id}/mongolian.docx").data
    with app.app_context():
        assert read_bytes(only.docx_sha256) == stored


# 10. Made once, and bounded


@pytest.fixture
def counted_conversions(monkeypatch):
    made = []

    def converting(docx: bytes, *, vertical_mongolian: bool = False) -> bytes:
        made.append(vertical_mongolian)
        return FAKE_PDF

    monkeypatch.setattr(pdf, "docx_to_pdf", converting)
    return made


@ONE_DATABASE
def test_the_frozen_mongolian_pdf_is_made_once(login, client, app, counted_conversions):
    login("clerk_no1_middle")
    for _attempt in range(3):
        response = client.get("/notices/1/mongolian.pdf")
        assert response.status_code == 200 and response.data == FAKE_PDF
    assert counted_conversions == [True]
    (first,) = _versions(app, 1)
    assert first.pdf_sha256


@ONE_DATABASE
def test_a_second_pdf_request_of_one_person_is_answered_at_once_as_being_prepared(
    login, client, app, counted_conversions
):
    login("clerk_no1_middle")
    with app.app_context():
        clerk_id = db.session.scalar(select(User.id).where(User.username == "clerk_no1_middle"))
        with bounded("pdf", person=clerk_id):  # their first request, still converting
            busy = client.get("/notices/1/mongolian.pdf")
    assert busy.status_code == 503 and busy.headers["Retry-After"]
    assert "您上一次请求的 PDF 仍在生成中" in busy.get_data(as_text=True)
    assert counted_conversions == []
    assert client.get("/notices/1/mongolian.pdf").status_code == 200  # once it is done


@ONE_DATABASE
def test_when_the_machine_is_busy_everyone_is_told_and_stored_files_still_come(login, client, app, counted_conversions):
    # The machine's two slots, whatever CONVERTERS a module fixture of another test has set meanwhile.
    app.config["CONVERSION_SLOTS"] = 2
    with app.app_context():  # the demo makes 75号's PDF (its districts forward it): here it is not made yet
        db.session.execute(sa.update(Notice).where(Notice.id == 1).values(pdf_sha256=None))
        db.session.commit()
    login("clerk_no1_middle")
    assert client.get("/notices/1/mongolian.pdf").status_code == 200  # made now, and stored
    with app.app_context(), bounded("pdf", person="someone"), bounded("pdf", person="someone else"):
        busy = client.get("/notices/1/document.pdf")  # not made yet: it would need a conversion
        stored = client.get("/notices/1/mongolian.pdf")
    assert busy.status_code == 503 and "服务器正在生成其他 PDF" in busy.get_data(as_text=True)
    assert stored.status_code == 200 and stored.data == FAKE_PDF
    assert counted_conversions == [True]


# 11. Issuing holds no write lock while LibreOffice runs; two presses at once


def _other_writer(url: str):
    """A second connection that writes to the notice's row and gives up at once if the row or the database is locked:
    a clerk's 签收 while LibreOffice runs."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool, connect_args={"timeout": 0} if "sqlite" in url else {})

    def write(notice_id: int):
        try:
            with engine.begin() as conn:
                if "sqlite" in url:
                    conn.exec_driver_sql("SELECT 1")  # (the engine begins lazily; BEGIN IMMEDIATE is what a POST takes)
                else:
                    conn.exec_driver_sql("SET LOCAL lock_timeout = '200ms'")
                conn.execute(sa.text("UPDATE notices SET updated_at = updated_at WHERE id = :id"), {"id": notice_id})
            return True
        except sa.exc.OperationalError as exc:
            return str(exc.orig)

    return engine, write


def test_issuing_makes_the_pdf_without_holding_a_lock(bureau_login, client, app, monkeypatch):
    notice_id = _signed(client, app, bureau_login)
    engine, write = _other_writer(app.config["SQLALCHEMY_DATABASE_URI"])
    written = []

    def converting(docx: bytes, *, vertical_mongolian: bool = False) -> bytes:
        written.append(write(notice_id))
        return FAKE_PDF

    monkeypatch.setattr(pdf, "docx_to_pdf", converting)
    app.config["PDF_ON_ISSUE"] = True
    bureau_login("secretary")
    try:
        assert take_step(client, notice_id, "issued").status_code == 303
    finally:
        engine.dispose()
    assert written == [True]
    with app.app_context():
        assert db.session.get(Notice, notice_id).pdf_sha256  # and the PDF was stored


def test_two_presses_of_issue_at_once_give_one_number_and_a_message(bureau_login, client, app, monkeypatch):
    """On PostgreSQL both presses read the notice as signed before either writes (held there by a barrier); on SQLite
    the second waits for the first's write lock, so they run one after the other. Either way: no 500, one number."""
    from app.notices import services

    notice_id = _signed(client, app, bureau_login)
    app.config["PDF_ON_ISSUE"] = False
    together = not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    both_read = threading.Barrier(2, timeout=20)
    checking = services.lint_notice

    def lint_after_both_have_read(notice):
        both_read.wait()  # both requests have loaded the notice as signed
        return checking(notice)

    if together:
        monkeypatch.setattr(services, "lint_notice", lint_after_both_have_read)
    answers = []

    def press():
        own = app.test_client()
        own.fetch_csrf_token()
        sign_in(own, "secretary")
        response = own.post(f"/notices/{notice_id}/steps/issued", data={"comment": ""})
        answers.append((response.status_code, own.get(f"/notices/{notice_id}").get_data(as_text=True)))

    if together:
        threads = [threading.Thread(target=press) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    else:
        press()
        press()
    assert [status for status, _page in answers] == [303, 303]  # no 500
    # The second is told why (in the page's language): someone else took the step, or the notice is issued now.
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        told = (
            _("Someone else has just taken a step on this notice. Look at it again.")
            if together
            else _("This step is not possible while the notice is %(status)s.", status=_("Issued"))
        )
    assert sum(f'class="flash flash-error" role="status">{told}<' in page for _s, page in answers) == 1, told
    with app.app_context():
        events = select(func.count()).select_from(NoticeEvent)
        issued = events.where(NoticeEvent.notice_id == notice_id, NoticeEvent.action == "issued")
        assert db.session.scalar(issued) == 1
