"""The Mongolian interface as a browser set to Mongolian shows it: vertical columns, in the Mongolian font."""

import re

from tests.helpers.browser import SEED_NUMBER, PlaywrightTimeoutError, expect

MONGOLIAN_BROWSER = {"locale": "mn", "extra_http_headers": {"Accept-Language": "mn"}}
MONGOLIAN_LETTERS = re.compile(r"[\u1820-\u18AA]")
# The page's own @font-face, loaded because the page's text asks for it (nothing here loads it on purpose).
MONGOLIAN_FONT_LOADED = """() => [...document.fonts].some(
    face => face.family.replace(/["']/g, "") === "Noto Sans Mongolian" && face.status === "loaded")"""
FONT_TIMEOUT_MS = 5_000


def assert_mongolian(page) -> None:
    assert page.evaluate("document.documentElement.lang") == "mn-Mong-CN"
    assert page.evaluate("getComputedStyle(document.body).writingMode") == "vertical-lr"
    assert "Noto Sans Mongolian" in page.evaluate("getComputedStyle(document.body).fontFamily")
    assert MONGOLIAN_LETTERS.search(page.locator("body").inner_text()), "no Mongolian text on the page"
    # Only the face's own status tells: document.fonts.check() answers true even when the font file failed to load.
    try:
        page.wait_for_function(MONGOLIAN_FONT_LOADED, timeout=FONT_TIMEOUT_MS)
    except PlaywrightTimeoutError:
        raise AssertionError("the page's Noto Sans Mongolian font did not load") from None


def test_mongolian_interface_is_written_vertically_in_the_mongolian_font(open_as, shot):
    clerk = open_as("clerk_no1_middle", **MONGOLIAN_BROWSER)
    expect(clerk).to_have_url(re.compile(r"/$"))  # everyone lands on their 待办
    clerk.goto("/inbox")
    assert_mongolian(clerk)
    shot(clerk, "clerk-inbox")

    with clerk.expect_navigation():
        clerk.locator(".inbox-item", has_text=SEED_NUMBER).locator("a.inbox-title").click()
    notice_url = re.search(r"/notices/\d+$", clerk.url).group(0)
    expect(clerk.locator("#receipt")).to_be_visible()
    assert_mongolian(clerk)
    shot(clerk, "clerk-notice")

    secretary = open_as("secretary", **MONGOLIAN_BROWSER)
    secretary.goto(f"{notice_url}/receipts")
    expect(secretary.locator("#count-acknowledged")).to_be_visible()
    assert_mongolian(secretary)
    shot(secretary, "bureau-receipts")
