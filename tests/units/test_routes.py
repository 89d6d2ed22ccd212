"""Units and groups: admin pages, inline editing, Mongolian names, a clerk's view."""

from sqlalchemy import select

from app.extensions import db
from app.units.models import Unit, UnitGroup
from tests.helpers.text import MONGOLIAN


def _unit(app, code):
    with app.app_context():
        return db.session.scalar(select(Unit).where(Unit.code == code))


def _unit_form(unit, **changes):
    data = {
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name or "",
        "name_mn": unit.name_mn or "",
        "kind": unit.kind,
        "school_level": unit.school_level or "",
        "parent_id": unit.parent_id or 0,
        "email": unit.email or "",
        "sort_order": unit.sort_order,
        "is_active": "y",
    }
    data.update(changes)
    return data


def test_mongolian_name_round_trips_through_the_admin_form_unchanged(login, client, app):
    login("admin")
    unit = _unit(app, "no3_middle")
    response = client.post(f"/admin/units/{unit.id}/edit", data=_unit_form(unit, name_mn=MONGOLIAN))
    assert response.status_code == 303
    stored = _unit(app, "no3_middle").name_mn
    assert stored == MONGOLIAN
    for char in "\u180b\u180c\u180d\u180e\u180f\u202f":
        assert char in stored
    # Shown exactly as stored, in the edit form and on the unit page.
    assert MONGOLIAN in client.get(f"/admin/units/{unit.id}/edit").get_data(as_text=True)
    page = client.get(f"/units/{unit.id}").get_data(as_text=True)
    assert MONGOLIAN in page and 'lang="mn-Mong"' in page


def test_mongolian_name_keeps_leading_and_trailing_narrow_spaces(login, client, app):
    login("admin")
    unit = _unit(app, "no4_middle")
    value = "\u202fᠰᠤᠷᠭᠠᠭᠤᠯᠢ\u202f"
    client.post(f"/admin/units/{unit.id}/edit", data=_unit_form(unit, name_mn=value))
    assert _unit(app, "no4_middle").name_mn == value


def test_inline_edit_swaps_the_row_in_place(login, client, app):
    login("admin")
    unit = _unit(app, "no5_middle")
    form = client.get(f"/admin/units/{unit.id}/edit", headers={"HX-Request": "true"})
    html = form.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith("<tr") and "editing" in html
    response = client.post(
        f"/admin/units/{unit.id}/edit", headers={"HX-Request": "true"}, data=_unit_form(unit, short_name="五中（新）")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and "五中（新）" in html
    assert "editing" not in html
    assert _unit(app, "no5_middle").short_name == "五中（新）"


def test_inline_edit_error_keeps_the_typed_values_in_the_row(login, client, app):
    login("admin")
    unit = _unit(app, "no5_middle")
    response = client.post(
        f"/admin/units/{unit.id}/edit",
        headers={"HX-Request": "true"},
        data=_unit_form(unit, code="no3_middle", name="改名后的学校"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" not in html and 'value="改名后的学校"' in html
    assert _unit(app, "no5_middle").name == "乌海市第五中学"  # nothing saved


def test_plain_form_creates_a_unit_and_refuses_a_forbidden_character(login, client, app):
    login("admin")
    bureau = _unit(app, "bureau")
    response = client.post(
        "/admin/units/new",
        data={
            "code": "no30_middle",
            "name": "乌海市第三十中学\x07",
            "kind": "school",
            "parent_id": bureau.id,
            "sort_order": 5,
            "is_active": "y",
        },
    )
    assert response.status_code == 422
    assert "U+0007" in response.get_data(as_text=True)
    assert _unit(app, "no30_middle") is None
    response = client.post(
        "/admin/units/new",
        data={
            "code": "no30_middle",
            "name": "乌海市第三十中学",
            "kind": "school",
            "parent_id": bureau.id,
            "sort_order": 5,
            "is_active": "y",
        },
    )
    assert response.status_code == 303
    assert _unit(app, "no30_middle").parent_id == bureau.id


def test_a_unit_cannot_be_put_under_its_own_school(login, client, app):
    login("admin")
    district = _unit(app, "haibowan")
    school = _unit(app, "no3_middle")
    response = client.post(f"/admin/units/{district.id}/edit", data=_unit_form(district, parent_id=school.id))
    assert response.status_code == 422
    assert _unit(app, "haibowan").parent_id is None


def test_a_clerk_sees_its_own_unit_and_not_another(login, client, app):
    login("clerk_no3_middle")
    own, other = _unit(app, "no3_middle"), _unit(app, "no4_middle")
    assert client.get(f"/units/{own.id}").status_code == 200
    assert client.get(f"/units/{other.id}").status_code == 404
    assert client.get("/units/mine").headers["Location"].endswith(f"/units/{own.id}")


def test_a_clerk_lands_on_its_own_units_to_do_not_on_the_bureaus(login, client):
    login("clerk_no3_middle")
    page = client.get("/").get_data(as_text=True)
    assert 'id="todo-receipts-reminders"' in page  # the demo's 82号, reminded
    assert 'id="todo-notices-review"' not in page and 'id="todo-notices-issue"' not in page


def test_rule_based_group_reaches_new_units_by_itself(login, client, app):
    login("admin")
    bureau = _unit(app, "bureau")
    client.post(
        "/admin/units/new",
        data={
            "code": "no31_middle",
            "name": "乌海市第三十一中学",
            "kind": "school",
            "parent_id": bureau.id,
            "is_active": "y",
        },
    )
    with app.app_context():
        group = db.session.scalar(select(UnitGroup).where(UnitGroup.name == "直属各学校（单位）"))
        names = [u.name for u in group.resolve_units()]
    assert "乌海市第三十一中学" in names
    assert "乌海市第三中学" not in names  # run by a district, not directly


def test_group_admin_creates_an_explicit_group_and_shows_its_units(login, client, app):
    login("admin")
    a, b = _unit(app, "no1_middle"), _unit(app, "no6_middle")
    response = client.post("/admin/groups/new", data={"name": "市属高中", "unit_ids": [a.id, b.id], "sort_order": 40})
    assert response.status_code == 303
    with app.app_context():
        group = db.session.scalar(select(UnitGroup).where(UnitGroup.name == "市属高中"))
        group_id = group.id
    fragment = client.get(f"/admin/groups/{group_id}/units", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "市一中" in fragment and "市六中" in fragment


def test_group_must_be_a_rule_or_a_list(login, client, app):
    login("admin")
    response = client.post("/admin/groups/new", data={"name": "空组"})
    assert response.status_code == 422
    assert 'value="空组"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(UnitGroup).where(UnitGroup.name == "空组")) is None


def test_inline_edit_of_a_group_keeps_its_rule(login, client, app):
    login("admin")
    with app.app_context():
        group = db.session.scalar(select(UnitGroup).where(UnitGroup.name == "直属各学校（单位）"))
        group_id, kinds, parent_id = group.id, list(group.rule_kinds), group.rule_parent_id
    form = client.get(f"/admin/groups/{group_id}/edit", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert form.lstrip().startswith("<tr") and 'name="rule_kinds"' in form
    # Post back what the inline row sends: the new name and order, the rule in hidden fields.
    hidden_kinds = [v for v in __import__("re").findall(r'name="rule_kinds" value="([^"]+)"', form)]
    response = client.post(
        f"/admin/groups/{group_id}/edit",
        headers={"HX-Request": "true"},
        data={
            "name": "直属各学校（单位）",
            "name_mn": "",
            "sort_order": 25,
            "rule_kinds": hidden_kinds,
            "rule_parent_id": parent_id,
            "note": "",
        },
    )
    assert response.status_code == 200 and response.get_data(as_text=True).lstrip().startswith("<tr")
    with app.app_context():
        group = db.session.get(UnitGroup, group_id)
        assert group.sort_order == 25 and group.rule_kinds == kinds and group.rule_parent_id == parent_id
