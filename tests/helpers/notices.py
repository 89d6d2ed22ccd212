"""The notice tests' shared pieces: the seed notice as an editor would type it, and its way through the pages."""

import re

from sqlalchemy import select

from app.demo import seed_data
from app.extensions import db
from app.notices.models import DocumentSeries, Notice
from app.units.models import UnitGroup


def seed_notice() -> Notice:
    """乌教发〔2023〕75号 (inside an app context)."""
    return db.session.scalar(
        select(Notice)
        .join(DocumentSeries, DocumentSeries.id == Notice.series_id)
        .where(DocumentSeries.organ_code == "乌教发", Notice.year == 2023, Notice.serial == 75)
    )


def group_ids(app, names):
    with app.app_context():
        groups = {g.name: g.id for g in db.session.scalars(select(UnitGroup))}
    return [groups[n] for n in names]


def series_id(app, organ_code="乌教发"):
    with app.app_context():
        return db.session.scalar(select(DocumentSeries.id).where(DocumentSeries.organ_code == organ_code))


def seed_form(app, **changes):
    """The editor's form data for the seed notice, typed in (pasted) as a secretary would."""
    spec = seed_data.NOTICE
    data = {
        "series_id": series_id(app),
        "kind": "文件",
        "title": spec["title"],
        "addressee_groups": group_ids(app, spec["addressee_groups"]),
        "body": spec["cover_text"],
        "documents-0-title": spec["documents"][0]["title"],
        "documents-0-body": spec["documents"][0]["body"],
        "signature_organ": spec["signature_organ"],
        "signed_on": spec["signed_on"],
        "with_seal": "y",
        "imprint_organ": spec["imprint_organ"],
        "imprinted_on": spec["imprinted_on"],
        "version": "",
        "action": "save",
    }
    data.update(changes)
    return data


def notice_id_from(response) -> int:
    match = re.search(r"/notices/(\d+)", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def get_notice(app, notice_id) -> Notice:
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        db.session.expunge_all()
        return notice


def form_version(client, notice_id) -> str:
    page = client.get(f"/notices/{notice_id}/edit").get_data(as_text=True)
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def draft_through_the_editor(client, app, **changes) -> int:
    """The secretary (already signed in) saves the seed notice as a new draft; its id."""
    response = client.post("/notices/new", data=seed_form(app, **changes))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return notice_id_from(response)


def take_step(client, notice_id, action, comment=""):
    return client.post(f"/notices/{notice_id}/steps/{action}", data={"comment": comment})


def sign_through_the_pages(client, notice_id, login) -> None:
    """The secretary submits the draft, the reviewer approves it, the signer signs it: ready for 印发."""
    login("secretary")
    take_step(client, notice_id, "submitted")
    login("reviewer")
    take_step(client, notice_id, "approved")
    login("signer")
    take_step(client, notice_id, "signed")


def issue_through_the_pages(client, app, login, **changes) -> int:
    """Drafted by the secretary, approved by the reviewer, signed by the signer, issued by the secretary; its id."""
    login("secretary")
    notice_id = draft_through_the_editor(client, app, **changes)
    sign_through_the_pages(client, notice_id, login)
    login("secretary")
    take_step(client, notice_id, "issued")
    return notice_id
