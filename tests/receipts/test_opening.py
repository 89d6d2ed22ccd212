"""When a notice counts as opened by the unit: when its page is on the clerk's screen, not when the browser fetched it
ahead of time (a link prefetch, a prerender, htmx's preload)."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.receipts.models import Distribution
from app.units.models import Unit
from tests.helpers.notices import seed_notice
from tests.helpers.receipts import just_arrived

# Which request records an opening does not depend on the database: SQLite only.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

# What a browser sends when it follows a link the clerk clicked.
NAVIGATION = {"Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-User": "?1"}
# What it sends when it fetches the page in case the clerk clicks.
PREFETCHES = {
    "speculation rules prefetch": {"Sec-Purpose": "prefetch", "Sec-Fetch-Dest": "document"},
    "prerender": {"Sec-Purpose": "prefetch;prerender", "Sec-Fetch-Dest": "document"},
    "Chrome <link rel=prefetch>": {"Purpose": "prefetch", "Sec-Fetch-Dest": "empty"},
    "older Firefox": {"X-Moz": "prefetch"},
    "Safari preview": {"X-Purpose": "preview"},
    "htmx preload": {"HX-Request": "true", "HX-Preloaded": "true"},
    "a script's fetch()": {"Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "cors"},
}


def _seed_distribution(app, unit_code="no1_middle") -> Distribution:
    """The unit's distribution of the seed notice, just arrived: nobody has opened it yet."""
    just_arrived(app)
    with app.app_context():
        notice = seed_notice()
        unit_id = db.session.scalar(select(Unit.id).where(Unit.code == unit_code))
        distribution = db.session.scalar(
            select(Distribution).where(Distribution.notice_id == notice.id, Distribution.unit_id == unit_id)
        )
        db.session.expunge_all()
    return distribution


def _opened(app, distribution_id: int) -> tuple:
    with app.app_context():
        d = db.session.get(Distribution, distribution_id)
        return d.first_opened_at, d.first_opened_by_id


@pytest.mark.parametrize("kind", PREFETCHES)
def test_a_page_fetched_ahead_of_time_is_not_opened_and_carries_the_request_that_records_it_when_shown(
    kind, login, client, app
):
    d = _seed_distribution(app)
    assert d.first_opened_at is None
    login("clerk_no1_middle")

    response = client.get(f"/notices/{d.notice_id}", headers=PREFETCHES[kind])

    assert response.status_code == 200
    assert _opened(app, d.id) == (None, None)
    page = response.get_data(as_text=True)
    assert f'hx-post="/inbox/{d.id}/opened" hx-trigger="load, prerenderingchange from:document"' in page


def test_the_page_shown_after_a_prefetch_records_the_opening_and_a_prerendering_page_does_not(login, client, app):
    d = _seed_distribution(app)
    login("clerk_no1_middle")
    client.get(f"/notices/{d.notice_id}", headers=PREFETCHES["prerender"])

    # The prerendered page runs its scripts while nobody sees it; its requests say so.
    hidden = client.post(f"/inbox/{d.id}/opened", headers={"HX-Request": "true", "Sec-Purpose": "prefetch;prerender"})
    assert hidden.status_code == 204
    assert _opened(app, d.id) == (None, None)

    shown = client.post(f"/inbox/{d.id}/opened", headers={"HX-Request": "true", "Sec-Fetch-Dest": "empty"})

    assert shown.status_code == 204
    opened_at, opened_by = _opened(app, d.id)
    assert opened_at is not None
    with app.app_context():
        assert db.session.get(Distribution, d.id).first_opened_by.username == "clerk_no1_middle"
    page = client.get(f"/notices/{d.notice_id}", headers=NAVIGATION).get_data(as_text=True)
    assert "/opened" not in page  # recorded: nothing left to send
    assert _opened(app, d.id) == (opened_at, opened_by)


@pytest.mark.parametrize("headers", [NAVIGATION, {}], ids=["browser", "no fetch metadata"])
def test_following_a_link_to_the_notice_records_the_opening_at_once(headers, login, client, app):
    d = _seed_distribution(app)
    login("clerk_no1_middle")

    page = client.get(f"/notices/{d.notice_id}", headers=headers).get_data(as_text=True)

    assert _opened(app, d.id)[0] is not None
    assert "/opened" not in page  # works without JavaScript: nothing more to send


@pytest.mark.parametrize("username", ["clerk_haibowan", "secretary"])
def test_nobody_outside_the_unit_records_its_opening(username, login, client, app):
    d = _seed_distribution(app)
    login(username)

    response = client.post(f"/inbox/{d.id}/opened", headers={"HX-Request": "true"})

    assert response.status_code == 404
    assert _opened(app, d.id) == (None, None)
