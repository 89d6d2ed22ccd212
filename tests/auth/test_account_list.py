"""The admin's account list: roles by their titles in the interface language, and a search box that finds an account
by name, username or unit, as one types (htmx) or with a plain GET."""

import re

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.demo.scale import add_units
from app.extensions import db
from tests.helpers.accounts import DEMO_PASSWORD
from tests.helpers.queries import counting_queries

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _row(html: str, username: str) -> str:
    match = re.search(rf"<tr id=\"user-\d+\"[^>]*>\s*<td>{re.escape(username)}</td>.*?</tr>", html, re.S)
    assert match, f"no row of {username}"
    return match.group(0)


def _badges(row: str) -> list[str]:
    return re.findall(r'<span class="badge">([^<]+)</span>', row)


def _usernames(html: str) -> list[str]:
    return re.findall(r'<tr id="user-\d+"[^>]*>\s*<td>([^<]+)</td>', html)


@pytest.mark.parametrize(
    ("language", "signer", "clerk"),
    [("zh-CN", "签发人", "收文员"), ("en", "Signer (签发)", "Unit clerk (收文员)")],
)
def test_roles_show_their_titles_in_the_interface_language_not_their_codes(login, client, language, signer, clerk):
    login("admin")
    html = client.get("/admin/users", headers={"Accept-Language": language}).get_data(as_text=True)
    assert _badges(_row(html, "signer")) == [signer]
    assert _badges(_row(html, "clerk_no3_middle")) == [clerk]
    assert not re.search(r'<span class="badge">(signer|clerk|secretary|admin)</span>', html)


def test_ones_own_roles_on_the_profile_page_are_titles_too(login, client):
    login("signer")
    html = client.get("/profile", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert _badges(re.search(r"<dd>(?:<span class=\"badge\">[^<]*</span>\s*)+</dd>", html).group(0)) == ["签发人"]


def test_the_search_finds_accounts_by_unit_name_and_by_username(login, client):
    login("admin")
    by_unit = client.get("/admin/users", query_string={"q": "第三中学"}).get_data(as_text=True)
    assert "<html" in by_unit and 'value="第三中学"' in by_unit  # the plain GET: the page, the box keeps the words
    assert _usernames(by_unit) == ["clerk_no3_middle"]
    by_short_name = _usernames(client.get("/admin/users?q=三中").get_data(as_text=True))
    assert by_short_name == ["clerk_no3_middle"]
    by_username = _usernames(client.get("/admin/users?q=CLERK_NO5").get_data(as_text=True))
    assert by_username == ["clerk_no5_middle"]
    by_name_and_unit = _usernames(client.get("/admin/users?q=秘书 办公室").get_data(as_text=True))
    assert by_name_and_unit == ["secretary"]
    everyone = _usernames(client.get("/admin/users").get_data(as_text=True))
    assert len(everyone) > 30 and {"admin", "signer", "clerk_no3_middle"} <= set(everyone)


def test_as_one_types_htmx_gets_the_table_alone(login, client):
    login("admin")
    response = client.get("/admin/users?q=clerk_no1_", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and html.lstrip().startswith('<div id="user-table">')
    assert _usernames(html) == ["clerk_no1_middle"]
    page = client.get("/admin/users").get_data(as_text=True)
    form = re.search(r"<form[^>]*account-search[^>]*>", page, re.S).group(0)
    assert 'hx-target="#user-table"' in form and "input changed delay:300ms" in form and "search" in form
    assert 'method="get"' in form


def test_a_search_that_finds_nobody_says_so_and_wildcards_are_letters(login, client):
    login("admin")
    html = client.get("/admin/users?q=%25", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _usernames(html) == [] and "No account matches “%”." in html
    assert _usernames(client.get("/admin/users", query_string={"q": "clerk_no1%"}).get_data(as_text=True)) == []


def test_a_clerk_cannot_search_the_accounts(login, client):
    login("clerk_no3_middle")
    assert client.get("/admin/users?q=admin", headers={"HX-Request": "true"}).status_code == 403


def _list(app, client, path):
    with counting_queries(app) as statements:
        html = client.get(path).get_data(as_text=True)
    return _usernames(html), len(statements)


@pytest.mark.slow
def test_a_thousand_accounts_cost_the_queries_of_the_demo_s_and_show_a_page_at_a_time(login, client, app):
    login("admin")
    demo_rows, demo_queries = _list(app, client, "/admin/users")
    with app.app_context():
        add_units(1000, DEMO_PASSWORD)
        db.session.commit()
        accounts = len(db.session.scalars(select(User.id)).all())
    rows, queries = _list(app, client, "/admin/users")
    assert accounts > 1000 and len(demo_rows) < 100 and len(rows) == 100
    assert queries == demo_queries, f"{demo_queries} queries for the demo's accounts, {queries} for {accounts}"
    found, search_queries = _list(app, client, "/admin/users?q=测试0999")
    assert found == ["clerk_scale_0999"] and search_queries == demo_queries
    last_page = -(-accounts // 100)
    page = client.get(f"/admin/users?page={last_page}").get_data(as_text=True)
    assert _usernames(page)[-1] == "clerk_scale_1000" and f"/admin/users?page={last_page - 1}" in page  # the pager
