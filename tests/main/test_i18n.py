"""The interface language: the user's choice, else the browser's; dates per language; Mongolian vertical."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from app.auth.models import User
from app.core.dates import cn_date, mn_date
from app.extensions import db


def test_accept_language_decides_when_nothing_is_saved(client):
    assert '<html lang="mn-Mong-CN">' in client.get("/login", headers={"Accept-Language": "mn"}).get_data(as_text=True)
    assert '<html lang="en">' in client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="zh-Hans-CN">' in client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="zh-Hans-CN">' in client.get("/login").get_data(as_text=True)


def test_the_saved_choice_wins_over_the_browser(login, client, app):
    login("clerk_no1_middle")
    client.post("/profile", data={"locale": "en"})
    with app.app_context():
        assert db.session.scalar(select(User.locale).where(User.username == "clerk_no1_middle")) == "en"
    page = client.get("/inbox", headers={"Accept-Language": "mn"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "Inbox" in page


def test_the_mongolian_interface_is_written_vertically(client):
    page = client.get("/login", headers={"Accept-Language": "mn"}).get_data(as_text=True)
    assert 'class="vertical"' in page
    css = client.get("/static/css/app.css").get_data(as_text=True)
    rule = css[css.index('html[lang|="mn"] body {') :]
    assert "writing-mode: vertical-lr" in rule[: rule.index("}")]
    assert "Noto Sans Mongolian" in css


def test_dates_in_each_language():
    assert cn_date(date(2023, 8, 5)) == "2023年8月5日"
    assert mn_date(date(2023, 8, 15)) == "2023 ᠣᠨ\u202fᠤ 8 ᠰᠠᠷ\u180eᠠ\u202fᠶᠢᠨ 15"
    assert cn_date(datetime(2023, 8, 14, 17, 0, tzinfo=UTC)) == "2023年8月15日"  # Beijing time
