"""补发: the secretary sends an issued notice to units it did not reach, and only to those."""

import re
from datetime import datetime

import pytest
from sqlalchemy import func, select, update

from app.core.audit import AuditEvent
from app.core.dates import cn_date
from app.core.time import CHINA, today_in_china
from app.extensions import db
from app.notices.models import NoticeEvent
from app.receipts.models import Distribution
from app.units.models import Unit
from tests.helpers.notices import seed_notice

# Who may send and what is refused do not depend on the database: SQLite only.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

ISSUED_AT = datetime(2023, 8, 16, 9, 30, tzinfo=CHINA)


def _ids(app, *codes) -> list[int]:
    with app.app_context():
        ids = dict(db.session.execute(select(Unit.code, Unit.id).where(Unit.code.in_(codes))).all())
    return [ids[c] for c in codes]


def _seed_id(app) -> int:
    with app.app_context():
        return seed_notice().id


def _sent_to(app, notice_id) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(Distribution.unit_id).where(Distribution.notice_id == notice_id)))


def test_the_notice_reaches_the_units_left_out_and_its_history_says_so(login, client, app):
    notice_id = _seed_id(app)
    with app.app_context():  # sent the day after it was signed
        db.session.execute(
            update(Distribution).where(Distribution.notice_id == notice_id).values(delivered_at=ISSUED_AT)
        )
        db.session.commit()
    before = _sent_to(app, notice_id)
    no3, no4 = _ids(app, "no3_middle", "no4_middle")
    login("secretary")
    response = client.post(f"/notices/{notice_id}/receipts/supplement", data={"unit_ids": [no3, no4]})
    assert response.status_code == 303 and response.headers["Location"].endswith("#supplement")
    assert _sent_to(app, notice_id) == before | {no3, no4}
    with app.app_context():
        (event,) = db.session.scalars(
            select(NoticeEvent).where(NoticeEvent.notice_id == notice_id, NoticeEvent.action == "supplemented")
        ).all()
        assert event.comment == "乌海市第三中学、乌海市第四中学"
        assert db.session.scalar(select(func.count()).where(AuditEvent.action == "receipt.supplement")) == 1
    history = client.get(f"/notices/{notice_id}").get_data(as_text=True).split('<ol class="history">', 1)[1]
    assert "补发" in history and "乌海市第三中学、乌海市第四中学" in history
    # The table says when each unit was sent the notice: the two new rows today, not at issue.
    page = client.get(f"/notices/{notice_id}/receipts").get_data(as_text=True)
    sent_at = dict(re.findall(r'id="unit-row-(\d+)".*?<td class="nowrap sent-at">([^<]+)</td>', page, re.S))
    assert sent_at[str(no3)].startswith(cn_date(today_in_china()))
    assert {sent_at[str(u)] for u in before} == {"2023年8月16日 09:30"}
    # And the school has it in its inbox, with the receipt to give.
    login("clerk_no3_middle")
    assert 'id="receipt"' in client.get(f"/notices/{notice_id}").get_data(as_text=True)


def test_a_unit_that_has_the_notice_refuses_the_whole_sending_and_the_ticks_stay(login, client, app):
    notice_id = _seed_id(app)
    before = _sent_to(app, notice_id)
    no3, no1 = _ids(app, "no3_middle", "no1_middle")
    login("secretary")
    response = client.post(f"/notices/{notice_id}/receipts/supplement", data={"unit_ids": [no3, no1]})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'class="form-errors" role="alert">[^<]*乌海市第一中学', page)
    assert f'name="unit_ids" value="{no3}" checked' in page  # what was ticked is still ticked
    assert _sent_to(app, notice_id) == before
    with app.app_context():
        assert not db.session.scalar(select(func.count()).where(NoticeEvent.action == "supplemented"))


def test_the_filter_narrows_the_choice_and_a_whole_group_sends_all_its_units(login, client, app):
    notice_id = _seed_id(app)
    login("secretary")
    page = client.get(f"/notices/{notice_id}/receipts").get_data(as_text=True)
    form = page[page.index('<section id="supplement"') :].split("</section>", 1)[0]
    assert "乌海市第三中学</label>" in form and "乌海市第一中学</label>" not in form  # sent already: not offered
    (haibowan,) = _ids(app, "haibowan")
    fragment = client.get(
        f"/notices/{notice_id}/receipts/supplement/choices?q=三中", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="supplement-choices"')
    assert "乌海市第三中学" in fragment and "乌海市第四中学" not in fragment
    with app.app_context():
        district_schools = set(
            db.session.scalars(select(Unit.id).where(Unit.parent_id == haibowan, Unit.is_active))
        ) - _sent_to(app, notice_id)
    assert len(district_schools) > 2
    response = client.post(f"/notices/{notice_id}/receipts/supplement", data={"whole_groups": [f"district-{haibowan}"]})
    assert response.status_code == 303
    assert district_schools <= _sent_to(app, notice_id)


@pytest.mark.parametrize("username", ["clerk_no3_middle", "staff"])
def test_only_the_secretary_and_the_admin_send_to_more_units(username, login, client, app):
    notice_id = _seed_id(app)
    (no3,) = _ids(app, "no3_middle")
    login(username)
    assert client.post(f"/notices/{notice_id}/receipts/supplement", data={"unit_ids": [no3]}).status_code == 403
    assert client.get(f"/notices/{notice_id}/receipts/supplement/choices").status_code == 403
    assert no3 not in _sent_to(app, notice_id)
    if username == "staff":
        assert 'id="supplement"' not in client.get(f"/notices/{notice_id}/receipts").get_data(as_text=True)
    login("admin")
    assert client.post(f"/notices/{notice_id}/receipts/supplement", data={"unit_ids": [no3]}).status_code == 303
