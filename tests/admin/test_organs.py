"""Each organ's admin keeps its organ's header, accounts, units and groups; the city's admin keeps the site."""

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.units.models import Organ, Unit, UnitGroup
from tests.helpers.organs import district_organ

# 海南区教育局 as a reader of Mongolian would type it: U+202F before the suffixes, U+180E before the final a, and a
# free variation selector (U+180B) kept where it was typed.
NAME_MN = "ᠬᠠᠢᠨᠠᠨ ᠲᠣᠭᠣᠷᠢᠭ\u202fᠤᠨ ᠰᠤᠷᠭᠠᠨ ᠬᠦᠮᠦᠵᠢᠯ\u202fᠦᠨ ᠲᠣᠪᠴᠢᠶ\u180eᠠ\u180b"


@pytest.fixture
def hainan(demo):
    with demo.app_context():
        return district_organ("hainan")


def test_a_districts_admin_confirms_its_own_mongolian_name_exactly(demo, hainan, client, login):
    login("admin_hainan")
    page = client.get(f"/admin/organs/{hainan.unit_id}")
    assert page.status_code == 200 and "海南区教育局" in page.get_data(as_text=True)
    saved = client.post(
        f"/admin/organs/{hainan.unit_id}",
        data={"name_mn": NAME_MN, "name_mn_confirmed": "y", "header_order": "zh_first", "signature_name": ""},
    )
    assert saved.status_code == 303
    with demo.app_context():
        organ = db.session.get(Organ, hainan.unit_id)
        assert organ.name_mn == NAME_MN and organ.name_mn_confirmed
    # The city's organ page is not theirs, nor the site's settings, nor the list of organs to add to.
    with demo.app_context():
        city = db.session.scalar(select(Organ).where(Organ.superior_id.is_(None)))
    assert client.get(f"/admin/organs/{city.unit_id}").status_code == 404
    assert client.get("/admin/settings").status_code == 403
    assert client.get("/admin/organs").headers["Location"].endswith(f"/admin/organs/{hainan.unit_id}")


def test_a_form_error_keeps_the_mongolian_name_typed(demo, hainan, client, login):
    with demo.app_context():
        before = db.session.get(Organ, hainan.unit_id).name_mn
    assert before != NAME_MN
    login("admin_hainan")
    page = client.post(f"/admin/organs/{hainan.unit_id}", data={"name_mn": NAME_MN, "header_order": "sideways"})
    assert page.status_code == 422 and NAME_MN in page.get_data(as_text=True)
    with demo.app_context():
        assert db.session.get(Organ, hainan.unit_id).name_mn == before


def test_a_districts_admin_keeps_only_its_own_accounts_units_and_groups(demo, hainan, client, login):
    login("admin_hainan")
    accounts = client.get("/admin/users").get_data(as_text=True)
    assert "secretary_hainan" in accounts and "clerk_no5_middle" in accounts
    assert ">secretary<" not in accounts and "clerk_no3_middle" not in accounts
    with demo.app_context():
        city_secretary = db.session.scalar(select(User.id).where(User.username == "secretary"))
        city_school = db.session.scalar(select(Unit.id).where(Unit.code == "no1_middle"))
        city_group = db.session.scalar(select(UnitGroup.id).where(UnitGroup.name == "各区教育局"))
    assert client.get(f"/admin/users/{city_secretary}/edit").status_code == 404
    assert client.post(f"/admin/users/{city_secretary}/edit", data={"username": "x"}).status_code == 404
    assert client.get(f"/admin/units/{city_school}/edit").status_code == 404
    assert client.get(f"/admin/groups/{city_group}/edit").status_code == 404
    units = client.get("/admin/units").get_data(as_text=True)
    assert "乌海市第五中学" in units and "乌海市第一中学" not in units
    groups = client.get("/admin/groups").get_data(as_text=True)
    assert "海南区各学校" in groups and "各区教育局" not in groups

    # An account it makes can only be in one of its own units.
    refused = client.post(
        "/admin/users/new",
        data={
            "username": "intruder",
            "display_name": "X",
            "unit_id": city_school,
            "roles": ["admin"],
            "password": "a-long-enough-pass-123",
            "is_active": "y",
        },
    )
    assert refused.status_code == 422
    with demo.app_context():
        assert db.session.scalar(select(User.id).where(User.username == "intruder")) is None


def test_a_group_made_by_a_districts_admin_is_its_organs(demo, hainan, client, login):
    login("admin_hainan")
    with demo.app_context():
        school = db.session.scalar(select(Unit.id).where(Unit.code == "no5_middle"))
    response = client.post("/admin/groups/new", data={"name": "海南区初中", "unit_ids": [school], "sort_order": 5})
    assert response.status_code == 303, response.get_data(as_text=True)[:1500]
    with demo.app_context():
        group = db.session.scalar(select(UnitGroup).where(UnitGroup.name == "海南区初中"))
        assert group.organ_id == hainan.unit_id
    login("secretary")
    assert "海南区初中" not in client.get("/notices/new").get_data(as_text=True)
    login("secretary_hainan")
    assert "海南区初中" in client.get("/notices/new").get_data(as_text=True)


def test_the_citys_admin_makes_a_unit_an_organ(demo, client, login):
    """Later any unit that issues: the city's 教研室 (a directly governed unit) gets an organ of its own."""
    login("admin")
    with demo.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == "teaching_research"))
        unit_id, name = unit.id, unit.name
        city = db.session.scalar(select(Organ.unit_id).where(Organ.superior_id.is_(None)))
    response = client.post("/admin/organs", data={"unit_id": unit_id, "superior_id": city})
    assert response.status_code == 303
    assert name in client.get("/admin/organs").get_data(as_text=True)
    with demo.app_context():
        assert db.session.get(Organ, unit_id).superior_id == city
    again = client.post("/admin/organs", data={"unit_id": unit_id, "superior_id": city})
    assert again.status_code == 422  # no longer offered: an organ already


def test_a_new_organ_makes_a_series_of_its_own(demo, client, login):
    """An organ the city's admin makes has no series until its admin adds one on the series page."""
    login("admin")
    with demo.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == "teaching_research"))
        city = db.session.scalar(select(Organ.unit_id).where(Organ.superior_id.is_(None)))
        unit_id = unit.id
        db.session.add(User(username="admin_tr", display_name="教研室管理员", unit_id=unit_id, password_hash="x"))
        db.session.commit()
        db.session.scalar(select(User).where(User.username == "admin_tr")).set_roles(["admin"])
        db.session.commit()
    assert client.post("/admin/organs", data={"unit_id": unit_id, "superior_id": city}).status_code == 303
    login("admin_tr")
    made = client.post(
        "/admin/series/new",
        data={"organ_code": "乌教研发", "name": "教研室发文", "header_mark": "乌海市教育教学研究室文件"},
    )
    assert made.status_code == 303
    page = client.get("/admin/series").get_data(as_text=True)
    assert "乌教研发" in page and "乌教发〔" not in page  # its own series only
    taken = client.post("/admin/series/new", data={"organ_code": "乌教发", "name": "x", "header_mark": "y"})
    assert taken.status_code == 422 and "乌教发" in taken.get_data(as_text=True)
    from app.notices.models import DocumentSeries

    with demo.app_context():
        series = db.session.scalar(select(DocumentSeries).where(DocumentSeries.organ_code == "乌教研发"))
        assert series.unit_id == unit_id
        assert (
            db.session.scalar(select(db.func.count(DocumentSeries.id)).where(DocumentSeries.organ_code == "乌教发"))
            == 1
        )
