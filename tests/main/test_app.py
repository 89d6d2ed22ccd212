"""The application factory, settings from the environment, health check, headers."""

import pytest

from app.config import load_settings


def test_healthz_answers_ok_after_a_database_round_trip(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_fails_when_the_database_is_gone(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/db.sqlite")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/healthz")
    assert response.status_code == 500


def test_database_url_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/intranet")
    settings = load_settings(str(tmp_path))
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/intranet"


def test_default_database_is_a_sqlite_file_in_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = load_settings(str(tmp_path))
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'intranet.db'}"


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        load_settings(str(tmp_path))


def test_development_generates_a_secret_key_once_into_instance(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_settings(str(tmp_path))["SECRET_KEY"]
    second = load_settings(str(tmp_path))["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").read_text().strip() == first


def test_session_cookie_is_secure_outside_development_unless_turned_off(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    assert load_settings(str(tmp_path))["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")
    assert load_settings(str(tmp_path))["SESSION_COOKIE_SECURE"] is False
    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.delenv("SESSION_COOKIE_SECURE")
    assert load_settings(str(tmp_path))["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(app):
    from sqlalchemy import text

    from app.database import CACHE_KIB
    from app.extensions import db

    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
            # A small page cache per connection: what a worker's memory grows by (bench/bench_memory.py).
            assert conn.execute(text("PRAGMA cache_size")).scalar() == -CACHE_KIB


def test_pages_vary_on_hx_request_and_send_basic_security_headers(client):
    response = client.get("/login")
    assert "HX-Request" in response.headers.get("Vary", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_every_static_asset_the_layout_uses_is_served_by_the_app(client):
    page = client.get("/login").get_data(as_text=True)
    import re

    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert any("htmx" in a for a in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page), "nothing may load from outside the intranet"


def test_the_mongolian_font_is_served_by_the_app(client):
    css = client.get("/static/css/app.css").get_data(as_text=True)
    import re

    urls = re.findall(r'url\("\.\./(vendor/fonts/[^"]+)"\)', css)
    assert urls, "the stylesheet declares the Mongolian font"
    for url in urls:
        response = client.get(f"/static/{url}")
        assert response.status_code == 200 and len(response.data) > 10_000


def test_create_app_accepts_overrides(make_app):
    app = make_app(SOME_FLAG="yes")
    assert app.config["SOME_FLAG"] == "yes"
    assert app.config["TESTING"] is True
