"""配合单位 picked by group or by name: the filter finds 三中, a group's button adds its units, and the task's form
keeps what was picked when it is refused (with htmx, and as a plain form without JavaScript)."""

import re

from sqlalchemy import select

from app.extensions import db
from app.tasks.models import Task
from app.units.models import Unit
from tests.helpers.notices import group_ids
from tests.helpers.tasks import notice_id, task_id, unit_id

HX = {"HX-Request": "true"}
HAIBOWAN_AND_ITS_SCHOOLS = [
    "海勃湾区教育局",
    "乌海市第三中学",
    "乌海市第四中学",
    "乌海市第十八中学",
    "乌海市第十九中学",
    "乌海市海勃湾区第一小学",
    "乌海市海勃湾区第二小学",
]


def _picked(html: str) -> list[str]:
    """The names of the units shown as picked, in their order (each a ticked box)."""
    part = re.search(r'<div class="picked" id="picked-units".*?</div>', html, re.S).group(0)
    return re.findall(r'name="cooperating_unit_ids" value="\d+" checked[^>]*>\s*([^<]+?)\s*</label>', part)


def _matches(html: str) -> list[str]:
    """The names the filter box found (boxes not ticked), in their order."""
    found = re.search(r'<ul class="checks matches" id="unit-matches">.*?</ul>', html, re.S)
    if not found:
        return []
    return re.findall(r'name="cooperating_unit_ids" value="\d+"\s[^>]*>\s*([^<]+?)\s*</label>', found.group(0))


def _shortcuts(html: str) -> dict[str, str]:
    """Each group's button: its key and what it says (name and number of units)."""
    return {
        key: " ".join(label.split())
        for key, label in re.findall(r'data-shortcut="([^"]+)"[^>]*>\+ ([^<]+)</button>', html, re.S)
    }


def _picker(client, **params):
    response = client.get("/tasks/unit-picker", query_string=params, headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # A fragment that swaps itself.
    assert html.lstrip().startswith('<fieldset class="unit-picker field" id="unit-picker">') and "<html" not in html
    return html


def test_filtering_by_name_finds_三中_and_ticking_it_picks_it(login, client, app):
    login("staff")
    found = _picker(client, unit_filter="三中")
    assert _matches(found) == ["乌海市第三中学"] and _picked(found) == []
    assert f'value="{unit_id(app, "no3_middle")}"' in found
    ticked = _picker(client, unit_filter="三中", cooperating_unit_ids=unit_id(app, "no3_middle"))
    assert _picked(ticked) == ["乌海市第三中学"]
    assert _matches(ticked) == [] and "三中" in re.search(r'id="unit-matches">(.*?)</ul>', ticked, re.S).group(1)
    # By the short name too (市教研室), and never the bureau itself, which does not cooperate on its own tasks.
    assert _matches(_picker(client, unit_filter="教研室")) == ["乌海市教育教学研究室"]
    bureaus = _matches(_picker(client, unit_filter="教育局"))
    assert "海勃湾区教育局" in bureaus and "乌海市教育局办公室" in bureaus and "乌海市教育局" not in bureaus
    # Opened without htmx, the picker is a page of its own.
    assert "<html" in client.get("/tasks/unit-picker?unit_filter=三中").get_data(as_text=True)


def test_a_whole_group_is_added_at_once_beside_what_was_ticked(login, client, app):
    (districts,) = group_ids(app, ["各区教育局"])
    haibowan = f"district-{unit_id(app, 'haibowan')}"
    login("staff")
    html = _picker(client)
    shortcuts = _shortcuts(html)
    assert shortcuts[f"group-{districts}"] == "各区教育局 (3)"
    assert shortcuts[haibowan].startswith("海勃湾区") and shortcuts[haibowan].endswith("(7)")

    picked = _picker(client, pick_group=f"group-{districts}", cooperating_unit_ids=unit_id(app, "no3_middle"))
    assert _picked(picked) == ["海勃湾区教育局", "乌达区教育局", "海南区教育局", "乌海市第三中学"]
    assert 'data-count="4"' in picked
    assert _picked(_picker(client, pick_group=haibowan)) == HAIBOWAN_AND_ITS_SCHOOLS

    # A unit no longer active is neither counted nor added.
    with app.app_context():
        db.session.scalar(select(Unit).where(Unit.code == "no19_middle")).is_active = False
        db.session.commit()
    html = _picker(client, pick_group=haibowan)
    assert _picked(html) == [n for n in HAIBOWAN_AND_ITS_SCHOOLS if n != "乌海市第十九中学"]
    assert _shortcuts(html)[haibowan].endswith("(6)")


def _task_form(app, **changes):
    data = {
        "code": "12",
        "title": "开展校园安全隐患排查",
        "description": "",
        "parent_id": 0,
        "lead_unit_id": unit_id(app, "safety"),
        "cooperating_unit_ids": [unit_id(app, "no3_middle"), unit_id(app, "wuda")],
        "due_on": "2024-06-30",
        "sort_order": 12,
        "milestones-0-id": "",
        "milestones-0-title": "",
        "milestones-0-due_on": "",
    }
    data.update(changes)
    return data


def test_the_task_form_keeps_the_picks_when_refused_and_saves_them_when_put_right(login, client, app):
    nid = notice_id(app)
    (districts,) = group_ids(app, ["各区教育局"])
    login("staff")
    refused = client.post(f"/notices/{nid}/tasks/new", data=_task_form(app, title=""))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and _picked(html) == ["乌达区教育局", "乌海市第三中学"]
    assert task_id(app, "12") is None

    # Without JavaScript a group's button posts the whole form: it comes back with the group added, nothing saved.
    pressed = client.post(
        f"/notices/{nid}/tasks/new", data=_task_form(app, title="开展校园安全隐患排查", pick_group=f"group-{districts}")
    )
    html = pressed.get_data(as_text=True)
    assert pressed.status_code == 200 and task_id(app, "12") is None
    assert _picked(html) == ["海勃湾区教育局", "乌达区教育局", "海南区教育局", "乌海市第三中学"]
    assert re.search(r'name="title"[^>]*>\s*开展校园安全隐患排查</textarea>', html)  # what was typed, kept
    found = client.post(f"/notices/{nid}/tasks/new", data=_task_form(app, find_units="1", unit_filter="十八中"))
    assert found.status_code == 200 and _matches(found.get_data(as_text=True)) == ["乌海市第十八中学"]
    assert task_id(app, "12") is None

    picks = [unit_id(app, code) for code in ("haibowan", "wuda", "hainan", "no3_middle")]
    saved = client.post(f"/notices/{nid}/tasks/new", data=_task_form(app, cooperating_unit_ids=picks))
    assert saved.status_code == 303
    with app.app_context():
        task = db.session.get(Task, task_id(app, "12"))
        assert sorted(u.code for u in task.cooperating_units) == ["haibowan", "hainan", "no3_middle", "wuda"]
    # Changing it later, the picker starts from the task's own units.
    edit = client.get(f"/tasks/{task_id(app, '12')}/edit").get_data(as_text=True)
    assert _picked(edit) == ["海勃湾区教育局", "乌达区教育局", "海南区教育局", "乌海市第三中学"]


def test_only_those_who_make_tasks_use_the_picker(login, client, app):
    login("clerk_no1_middle")
    assert client.get("/tasks/unit-picker", headers=HX).status_code == 403
    login("reviewer")
    assert client.get("/tasks/unit-picker", headers=HX).status_code == 403
    login("secretary")
    assert client.get("/tasks/unit-picker", headers=HX).status_code == 200
