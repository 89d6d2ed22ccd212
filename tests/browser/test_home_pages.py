"""Every role's home page as the demo leaves it: what waits for them (待办), counted the same in the top bar, and
what they did lately (已办). Pictures in test-artifacts/browser/home_page_of_<user>-01-home.png."""

import pytest

from tests.helpers.browser import expect

# One account of each role, and the interfaces besides Chinese.
PEOPLE = [
    ("admin", "zh-CN"),
    ("secretary", "zh-CN"),
    ("reviewer", "zh-CN"),
    ("signer", "zh-CN"),
    ("staff", "zh-CN"),
    ("translator", "zh-CN"),
    ("clerk_personnel", "zh-CN"),
    ("clerk_haibowan", "zh-CN"),
    ("clerk_no3_middle", "zh-CN"),
    ("secretary", "en"),
    ("clerk_no3_middle", "mn-Mong-CN"),
]


@pytest.mark.parametrize(("username", "locale"), PEOPLE, ids=[f"{u}-{loc}" for u, loc in PEOPLE])
def test_home_page_of(username, locale, open_as, shot):
    page = open_as(username, locale=locale, extra_http_headers={"Accept-Language": locale})
    page.goto("/")
    counter = page.locator("#todo-count .count")
    expect(counter).to_be_visible()
    groups = [int(c) for c in page.locator(".todo-group h3 .count").all_inner_texts()]
    assert int(counter.inner_text()) == sum(groups)
    # Each group shows at most five of its items, and the way to the rest when there are more.
    for group in page.locator(".todo-group").all():
        count = int(group.locator("h3 .count").inner_text())
        shown = group.locator(".todo-items > li").count()
        assert 1 <= shown <= min(count, 5)
        if count > shown:
            expect(group.locator("p a")).to_have_count(1)
    # Nothing runs off a desktop screen sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    shot(page, "home")
