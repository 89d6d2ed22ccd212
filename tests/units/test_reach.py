"""The editor's reach panels: how many units the 主送 and 抄送 picks reach, and whom they miss that one expects."""

import re

import pytest
from sqlalchemy import func, select

from app.demo.scale import SCALE_GROUP, add_units
from app.extensions import db
from app.units.models import Unit, UnitGroup
from tests.helpers.accounts import DEMO_PASSWORD
from tests.helpers.queries import counting_queries

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

# The panel's words are checked in English, the language its messages are written in.
ENGLISH = {"Accept-Language": "en", "HX-Request": "true"}


def _group_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(UnitGroup.id).where(UnitGroup.name == name))


def _unit_ids(app, *codes: str) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Unit.id).where(Unit.code.in_(codes))))


def _schools_under(app, code: str) -> list[int]:
    with app.app_context():
        parent = select(Unit.id).where(Unit.code == code).scalar_subquery()
        return list(db.session.scalars(select(Unit.id).where(Unit.parent_id == parent, Unit.kind == "school")))


def _reach(client, **args):
    response = client.get("/units/reach", query_string=args, headers=ENGLISH)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    return html


def _count(html: str, label: str = "Addressees (主送)") -> int:
    match = re.search(re.escape(label) + r" reach (\d+) units?", html)
    assert match, html
    return int(match.group(1))


def test_district_bureaus_picked_reach_three_and_their_schools_are_named_as_not_reached(login, client, app):
    login("secretary")
    haibowan_schools = _schools_under(app, "haibowan")
    html = _reach(client, to="addressee", addressee_groups=_group_id(app, "各区教育局"))
    assert _count(html) == 3
    assert "海勃湾区教育局" in html and "乌达区教育局" in html and "海南区教育局" in html
    assert (
        f"Not reached: {len(haibowan_schools)} units under 海勃湾区教育局 (School). "
        "A district bureau forwards (转发) notices to its schools." in html
    )
    # The district's schools picked too: they are reached, and the hint about them goes.
    html = _reach(
        client, to="addressee", addressee_groups=_group_id(app, "各区教育局"), addressee_units=haibowan_schools
    )
    assert _count(html) == 3 + len(haibowan_schools)
    assert "under 海勃湾区教育局" not in html and "under 乌达区教育局" in html


def test_the_list_groups_schools_by_district_and_counts_a_unit_picked_twice_once(login, client, app):
    login("secretary")
    direct = _group_id(app, "直属各学校（单位）")
    alone = _count(_reach(client, addressee_groups=direct))
    no3, no1 = _unit_ids(app, "no3_middle"), _unit_ids(app, "no1_middle")  # under 海勃湾区; directly under the city
    html = _reach(client, addressee_groups=direct, addressee_units=no1 + no3)
    assert _count(html) == alone + 1
    assert re.search(r"reach-district\">海勃湾区</span> School \(1\)</strong>\s*<span>乌海市第三中学</span>", html)


def test_copies_have_their_own_count_and_organs_outside_go_on_paper(login, client, app):
    login("secretary")
    html = _reach(
        client,
        to="cc",
        cc_units=_unit_ids(app, "no1_middle"),
        cc_others="乌海市人民政府办公室",
        addressee_groups=_group_id(app, "各区教育局"),  # the 主送 picks are the other panel's
    )
    assert _count(html, "Copies (抄送)") == 1 and "乌海市第一中学" in html
    assert "On paper, outside this system: 乌海市人民政府办公室" in html
    assert "Addressees (主送)" not in html and "海勃湾区教育局" not in html


def test_the_editor_asks_for_both_panels_and_their_answers_do_not_ask_again(login, client, app):
    login("secretary")
    editor = client.get("/notices/new").get_data(as_text=True)
    for to in ("addressee", "cc"):
        panel = re.search(rf'<div id="reach-{to}"[^>]*>', editor).group(0)
        assert f'hx-get="/units/reach?to={to}"' in panel and ", load" in panel
        assert 'hx-include="closest fieldset"' in panel
    answer = _reach(client, to="addressee")
    assert 'id="reach-addressee"' in answer and "load" not in re.search(r"<div[^>]*>", answer).group(0)
    assert _count(answer) == 0


def test_the_panel_is_for_the_bureau_only(login, client, app):
    assert client.get("/units/reach").status_code == 302  # to the login page
    expired = client.get("/units/reach", headers={"HX-Request": "true"})
    assert expired.status_code == 401 and "/login" in expired.headers["HX-Redirect"]
    login("clerk_no3_middle")
    assert client.get("/units/reach", headers={"HX-Request": "true"}).status_code == 403


def test_ids_no_unit_can_have_are_no_picks(login, client, app):
    login("secretary")
    html = _reach(client, addressee_units=["x", "99999999999999999999", "-1"], addressee_groups="0")
    assert _count(html) == 0


def _queries_for(app, client, **args) -> tuple[int, int]:
    with counting_queries(app) as statements:
        html = _reach(client, **args)
    return _count(html), len(statements)


@pytest.mark.slow
def test_query_count_does_not_grow_with_the_units(login, client, app):
    with app.app_context():
        add_units(3, DEMO_PASSWORD)
        db.session.commit()
    login("secretary")
    picks = dict(
        addressee_groups=[_group_id(app, SCALE_GROUP), _group_id(app, "各区教育局")],
        addressee_units=_unit_ids(app, "no1_middle", "no3_middle"),
    )
    reached_small, small = _queries_for(app, client, **picks)
    with app.app_context():
        add_units(297, DEMO_PASSWORD)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Unit)) > 300
    reached_large, large = _queries_for(app, client, **picks)
    assert (reached_small, reached_large) == (3 + 5, 300 + 5)
    assert large == small, f"queries: {small} with 3 scale units, {large} with 300"
