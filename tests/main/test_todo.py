"""Each person's 待办 on the home page: what waits for them, counted in the top bar, and what they did (已办)."""

import re

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.demo.scale import add_notices, add_units
from app.extensions import db
from app.notices.models import Notice, NoticeEvent, NoticeTranslation
from tests.helpers.accounts import DEMO_PASSWORD
from tests.helpers.notices import draft_through_the_editor, take_step
from tests.helpers.queries import counting_queries

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _group(page: str, key: str) -> str:
    """The html of one 待办 group of the home page, or '' when it is not shown."""
    match = re.search(rf'<section class="panel todo-group" id="todo-{key}">(.*?)</section>', page, re.S)
    return match.group(1) if match else ""


def _count(page: str, key: str) -> int:
    found = re.search(r'<span class="count">(\d+)</span>', _group(page, key))
    return int(found.group(1)) if found else 0


def test_each_person_finds_the_draft_in_their_own_todo(client, app, login):
    login("secretary")
    notice_id = draft_through_the_editor(client, app, title="关于做好秋季开学安全工作的通知")
    take_step(client, notice_id, "submitted")

    login("reviewer")
    home = client.get("/").get_data(as_text=True)
    assert "关于做好秋季开学安全工作的通知" in _group(home, "notices-review")
    take_step(client, notice_id, "returned", "请补充联系人。")
    assert "关于做好秋季开学安全工作的通知" not in _group(client.get("/").get_data(as_text=True), "notices-review")

    # The secretary sees it sent back, with the reviewer's comment.
    login("secretary")
    returned = _group(client.get("/").get_data(as_text=True), "notices-returned")
    assert "关于做好秋季开学安全工作的通知" in returned and "请补充联系人。" in returned
    take_step(client, notice_id, "submitted")
    login("reviewer")
    take_step(client, notice_id, "approved")

    login("signer")
    assert "关于做好秋季开学安全工作的通知" in _group(client.get("/").get_data(as_text=True), "notices-sign")
    take_step(client, notice_id, "signed")

    login("secretary")
    home = client.get("/").get_data(as_text=True)
    assert "关于做好秋季开学安全工作的通知" in _group(home, "notices-issue")
    assert _group(home, "notices-returned") == ""
    # 已办: the steps the secretary took, newest first.
    done = home.split('id="done-heading"', 1)[1]
    assert "送核稿 · <a" in done and "起草 · <a" in done
    assert done.index("送核稿") < done.index("起草")  # newest first


def test_the_author_of_a_draft_is_not_offered_its_review(client, app, login):
    """A reviewer who also drafts (separation of duties, strict) does not find their own draft to review."""
    with app.app_context():
        reviewer = db.session.scalar(select(User).where(User.username == "reviewer"))
        reviewer.set_roles(["reviewer", "secretary"])
        db.session.commit()
    login("reviewer")
    notice_id = draft_through_the_editor(client, app, title="核稿人自己起草的通知")
    take_step(client, notice_id, "submitted")
    assert "核稿人自己起草的通知" not in _group(client.get("/").get_data(as_text=True), "notices-review")


def test_the_top_bar_counts_what_waits_and_refreshes_itself(client, app, login):
    login("reviewer")
    waiting = _count(client.get("/").get_data(as_text=True), "notices-review")  # the demo's draft in review
    login("secretary")
    for title in ("关于甲的通知", "关于乙的通知"):
        notice_id = draft_through_the_editor(client, app, title=title)
        take_step(client, notice_id, "submitted")
    login("reviewer")
    home = client.get("/").get_data(as_text=True)
    assert _count(home, "notices-review") == waiting + 2
    counter = client.get("/todo/count", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert counter.lstrip().startswith('<a id="todo-count"') and "<html" not in counter
    assert re.search(r'<span class="count">(\d+)</span>', counter).group(1) == str(
        sum(int(n) for n in re.findall(r'id="todo-[^"]+">\s*<h3>.*?<span class="count">(\d+)</span>', home, re.S))
    )
    # Every page's top bar asks for it (htmx, on load), and it listens for the event actions send.
    other = client.get("/notices").get_data(as_text=True)
    assert re.search(
        r'<span class="todo-counter" hx-get="/todo/count"[^>]*todo-changed from:body[^>]*>\s*<a id="todo-count"', other
    )


def test_a_clerk_lands_on_the_home_page_too(client, app, login):
    login("clerk_no1_middle")
    response = client.get("/")
    assert response.status_code == 200
    assert 'id="todo"' in response.get_data(as_text=True)


def test_the_translator_finds_the_issued_notices_without_a_mongolian_version(client, app, login):
    login("translator")
    home = client.get("/").get_data(as_text=True)
    group = _group(home, "notices-translate")
    # The demo's seed notice and 3号 have their Mongolian version; the other issued specimens have none.
    assert "高、初中结对共建联合教研活动" in group
    assert "扩优提质若干措施" not in group and "智慧校园建设" not in group
    with app.app_context():
        # The city's own notices: the district bureaus' forwarding notices are theirs to translate.
        city = db.session.scalar(select(Notice.organ_id).where(Notice.id == 1))
        issued = db.session.scalar(
            select(func.count(Notice.id)).where(Notice.status == "issued", Notice.organ_id == city)
        )
        translated = db.session.scalar(
            select(func.count(func.distinct(NoticeTranslation.notice_id)))
            .join(Notice, Notice.id == NoticeTranslation.notice_id)
            .where(NoticeTranslation.language == "mn", Notice.organ_id == city)
        )
    assert _count(home, "notices-translate") == issued - translated == 10
    login("secretary")
    assert _group(client.get("/").get_data(as_text=True), "notices-translate") == ""


def _home_queries(app, client, login, username) -> int:
    login(username)
    client.get("/")  # a first request may record the session's use; count a plain one
    with counting_queries(app) as statements:
        assert client.get("/").status_code == 200
    return len([s for s in statements if not s.startswith("BEGIN")])


def _more_drafts(app, count: int) -> None:
    """Drafts in review (awaiting the reviewer), each with its events."""
    with app.app_context():
        secretary = db.session.scalar(select(User).where(User.username == "secretary"))
        for n in range(count):
            notice = Notice(title=f"关于待核稿通知{n}的通知", author_id=secretary.id, status="in_review")
            notice.events = [
                NoticeEvent(actor_id=secretary.id, action="drafted"),
                NoticeEvent(actor_id=secretary.id, action="submitted"),
            ]
            db.session.add(notice)
        db.session.commit()


def test_the_home_page_runs_as_many_queries_for_300_units_and_1000_notices_as_for_3_and_2(client, app, login):
    people = ("clerk_scale_0001", "secretary", "reviewer", "signer", "staff", "translator")
    with app.app_context():
        add_units(3, DEMO_PASSWORD)
        add_notices(2)
        db.session.commit()
    _more_drafts(app, 2)
    small = [_home_queries(app, client, login, person) for person in people]
    login("reviewer")
    waiting = _count(client.get("/").get_data(as_text=True), "notices-review")
    with app.app_context():
        add_units(297, DEMO_PASSWORD)
        add_notices(1000)
        db.session.commit()
    _more_drafts(app, 200)
    large = [_home_queries(app, client, login, person) for person in people]
    assert large == small, dict(zip(people, zip(small, large, strict=True), strict=True))
    login("reviewer")
    assert waiting >= 2 and _count(client.get("/").get_data(as_text=True), "notices-review") == waiting + 200
