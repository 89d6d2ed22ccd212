"""Every route, every role: the access rule each route declares is what the server does.

The routes come from the URL map, so a route added tomorrow is in this test tomorrow.
"""

import pytest

from app.core.access import ANY_USER, PUBLIC, Role, audience_of
from tests.helpers.routes import ACCOUNTS, ROLES, every_route


def _allowed(audience, role) -> bool:
    if audience == PUBLIC:
        return True
    if role == "anonymous":
        return False
    if audience == ANY_USER:
        return True
    return Role(role) in audience


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_its_rule_says(role, login, client, app):
    if role != "anonymous":
        login(ACCOUNTS[role])
    routes = every_route(app)
    assert len(routes) > 50
    wrong = []
    for method, url, endpoint in routes:
        if endpoint == "auth.logout":
            continue  # would end this session half-way through the list
        response = client.open(url, method=method)
        with app.test_request_context():
            audience = audience_of(endpoint)
        status = response.status_code
        if status >= 500:
            wrong.append((method, url, status, "server error"))
        elif not _allowed(audience, role):
            refused = status == 403 or (role == "anonymous" and status == 302 and "/login" in response.location)
            if not refused:
                wrong.append((method, url, status, "should be refused"))
        elif status == 403 or (status == 302 and "/login" in (response.location or "")):
            wrong.append((method, url, status, "should be allowed"))
    assert wrong == [], "\n".join(map(str, wrong))


def test_the_access_test_covers_every_route(app):
    """The list of routes the test above walks: every one in the URL map but static files."""
    with app.test_request_context():
        endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    walked = {endpoint for _method, _url, endpoint in every_route(app)}
    assert walked == endpoints
    print("\n".join(sorted(endpoints)))


def test_every_unsafe_route_refuses_a_request_without_its_csrf_token(login, client, app):
    login("admin")
    client.environ_base.pop("HTTP_X_CSRFTOKEN")
    for method, url, endpoint in every_route(app):
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            with app.test_request_context():
                if audience_of(endpoint) != PUBLIC and not _allowed(audience_of(endpoint), "admin"):
                    continue  # refused before the token matters
            response = client.open(url, method=method)
            assert response.status_code == 400, (method, url, response.status_code)


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    page = response.get_data(as_text=True)
    assert "<script>" not in page and " onclick=" not in page and 'style="' not in page


def test_session_cookie_settings(app, client, monkeypatch, tmp_path):
    from app.config import load_settings

    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    settings = load_settings(str(tmp_path))
    assert settings["SESSION_COOKIE_SECURE"] is True and settings["REMEMBER_COOKIE_SECURE"] is True
