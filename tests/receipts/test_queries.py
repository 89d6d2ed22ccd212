"""The inbox and the bureau's receipt view run as many SQL queries for 300 units and 1 000 notices as for 3 and 2."""

import re

import pytest
from sqlalchemy import select

from app.demo.scale import add_notices, add_units
from app.extensions import db
from app.notices.models import Notice
from tests.helpers.accounts import DEMO_PASSWORD
from tests.helpers.queries import counting_queries


def _queries_of(app, client, login, path) -> int:
    with counting_queries(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


def _measure(app, client, login):
    with app.app_context():
        notice_id = db.session.scalar(
            select(Notice.id).where(Notice.title.like("关于测试通知%")).order_by(Notice.id.desc()).limit(1)
        )
    login("clerk_scale_0001")
    inbox = _queries_of(app, client, login, "/inbox")
    client.get(f"/notices/{notice_id}")  # opens it (a write), so the next reads are plain reads
    inbox_again = _queries_of(app, client, login, "/inbox?page=2")
    login("secretary")
    overview = _queries_of(app, client, login, f"/notices/{notice_id}/receipts")
    fragment = _queries_of(app, client, login, f"/notices/{notice_id}/receipts?pending=1")
    page = client.get(f"/notices/{notice_id}/receipts").get_data(as_text=True)
    sent = int(re.search(r'id="count-sent">(\d+)<', page).group(1))
    return (inbox, inbox_again, overview, fragment), sent


@pytest.mark.slow
def test_query_counts_do_not_grow_with_units_or_notices(login, client, app):
    with app.app_context():
        add_units(3, DEMO_PASSWORD)
        add_notices(2)
        db.session.commit()
    small, sent_small = _measure(app, client, login)
    with app.app_context():
        add_units(297, DEMO_PASSWORD)
        add_notices(1000)
        db.session.commit()
    large, sent_large = _measure(app, client, login)
    assert (sent_small, sent_large) == (3, 300)
    assert large == small, f"queries for (inbox, inbox page 2, receipt view, pending view): {small} → {large}"
    assert max(large) <= 10, large


def test_the_inbox_and_the_notice_list_read_only_what_they_show(login, client, app):
    """A clerk's inbox: the user, the counts, one page, the reminders; the notice list: the user, the filter's
    series and years, the count, one page. Neither fetches the notices' bodies (the list's count names every column
    in a subquery, which the databases count without reading them)."""
    with app.app_context():
        add_units(1, DEMO_PASSWORD)
        add_notices(3)
        db.session.commit()
    login("clerk_scale_0001")
    with counting_queries(app) as statements:
        page = client.get("/inbox")
    assert page.status_code == 200 and page.get_data(as_text=True).count('class="inbox-item') == 3
    queries = [s for s in statements if not s.startswith("BEGIN")]  # SQLite's own BEGIN is no query
    assert len(queries) <= 4, queries
    assert not [s for s in queries if "notices.body" in s and not s.startswith("SELECT count(*)")]

    login("secretary")
    with counting_queries(app) as statements:
        page = client.get("/notices")
    assert page.status_code == 200 and page.get_data(as_text=True).count("关于测试通知") == 3
    queries = [s for s in statements if not s.startswith("BEGIN")]
    assert len(queries) <= 5, queries
    assert not [s for s in queries if "notices.body" in s and not s.startswith("SELECT count(*)")]
