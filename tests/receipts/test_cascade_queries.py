"""The city's receipt view runs as many SQL queries for 30 district bureaus with 100 schools each as for 3 with 10:
the cascade is one query for the district bureaus and their forwarding notices, one grouped count over those
notices' distributions."""

import re

import pytest
from sqlalchemy import insert, select

from app.auth.models import User
from app.core.time import utcnow
from app.extensions import db
from app.notices.models import DocumentSeries, Notice, NoticeStatus
from app.receipts.models import Distribution
from app.units.models import Organ, Unit
from app.units.organs import top_organ
from tests.helpers.queries import counting_queries


def _ids(model, rows) -> list[int]:
    return list(db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows))


def _cascade(tag: str, districts: int, schools: int) -> int:
    """A city notice sent to `districts` new district bureaus (organs answering to the city) with `schools` schools
    each, inserted in a few statements. District i: acknowledged unless i % 3 == 2; its forwarding notice issued
    (i % 3 == 0, to all its schools, every other one of which has acknowledged it), a draft (i % 3 == 1) or none.
    In an app context; returns the city notice's id."""
    now = utcnow()
    city = top_organ().unit_id
    author = db.session.scalar(select(User.id).where(User.username == "secretary"))
    district_ids = _ids(
        Unit,
        [
            {
                "code": f"cascade_{tag}_{i}",
                "name": f"测试{tag}区{i}教育局",
                "kind": "district_bureau",
                "sort_order": 500 + i,
            }
            for i in range(districts)
        ],
    )
    db.session.execute(insert(Organ), [{"unit_id": d, "superior_id": city, "name_mn": ""} for d in district_ids])
    school_ids = {
        d: _ids(
            Unit,
            [
                {"code": f"cascade_{tag}_{i}_{j}", "name": f"测试{tag}区{i}第{j}小学", "kind": "school", "parent_id": d}
                for j in range(schools)
            ],
        )
        for i, d in enumerate(district_ids)
    }
    series_ids = _ids(
        DocumentSeries,
        [
            {"organ_code": f"测{tag}{i}教发", "name": "发文", "unit_id": d, "header_mark": "教育局文件"}
            for i, d in enumerate(district_ids)
        ],
    )
    city_series = db.session.scalar(select(DocumentSeries.id).where(DocumentSeries.organ_code == "乌教发"))
    common = {"author_id": author, "body": "正文。", "addressee_text": "各区教育局："}
    (notice_id,) = _ids(
        Notice,
        [
            {
                **common,
                "series_id": city_series,
                "organ_id": city,
                "year": now.year,
                "serial": 9000 + districts,
                "title": f"关于级联测试{tag}的通知",
                "status": NoticeStatus.issued.value,
                "issued_at": now,
            }
        ],
    )
    db.session.execute(
        insert(Distribution),
        [
            {
                "notice_id": notice_id,
                "unit_id": d,
                "role": "to",
                "delivered_at": now,
                "acknowledged_at": now if i % 3 != 2 else None,
            }
            for i, d in enumerate(district_ids)
        ],
    )
    forwarding = [(i, d) for i, d in enumerate(district_ids) if i % 3 != 2]
    forward_ids = _ids(
        Notice,
        [
            {
                **common,
                "series_id": series_ids[i],
                "organ_id": d,
                "forwards_id": notice_id,
                "title": f"转发测试{tag}{i}",
                **(
                    {"status": NoticeStatus.issued.value, "year": now.year, "serial": 1, "issued_at": now}
                    if i % 3 == 0
                    else {"status": NoticeStatus.draft.value}
                ),
            }
            for i, d in forwarding
        ],
    )
    db.session.execute(
        insert(Distribution),
        [
            {
                "notice_id": forward_id,
                "unit_id": school,
                "role": "to",
                "delivered_at": now,
                "acknowledged_at": now if j % 2 == 0 else None,
            }
            for (i, d), forward_id in zip(forwarding, forward_ids, strict=True)
            if i % 3 == 0
            for j, school in enumerate(school_ids[d])
        ],
    )
    db.session.commit()
    return notice_id


HTMX = {"HX-Request": "true"}


def _queries(app, client, path, headers=None) -> tuple[int, str]:
    with counting_queries(app) as statements:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return len([s for s in statements if not s.startswith("BEGIN")]), response.get_data(as_text=True)


def _measure(app, client, notice_id: int) -> tuple[tuple[int, int, int], str]:
    """Queries of the receipt view, of its refresh (htmx) and of one forwarded district's schools; and the view."""
    with app.app_context():
        first = db.session.scalar(
            select(Notice.organ_id)
            .where(Notice.forwards_id == notice_id, Notice.status == NoticeStatus.issued.value)
            .order_by(Notice.id)
            .limit(1)
        )
    page_queries, page = _queries(app, client, f"/notices/{notice_id}/receipts")
    refresh_queries, refresh = _queries(app, client, f"/notices/{notice_id}/receipts", HTMX)
    assert "<html" not in refresh and 'id="cascade"' in refresh
    district_queries, _html = _queries(app, client, f"/notices/{notice_id}/receipts/districts/{first}", HTMX)
    return (page_queries, refresh_queries, district_queries), page


@pytest.mark.slow
def test_the_cascade_costs_the_same_queries_for_30_districts_of_100_schools_as_for_3_of_10(login, client, app):
    with app.app_context():
        small_id = _cascade("s", 3, 10)
        large_id = _cascade("l", 30, 100)
    login("secretary")
    small, small_page = _measure(app, client, small_id)
    large, large_page = _measure(app, client, large_id)

    def lines(page):
        return re.findall(r'<tbody id="district-\d+" class="district (district-\w+)">', page)

    def counts(page):
        return re.findall(r'<strong class="acknowledged">(\d+)</strong> / <span class="sent">(\d+)</span>', page)

    assert lines(small_page) == ["district-forwarded", "district-forwarding", "district-not_forwarded"]
    assert len(lines(large_page)) == 30 and lines(large_page).count("district-forwarded") == 10
    assert counts(small_page) == [("5", "10")]
    assert counts(large_page) == [("50", "100")] * 10
    assert large == small, f"queries of (receipt view, its refresh, a district's schools): {small} → {large}"
