"""Login throttling: exact under parallel guesses, silent about passwords and names, and never a lock on the owner or
on the colleagues behind one school address (the design is in app/auth/services.py, authenticate)."""

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.auth.models import User
from app.core.time import utcnow
from app.extensions import db
from tests.helpers.accounts import DEMO_PASSWORD

# Point 3 (the exact count) and a NUL in the name differ between the databases and run on both; the throttling
# rules of point 5 do not, and run on SQLite.
ONE_DATABASE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _attempt(client, username: str, password: str):
    return client.post("/login", data={"username": username, "password": password})


def _message(response) -> str:
    """The error the login form shows."""
    return " ".join(re.findall(r'<ul class="errors">(.*?)</ul>', response.get_data(as_text=True), re.S))


def _failed_logins(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.failed_logins).where(User.username == username))


def _parallel_wrong_passwords(app, username: str, count: int) -> list[int]:
    """count wrong passwords for the account at the same moment, from count threads, each with its own client and
    so its own database connection; the status of each answer."""
    app.config["WTF_CSRF_ENABLED"] = False  # fifty login pages less; CSRF is not the subject
    with app.app_context():
        # A hash that takes some 40 ms to check, outside the GIL (scrypt would take 0.4 s here, and hold it): long
        # enough for the fifty checks to overlap as they do on a server, short enough for the suite.
        user = db.session.scalar(select(User).where(User.username == username))
        user.password_hash = generate_password_hash(DEMO_PASSWORD, method="pbkdf2:sha256:20000")
        db.session.commit()
    clients = [app.test_client() for _ in range(count)]
    start = threading.Barrier(count)
    statuses: list[int] = []

    def guess(client, n):
        start.wait()
        statuses.append(_attempt(client, username, f"wrong-guess-{n}").status_code)

    threads = [threading.Thread(target=guess, args=(c, n)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(statuses) == count, "a guess did not come back"
    return statuses


def test_fifty_parallel_wrong_passwords_are_all_counted(app, demo):
    app.config.update(LOGIN_MAX_FAILURES=1000, LOGIN_MAX_FAILURES_PER_ADDRESS=1000)
    statuses = _parallel_wrong_passwords(app, "reviewer", 50)
    assert statuses == [401] * 50
    assert _failed_logins(app, "reviewer") == 50


def test_fifty_parallel_wrong_passwords_get_only_the_allowed_checks(app, demo):
    app.config.update(LOGIN_MAX_FAILURES=5, LOGIN_DELAY_SECONDS=600, LOGIN_MAX_FAILURES_PER_ADDRESS=1000)
    statuses = _parallel_wrong_passwords(app, "reviewer", 50)
    assert sorted(statuses) == [401] * 5 + [429] * 45  # five passwords checked, forty-five told to wait
    assert _failed_logins(app, "reviewer") == 5


@ONE_DATABASE
def test_a_busy_address_answers_a_right_password_as_it_answers_a_wrong_one(client, app, demo):
    app.config.update(LOGIN_MAX_FAILURES_PER_ADDRESS=3, LOGIN_MAX_FAILURES=100)
    for n in range(3):
        assert _attempt(client, f"sprayed{n}", "Summer2024").status_code == 401
    # clerk_no3_middle has never logged in from this address.
    wrong = _attempt(client, "clerk_no3_middle", "Summer2024")
    right = _attempt(client, "clerk_no3_middle", DEMO_PASSWORD)
    assert wrong.status_code == right.status_code == 429
    assert _message(wrong) == _message(right) != ""
    assert wrong.headers["Retry-After"] == right.headers["Retry-After"]
    assert client.get("/").status_code == 302  # not signed in


@ONE_DATABASE
def test_the_clerks_of_a_busy_school_address_still_log_in_together(client, app, demo):
    with app.app_context():
        clerks = list(
            db.session.scalars(
                select(User.username).where(User.username.like("clerk%")).order_by(User.username).limit(12)
            )
        )
    assert len(clerks) == 12

    def log_in(clerk: str, password: str = DEMO_PASSWORD) -> int:
        browser = app.test_client()  # each at a computer of their own, behind the one school address
        browser.fetch_csrf_token()
        return _attempt(browser, clerk, password).status_code

    assert [log_in(clerk) for clerk in clerks] == [303] * 12  # an ordinary day: each has logged in from the school
    app.config.update(LOGIN_MAX_FAILURES_PER_ADDRESS=5)
    for n in range(10):  # someone behind the same address sprays
        log_in(f"sprayed{n}", "12345678")
    assert log_in("sprayed-again", "12345678") == 429
    assert [log_in(clerk) for clerk in clerks] == [303] * 12


@ONE_DATABASE
def test_an_unknown_name_costs_a_password_check_like_an_account(client, app, demo, monkeypatch):
    """The time of an answer tells no one whether the name exists: both check a password hash (the bench of logins
    measures the times; a test does not)."""
    import app.auth.models as models
    import app.auth.services as services

    checked = []
    for module in (models, services):
        original = getattr(module, "check_password_hash", None)
        if original is not None:
            monkeypatch.setattr(
                module, "check_password_hash", lambda *args, _original=original: checked.append(1) or _original(*args)
            )
    _attempt(client, "secretary", "not-the-password")
    assert len(checked) == 1
    _attempt(client, "nobody-by-this-name", "not-the-password")
    assert len(checked) == 2


@ONE_DATABASE
def test_an_unknown_name_is_throttled_like_an_account(client, app, demo):
    app.config.update(LOGIN_MAX_FAILURES=3, LOGIN_MAX_FAILURES_PER_ADDRESS=1000)
    answers = {}
    for name in ("reviewer", "no_such_person"):
        statuses = [_attempt(client, name, "wrong-password").status_code for _ in range(4)]
        answers[name] = (statuses, _message(_attempt(client, name, "wrong-password")))
    assert answers["reviewer"] == answers["no_such_person"]
    assert answers["reviewer"][0] == [401, 401, 401, 429]


@ONE_DATABASE
def test_the_owner_gets_through_a_growing_delay_that_guessing_does_not_lengthen(client, app, demo, monkeypatch):
    app.config.update(LOGIN_MAX_FAILURES=3, LOGIN_DELAY_SECONDS=5, LOGIN_MAX_FAILURES_PER_ADDRESS=1000)
    clock = {"now": utcnow()}
    monkeypatch.setattr("app.auth.services.utcnow", lambda: clock["now"])

    def later(seconds):
        clock["now"] += timedelta(seconds=seconds)

    for _ in range(3):  # a classmate's wrong guesses
        assert _attempt(client, "reviewer", "classmate-guess").status_code == 401
    waiting = _attempt(client, "reviewer", DEMO_PASSWORD)
    assert waiting.status_code == 429 and waiting.headers["Retry-After"] == "5"
    for _ in range(10):  # hammering during the wait is refused without counting
        assert _attempt(client, "reviewer", "classmate-guess").status_code == 429
    later(6)
    assert _attempt(client, "reviewer", "classmate-guess").status_code == 401  # checked: the wait has passed...
    assert _attempt(client, "reviewer", DEMO_PASSWORD).headers["Retry-After"] == "10"  # ...and doubles
    later(11)
    assert _attempt(client, "reviewer", DEMO_PASSWORD).status_code == 303  # the owner, seconds later, not 15 min
    assert _failed_logins(app, "reviewer") == 0


@pytest.mark.parametrize("username", ["adm\x00in", "admin\x00", "\x00"])
def test_a_nul_in_the_login_name_is_a_form_error(client, demo, username):
    response = _attempt(client, username, DEMO_PASSWORD)
    assert response.status_code == 400
    assert "U+0000" in _message(response)
    assert client.get("/").status_code == 302


def test_a_nul_in_the_password_is_a_wrong_password(client, demo):
    response = _attempt(client, "admin", DEMO_PASSWORD[:4] + "\x00" + DEMO_PASSWORD[4:])
    assert response.status_code == 401
