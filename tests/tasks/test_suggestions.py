"""Tasks suggested by a notice's headings (一、 （一） 1.), through the page the bureau uses: the seed notice's
headings with their codes and depth, its tasks marked as made, the measures ticked, the ticked ones made under the
heading above them, and bad input kept as typed with nothing made."""

import re
from html.parser import HTMLParser

from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import select

from app.core import time as clock
from app.extensions import db
from app.notices.models import Notice, NoticeDocument
from app.tasks.models import Task
from tests.helpers.tasks import notice_id, seed_notice, task_id, unit_id

# The seed's headings in its order: 三、推进举措 holds the seven actions (（一）…（七）, each coded under 三 since
# 五、工作要求 has its own （一）…（三）) and under them the eleven measures (1.…11.).
SEED_CODES = [
    "一",
    "二",
    "三",
    "三（一）",
    "1",
    "2",
    "3",
    "三（二）",
    "4",
    "三（三）",
    "5",
    "三（四）",
    "6",
    "7",
    "三（五）",
    "8",
    "三（六）",
    "9",
    "三（七）",
    "10",
    "11",
    "四",
    "五",
    "五（一）",
    "五（二）",
    "五（三）",
]
MEASURES = [str(n) for n in range(1, 12)]


class _Form(HTMLParser):
    """The fields of the page's post form as a browser would send them: ticked boxes only, the selected option."""

    def __init__(self):
        super().__init__()
        self.fields: list[list[str]] = []
        self._in_form = False
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post" and "headings-form" in (attrs.get("class") or ""):
            self._in_form = True
        if not self._in_form or "name" not in attrs and tag != "option":
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button", "search"):
            if attrs.get("type") != "checkbox" or "checked" in attrs:
                self.fields.append([attrs["name"], attrs.get("value") or ""])
        elif tag == "select":
            self._select = [attrs["name"], None]
            self.fields.append(self._select)
        elif tag == "option" and self._select is not None and (self._select[1] is None or "selected" in attrs):
            self._select[1] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None


def _form(html: str) -> dict[str, list[str]]:
    parser = _Form()
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value or "")
    return data


def _rows(html: str) -> list[dict]:
    """Each suggestion as the page shows it: key, code, depth, ticked (None when not offered), existing task id."""
    rows = []
    for attrs in re.findall(r'<tr id="suggestion-[^"]+"([^>]*)>', html):
        found = dict(re.findall(r'([a-z-]+)="([^"]*)"', attrs))
        rows.append(
            {
                "key": found["data-key"],
                "code": found["data-code"],
                "depth": int(found["class"].removeprefix("depth-")),
                "ticked": found.get("data-ticked"),
                "existing": int(found["data-existing"]) if "data-existing" in found else None,
            }
        )
    return rows


def _row_index(form: dict[str, list[str]], key: str) -> int:
    """The form row (rows-N-…) of the suggestion whose key is given."""
    return next(int(name.split("-")[1]) for name, values in form.items() if name.endswith("-key") and values == [key])


def _tick(form, rows, heading, **fields):
    """Tick the suggestion coded `heading` (in the form data), with changed fields (code, title, lead_unit_id)."""
    index = _row_index(form, next(r["key"] for r in rows if r["code"] == heading))
    form[f"rows-{index}-pick"] = ["y"]
    for name, value in fields.items():
        form[f"rows-{index}-{name}"] = [str(value)]
    return index


def _said(app, message: str, **params) -> str:
    """The message as the page says it (in Chinese, the test client's language), escaped as in the html."""
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        return str(escape(gettext(message, **params)))


def _copy_of_the_seed(app) -> int:
    """Another issued notice with the seed's text and no task yet (the id)."""
    with app.app_context():
        seed = seed_notice()
        copy = Notice(
            series_id=seed.series_id,
            year=2023,
            serial=975,
            title=seed.title,
            body=seed.body,
            author_id=seed.author_id,
            status="issued",
            issued_at=clock.utcnow(),
            documents=[NoticeDocument(position=0, title=d.title, body=d.body) for d in seed.documents],
        )
        db.session.add(copy)
        db.session.commit()
        return copy.id


def _tasks_of(app, nid) -> dict[str, dict]:
    with app.app_context():
        tasks = db.session.scalars(select(Task).where(Task.source_notice_id == nid)).all()
        return {
            t.code: {
                "id": t.id,
                "title": t.title,
                "description": t.description,
                "parent": t.parent.code if t.parent else None,
                "lead": t.lead_unit.code if t.lead_unit else None,
                "cooperating": sorted(u.code for u in t.cooperating_units),
                "assignments": {a.unit.code: a.role for a in t.assignments},
                "due": t.due_on.isoformat() if t.due_on else None,
            }
            for t in tasks
        }


def test_the_seed_notices_headings_are_suggested_with_their_codes_and_depth_and_its_tasks_marked(login, client, app):
    login("staff")
    tree = client.get(f"/notices/{notice_id(app)}/tasks").get_data(as_text=True)
    assert f"/notices/{notice_id(app)}/tasks/from-headings" in tree  # the way to it from the notice's tasks
    page = client.get(f"/notices/{notice_id(app)}/tasks/from-headings").get_data(as_text=True)
    rows = _rows(page)
    assert [r["code"] for r in rows] == SEED_CODES
    depth = {r["code"]: r["depth"] for r in rows}
    assert (depth["一"], depth["三（一）"], depth["1"], depth["11"], depth["五（三）"]) == (0, 1, 2, 2, 1)
    # The eleven measures are tasks of the notice already: marked, linked, not offered again.
    existing = {r["code"]: r["existing"] for r in rows if r["existing"] is not None}
    assert existing == {code: task_id(app, code) for code in MEASURES}
    one = re.search(r'<tr id="suggestion-[^"]+" [^>]*data-code="1"\s.*?</tr>', page, re.S).group(0)
    assert f'href="/tasks/{task_id(app, "1")}"' in one and "<input" not in one
    # The others are offered, with the heading's words as the title (no number, no closing stop).
    assert all(r["ticked"] == "0" for r in rows if r["existing"] is None)  # their measures exist: none ticked
    form = _form(page)
    titles = {form[f"rows-{i}-code"][0]: form[f"rows-{i}-title"][0] for i in range(len(SEED_CODES) - len(MEASURES))}
    assert titles["一"] == "指导思想" and titles["三（五）"] == "强化融合发展，实施结对共建行动"
    assert titles["五（二）"] == "加强督促检查"
    assert re.search(r"<td class=\"title\">发挥中小学校党组织领导作用\s*<span", one)


def test_on_a_notice_without_tasks_the_measures_are_ticked_and_made_under_the_heading_ticked_above(login, client, app):
    nid = _copy_of_the_seed(app)
    login("staff")
    page = client.get(f"/notices/{nid}/tasks/from-headings").get_data(as_text=True)
    rows = _rows(page)
    assert [r["code"] for r in rows] == SEED_CODES and all(r["existing"] is None for r in rows)
    # Ticked at first: the headings without sub-headings of the section with most of them, 三's measures.
    assert [r["code"] for r in rows if r["ticked"] == "1"] == MEASURES

    form = _form(page)
    eight = _row_index(form, next(r["key"] for r in rows if r["code"] == "8"))
    form[f"rows-{eight}-title"] = ["深化高中与初中学校点对点共建"]
    form[f"rows-{eight}-lead_unit_id"] = [str(unit_id(app, "no1_middle"))]
    _tick(form, rows, "三（五）", code="A5")  # the action above measure 8, renumbered
    form["cooperating_unit_ids"] = [str(unit_id(app, "teaching_research")), str(unit_id(app, "wuda"))]
    form["due_on"] = ["2024-12-31"]
    made = client.post(f"/notices/{nid}/tasks/from-headings", data=form)
    assert made.status_code == 303 and made.headers["Location"].endswith(f"/notices/{nid}/tasks")

    tasks = _tasks_of(app, nid)
    assert sorted(tasks) == sorted([*MEASURES, "A5"])
    assert tasks["8"]["parent"] == "A5" and tasks["A5"]["parent"] is None
    assert tasks["7"]["parent"] is None  # 三（四） was not ticked: nothing to go under
    assert tasks["8"]["title"] == "深化高中与初中学校点对点共建" and tasks["8"]["lead"] == "no1_middle"
    assert tasks["8"]["assignments"] == {"no1_middle": "lead", "teaching_research": "cooperate", "wuda": "cooperate"}
    assert "市一中与市二中、三中、四中、十八中、十九中开展结对共建" in tasks["8"]["description"]  # the text under it
    assert tasks["1"]["title"] == "发挥中小学校党组织领导作用"
    assert all(t["due"] == "2024-12-31" for t in tasks.values())
    assert all(t["cooperating"] == ["teaching_research", "wuda"] for c, t in tasks.items() if c != "8")

    # Back on the page, they are marked as made and no longer offered.
    again = _rows(client.get(f"/notices/{nid}/tasks/from-headings").get_data(as_text=True))
    made_codes = {r["code"]: r["existing"] for r in again if r["existing"] is not None}
    assert made_codes == {code: tasks[code]["id"] for code in MEASURES}
    assert [r["ticked"] for r in again if r["existing"] is None] == ["0"] * (len(SEED_CODES) - len(MEASURES))


def test_on_the_seed_notice_a_heading_made_a_task_leaves_the_measures_made_before_in_place(login, client, app):
    login("staff")
    nid = notice_id(app)
    page = client.get(f"/notices/{nid}/tasks/from-headings").get_data(as_text=True)
    rows, form = _rows(page), _form(page)
    _tick(form, rows, "三（五）", lead_unit_id=unit_id(app, "basic_education"))
    response = client.post(f"/notices/{nid}/tasks/from-headings", data=form)
    assert response.status_code == 303
    tasks = _tasks_of(app, nid)
    assert tasks["三（五）"]["title"] == "强化融合发展，实施结对共建行动"
    assert tasks["三（五）"]["assignments"] == {"basic_education": "lead"}
    assert tasks["8"]["parent"] == "A5"  # measure 8 stays where it was
    again = _rows(client.get(f"/notices/{nid}/tasks/from-headings").text)
    assert next(r["existing"] for r in again if r["code"] == "三（五）") == tasks["三（五）"]["id"]


def test_bad_input_keeps_what_was_typed_and_makes_nothing(login, client, app):
    nid = _copy_of_the_seed(app)
    login("staff")
    page = client.get(f"/notices/{nid}/tasks/from-headings").get_data(as_text=True)
    rows, form = _rows(page), _form(page)
    one = _row_index(form, next(r["key"] for r in rows if r["code"] == "1"))
    two = _row_index(form, next(r["key"] for r in rows if r["code"] == "2"))
    form[f"rows-{one}-code"] = [""]  # ticked, but its number cleared
    form[f"rows-{two}-title"] = ["完善学校工作运行机制（改）"]
    form["cooperating_unit_ids"] = [str(unit_id(app, "no3_middle"))]
    refused = client.post(f"/notices/{nid}/tasks/from-headings", data=form)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert _said(app, "A ticked heading needs a task number and a title.") in html
    assert 'value="完善学校工作运行机制（改）"' in html  # what was typed, kept
    kept = _rows(html)
    assert [r["code"] for r in kept if r["ticked"] == "1"] == MEASURES  # the ticks too
    assert f'value="{unit_id(app, "no3_middle")}" checked' in html  # and the cooperating unit picked
    assert _tasks_of(app, nid) == {}

    # A character a document cannot hold is refused at its row.
    form[f"rows-{one}-code"] = ["1"]
    form[f"rows-{two}-title"] = ["完善\x01机制"]
    control = client.post(f"/notices/{nid}/tasks/from-headings", data=form)
    assert control.status_code == 422 and "U+0001" in control.get_data(as_text=True)
    assert _tasks_of(app, nid) == {}

    # All or none: the codes are checked as the tasks are made, and a clash with the notice's tasks undoes the rest.
    form[f"rows-{two}-title"] = ["完善工作运行体制机制"]
    form[f"rows-{two}-code"] = ["1"]  # the same number as measure 1, ticked in the same batch
    clash = client.post(f"/notices/{nid}/tasks/from-headings", data=form)
    message = _said(app, "The code %(code)s is already used by another task of this notice.", code="1")
    assert clash.status_code == 422 and message in clash.get_data(as_text=True)
    assert _tasks_of(app, nid) == {}

    # Nothing ticked at all.
    untick = {name: values for name, values in form.items() if not name.endswith("-pick")}
    nothing = client.post(f"/notices/{nid}/tasks/from-headings", data=untick)
    assert nothing.status_code == 422 and _said(app, "Tick the headings to make tasks of.") in nothing.text
    assert _tasks_of(app, nid) == {}


def test_only_the_bureaus_staff_and_secretaries_make_tasks_from_headings(login, client, app):
    nid = notice_id(app)
    login("reviewer")
    assert client.get(f"/notices/{nid}/tasks/from-headings").status_code == 403
    login("clerk_no1_middle")
    assert client.post(f"/notices/{nid}/tasks/from-headings", data={}).status_code == 403
    login("secretary")
    assert client.get(f"/notices/{nid}/tasks/from-headings").status_code == 200
