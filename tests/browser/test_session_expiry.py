"""A session that ends while a page is open: the next htmx request takes the whole page to the login form.

The server answers an htmx request without a valid session with HX-Redirect (never a login form inside a
fragment); htmx then loads the login page in place of the page. The session cookie is either gone (expired in the
browser, or cleared) or no longer accepted by the server (signed with a key the server no longer has).
"""

import re

import pytest

from tests.helpers.browser import ACTION_TIMEOUT_MS, PASSWORD, REFRESH_SECONDS, SEED_NUMBER, expect

STILL_TO_ACKNOWLEDGE = "乌教发〔2024〕3号"

# The receipt view polls every REFRESH_SECONDS: wait for two rounds and some.
NEXT_POLL_TIMEOUT_MS = max(ACTION_TIMEOUT_MS, 2_500 * REFRESH_SECONDS)


def end_session(page, how: str) -> None:
    """Take the session away, as expiry would. Call it only when no answer is on its way to the page: every answer
    renews the session cookie (the session is permanent, refreshed on each request), so one still in flight would
    bring the cookie back."""
    context = page.context
    if how == "removed":
        context.clear_cookies()
        return
    session = next(c for c in context.cookies() if c["name"] == "session")
    # Same shape, another signature: what a cookie from before a key change (or a forged one) looks like.
    payload, _, _signature = session["value"].rpartition(".")
    context.add_cookies([{**session, "value": f"{payload}.{'A' * 27}"}])


def htmx_redirects(page) -> list[str]:
    """Start recording the HX-Redirect headers of the answers this page gets; returns the list it fills."""
    redirects = []

    def record(response):
        target = response.headers.get("hx-redirect")
        if target:
            redirects.append(target)

    page.on("response", record)
    return redirects


@pytest.mark.parametrize("how", ["removed", "invalid"])
def test_the_polling_receipt_view_goes_to_login_when_the_session_ends(open_as, shot, how):
    secretary = open_as("secretary")
    secretary.goto("/notices")
    with secretary.expect_navigation():
        secretary.locator("tr", has_text=SEED_NUMBER).get_by_role("link").first.click()
    receipts_path = re.search(r"/notices/\d+$", secretary.url).group(0) + "/receipts"
    secretary.goto(receipts_path)
    expect(secretary.locator("#count-acknowledged")).to_be_visible()
    redirects = htmx_redirects(secretary)

    # Right after a poll has finished, so that the session ends between two polls.
    with secretary.expect_request_finished(
        lambda request: request.url.endswith(receipts_path), timeout=NEXT_POLL_TIMEOUT_MS
    ):
        pass
    end_session(secretary, how)
    # The next poll (an htmx GET) gets HX-Redirect and the browser goes to the login page, which leads back here.
    secretary.wait_for_url(re.compile(r"/login\?next="), timeout=NEXT_POLL_TIMEOUT_MS)
    expect(secretary.locator("input[name=username]")).to_be_visible()
    assert redirects and redirects[0].startswith("/login")
    assert secretary.locator("#receipt-overview").count() == 0, "the login page must replace the page, not a part"
    shot(secretary, f"receipts-{how}-session")

    secretary.fill("input[name=username]", "secretary")
    secretary.fill("input[name=password]", PASSWORD)
    with secretary.expect_navigation():
        secretary.click("button[type=submit]")
    assert secretary.url.endswith(receipts_path)
    expect(secretary.locator("#count-acknowledged")).to_be_visible()


@pytest.mark.parametrize("how", ["removed", "invalid"])
def test_an_htmx_form_goes_to_login_when_the_session_ends(open_as, shot, how):
    clerk = open_as("clerk_haibowan")
    clerk.goto("/inbox")
    with clerk.expect_navigation():  # the demo notice 海勃湾区 has still to acknowledge (app/demo/in_hand.py)
        clerk.locator(".inbox-item", has_text=STILL_TO_ACKNOWLEDGE).locator("a.inbox-title").click()
    clerk.wait_for_load_state("networkidle")  # the page's own requests (the icon) are answered
    end_session(clerk, how)
    with clerk.expect_response(lambda response: response.url.endswith("/receipt")) as answer:
        clerk.click("#receipt button[type=submit]")  # htmx posts the receipt
    assert answer.value.headers.get("hx-redirect", "").startswith("/login"), f"answered {answer.value.status}"
    clerk.wait_for_url(re.compile(r"/login"))
    expect(clerk.locator("input[name=username]")).to_be_visible()
    assert clerk.locator("#receipt").count() == 0
    shot(clerk, f"receipt-{how}-session")
