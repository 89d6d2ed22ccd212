"""Every form, every entry of the hostile corpus: no server error, and a refused form saves nothing.

The forms are found by visiting every page each role can open and reading its <form method="post">
elements, so a form added tomorrow is tested tomorrow.
"""

import hashlib
import re
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import quote_plus, urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy import text as sa_text
from werkzeug.exceptions import HTTPException

from app.extensions import db
from tests.helpers.corpus import CORPUS, RAW_BYTES
from tests.helpers.routes import ACCOUNTS, every_route

# Who may open what and what a page survives, not the PDFs (tests/documents): each document converted once.
pytestmark = pytest.mark.usefixtures("conversions_remembered")

TEXT_TYPES = {"text", "email", "search", "tel", "password", "date", "number", None}
SKIP_ACTIONS = ("/logout",)  # would end the session half-way


class _Forms(HTMLParser):
    """The post forms of a page: action, and each field's name, kind and default value."""

    def __init__(self):
        super().__init__()
        self.forms, self._current, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = {"action": attrs.get("action") or "", "fields": [], "enctype": attrs.get("enctype")}
            self.forms.append(self._current)
        elif self._current is None or "name" not in attrs:
            return
        elif tag == "input":
            kind = attrs.get("type")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "file"):
                return
            self._current["fields"].append([attrs["name"], kind, attrs.get("value", "")])
        elif tag == "textarea":
            self._textarea = [attrs["name"], "textarea", ""]
            self._current["fields"].append(self._textarea)
        elif tag == "select":
            self._select = [attrs["name"], "select", None]
            self._current["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            if self._select[2] is None or "selected" in attrs:
                self._select[2] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _discover(client, app):
    """{action: form} of the post forms the signed-in person's pages hold: one form per URL rule (the leave, move and
    replace forms of a roster's nine members are three forms, sent to three ids of the first member)."""
    forms, rules = {}, set()
    adapter = app.url_map.bind("localhost")
    for method, url, _endpoint in every_route(app):
        if method != "GET" or url.endswith((".docx", ".pdf", ".xlsx")) or "/attachments/" in url:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        parser = _Forms()
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            action = form["action"] or url
            if not action.startswith("/") or action.startswith(SKIP_ACTIONS):
                continue
            path = urlsplit(action).path
            try:
                rule = adapter.match(path, method="POST")[0]
            except HTTPException:
                rule = path  # a form whose action answers no POST: sent as it is, to see it refused cleanly
            if rule not in rules:
                rules.add(rule)
                forms[path] = form
    return forms


@lru_cache(maxsize=1)
def _fingerprint_query() -> str:
    """Every row of every table but the audit log, as one text SQLite builds itself (this test runs on SQLite): a
    tenth of the time of reading the rows into Python, which this test does after each of its posts."""
    parts = []
    for table in db.metadata.sorted_tables:
        if table.name == "audit_events":
            continue  # refusals may be audited; that is not a half-saved row
        row = " || ',' || ".join(f'quote("{column.name}")' for column in table.columns)
        order = ", ".join(f'"{column.name}"' for column in table.primary_key.columns)
        parts.append(f"(SELECT group_concat(r, '|') FROM (SELECT {row} AS r FROM \"{table.name}\" ORDER BY {order}))")
    return "SELECT " + " || '#' || ".join(f"coalesce({part}, '')" for part in parts)


def _fingerprint():
    text = db.session.execute(sa_text(_fingerprint_query())).scalar()
    return hashlib.sha256(text.encode()).hexdigest()


_ASCII = re.compile(r"[\x00-\x7f]+")


@lru_cache(maxsize=256)
def _encode(text: str) -> str:
    """Percent-encode the ASCII characters of a form value and leave the rest as UTF-8.

    werkzeug reads a non-ASCII character in a form body as it reads its percent-encoding: the form gets the same
    value either way. Sent fully percent-encoded, the one-megabyte entry spends about 50 ms a megabyte in the test
    client's urlencode and again in Python's unquote, over half this test's time and none of it in the app.
    """
    return _ASCII.sub(lambda run: quote_plus(run.group()), text)


def _urlencoded(fields: list[tuple[str, str]]) -> bytes:
    return "&".join(f"{_encode(name)}={_encode(value)}" for name, value in fields if value is not None).encode()


# Input handling is the same code on either database, and parsing a megabyte of multipart form data a few
# hundred times is slow: this one runs on SQLite only. Transactions on PostgreSQL are covered elsewhere.
@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("role", ["admin", "secretary", "staff", "translator", "clerk"])
def test_every_form_survives_the_hostile_corpus(role, login, client, app):
    login(ACCOUNTS[role])
    forms = _discover(client, app)
    assert forms, "no form found"
    problems = []
    with app.app_context():
        before = _fingerprint()
    for action, form in sorted(forms.items()):
        multipart = form["enctype"] == "multipart/form-data"
        for name, value in CORPUS.items():
            fields = []
            for field, kind, default in form["fields"]:
                hidden_or_choice = kind in ("hidden", "checkbox", "radio", "select")
                typed = not hidden_or_choice and kind in TEXT_TYPES | {"textarea"}
                fields.append((field, value if typed else default))
            if not any(text for field, text in fields if field == "action"):
                fields = [(field, text) for field, text in fields if field != "action"]
            if multipart:
                data = {}
                for field, text in fields:
                    data.setdefault(field, []).append(text)
                response = client.post(action, data=data, content_type="multipart/form-data")
            else:
                body = _urlencoded(fields)
                response = client.post(action, data=body, content_type="application/x-www-form-urlencoded")
            with app.app_context():
                after = _fingerprint()
            if response.status_code >= 500:
                problems.append((action, name, response.status_code))
            elif response.status_code >= 400 and before != after:
                problems.append((action, name, response.status_code, "changed the database"))
            if name == "xml_forbidden" and response.status_code < 400 and before != after:
                with app.app_context():
                    problems.extend((action, name, "stored a forbidden character") for _ in [1] if _stored_forbidden())
            before = after  # nothing else writes between two posts
        raw = client.post(action, data=RAW_BYTES, content_type="application/x-www-form-urlencoded")
        if raw.status_code >= 500:
            problems.append((action, "raw bytes", raw.status_code))
        with app.app_context():
            before = _fingerprint()
    assert problems == [], "\n".join(map(str, problems))


def _stored_forbidden() -> bool:
    from app.core.validators import find_forbidden_character

    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).all():
            for value in row:
                if isinstance(value, str) and find_forbidden_character(value) is not None:
                    return True
    return False


def test_documents_still_render_after_the_corpus(login, client, app):
    """Whatever was accepted, every draft's .docx still renders."""
    login("secretary")
    for name in ("bidi_override", "html_script", "mongolian", "emoji_and_astral", "format_strings", "very_long_line"):
        value = CORPUS[name]
        response = client.post(
            "/notices/new",
            data={"title": f"关于{name}的通知", "body": value, "kind": "文件", "series_id": 1, "action": "save"},
        )
        assert response.status_code == 303, (name, response.status_code)
        notice_path = response.headers["Location"].rsplit("/edit", 1)[0]
        document = client.get(f"{notice_path}/document.docx")
        assert document.status_code == 200 and document.data[:2] == b"PK", name
