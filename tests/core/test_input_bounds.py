"""Numbers past what the database holds, and control characters, in an address: the usual 404 or 400 page, never a
500 (SQLite cannot bind an int past 2**63 - 1; PostgreSQL refuses 2**31 for an integer column and NUL in text)."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.units.models import Unit
from tests.helpers.routes import ACCOUNTS, every_route

# Who may open what and what a page survives, not the PDFs (tests/documents): each document converted once.
pytestmark = pytest.mark.usefixtures("conversions_remembered")

HUGE = ["99999999999999999999", "9223372036854775808", "2147483648", "9" * 5000]
# The query values that views read as numbers (`request.args.get(…, type=int)`), and the page of every list.
NUMBER_ARGS = ("page", "parent", "notice", "series_id", "version", "unit", "group", "task")


def _status(client, method, url, **kwargs) -> int | str:
    """The status code, or "500 (…)" for an exception the app did not turn into a page."""
    try:
        return client.open(url, method=method, **kwargs).status_code
    except Exception as exc:  # what the server would answer with its error page
        return f"500 ({type(exc).__name__}: {str(exc)[:80]})"


def _int_routes(app) -> list[tuple[str, str, list[str]]]:
    """(method, rule, names of its int variables) of every route with an <int:…> variable."""
    found = []
    for rule in app.url_map.iter_rules():
        names = re.findall(r"<int:(\w+)>", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}) if names else ():
            found.append((method, rule.rule, names))
    return found


def _url(rule: str, name: str, value: str) -> str:
    """The rule's address with `value` for the variable `name`, 1 for its other numbers and a word for the rest
    (url_for would refuse the value: it checks it against the converter)."""
    url = rule.replace(f"<int:{name}>", value)
    url = re.sub(r"<int:\w+>", "1", url)
    return re.sub(r"<(?:\w+:)?\w+>", "x", url)


# The bureau's widest role and a school's clerk: an address is routed before any access rule is asked, so the two
# see every rule's 404 that the other roles would.
WALKERS = ["secretary", "clerk"]


@pytest.mark.parametrize("role", WALKERS)
def test_every_int_route_answers_a_huge_id_with_404(role, login, client, app):
    login(ACCOUNTS[role])
    problems = []
    routes = _int_routes(app)
    assert len(routes) > 40
    for method, rule, names in routes:
        for huge in HUGE:
            for name in names:  # one variable out of range, the others plausible
                url = _url(rule, name, huge)
                status = _status(client, method, url)
                if status != 404:
                    problems.append((method, url[:80], status))
    assert problems == [], "\n".join(map(str, problems))


@pytest.mark.parametrize("role", [*WALKERS, "admin"])
def test_no_page_fails_on_a_huge_number_in_its_query(role, login, client, app):
    login(ACCOUNTS[role])
    problems = []
    for method, url, _endpoint in every_route(app):
        if method != "GET" or url.endswith((".docx", ".pdf", ".xlsx", ".png")):
            continue
        for huge in HUGE[:2]:
            query = "&".join(f"{name}={huge}" for name in NUMBER_ARGS)
            status = _status(client, "GET", f"{url}?{query}")
            if not isinstance(status, int) or status >= 500:
                problems.append((url, huge[:20], status))
    assert problems == [], "\n".join(map(str, problems))


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("secretary", "/notices?page=99999999999999999999"),
        ("secretary", "/notices/99999999999999999999"),
        ("secretary", "/notices/2147483648"),
        ("admin", "/admin/audit?page=9223372036854775808"),
        ("clerk", "/inbox?page=99999999999999999999"),
    ],
)
def test_the_reported_addresses_answer_404_with_the_usual_page(role, url, login, client, app):
    login(ACCOUNTS[role])
    response = client.get(url)
    assert response.status_code == 404
    assert "404" in response.get_data(as_text=True) and "<html" in response.get_data(as_text=True)


def _without_tokens(page: str) -> str:
    """The page without its CSRF token, which is signed with the time it is made."""
    return re.sub(r'"X-CSRFToken": "[^"]+"|name="csrf_token" type="hidden" value="[^"]+"', "", page)


def test_a_page_past_the_end_is_still_an_empty_list_and_a_bad_page_the_first(login, client, app):
    login("secretary")
    first = _without_tokens(client.get("/notices").get_data(as_text=True))
    assert _without_tokens(client.get("/notices?page=abc").get_data(as_text=True)) == first
    assert _without_tokens(client.get("/notices?page=0").get_data(as_text=True)) == first
    assert client.get("/notices?page=999").status_code == 200


def test_a_number_the_database_cannot_hold_in_a_query_or_form_reads_as_absent(app):
    """What a view gets from ``request.args.get(name, type=int)``: a number an id column can hold, or the default,
    as for a word; so ``db.session.get(Task, request.args.get("parent", type=int))`` cannot fail in the database."""
    from flask import request

    query = "parent=99999999999999999999&notice=2147483648&task=-2147483649&unit=2147483647&page=abc"
    with app.test_request_context(f"/?{query}", method="POST", data={"notice": "9223372036854775808"}):
        assert request.args.get("parent", type=int) is None
        assert request.args.get("notice", 7, type=int) == 7
        assert request.args.get("task", type=int) is None
        assert request.args.get("unit", type=int) == 2147483647  # the largest id still is one
        assert request.form.get("notice", type=int) is None
        assert request.args.get("parent") == "99999999999999999999"  # the text itself is left alone


@pytest.mark.parametrize("role", ["anonymous", "secretary", "clerk"])
def test_a_control_character_in_the_query_is_a_400(role, client, app, login):
    if role != "anonymous":
        login(ACCOUNTS[role])
    for url in ("/notices?q=a%00b", "/notices?q=%0d%0a", "/inbox?x%00=1", "/?q=a%01"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "400" in response.get_data(as_text=True)


def test_cr_lf_in_next_is_a_400_not_a_split_header(client, app, login):
    response = client.post(
        "/login?next=/notices%0d%0aSet-Cookie:%20x=1",
        data={"username": "secretary", "password": "test-pass-123"},
    )
    assert response.status_code == 400
    assert "Set-Cookie" not in str(response.headers).replace("Set-Cookie: session", "")


def test_every_page_refuses_a_nul_in_its_query(login, client, app):
    login("secretary")
    problems = []
    for method, url, _endpoint in every_route(app):
        if method != "GET":
            continue
        status = _status(client, "GET", f"{url}?q=%00")
        if status != 400:
            problems.append((url, status))
    assert problems == [], "\n".join(map(str, problems))


def test_a_unit_order_beyond_what_the_database_holds_is_a_form_error(login, client, app):
    """An order number past 2³¹ would overflow PostgreSQL's integer column: the form refuses it and keeps the input;
    an order in range saves."""
    login("admin")
    form = {"code": "no99-middle", "name": "乌海市第九十九中学", "kind": "school", "parent_id": "0", "is_active": "y"}
    response = client.post("/admin/units/new", data=form | {"sort_order": "99999999999"})
    assert response.status_code == 422, response.status_code
    assert "乌海市第九十九中学" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Unit).where(Unit.code == "no99-middle")) is None
    assert client.post("/admin/units/new", data=form | {"sort_order": "99"}).status_code == 303
