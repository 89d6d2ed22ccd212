"""The pages leave the browser's console clean: no script error, no request htmx reports as failed, nothing the
Content Security Policy refuses (htmx's own indicator styles included), while a secretary drafts with the live
format check, picks addressees and attaches files, and a clerk reads the inbox."""

import re

from tests.helpers.browser import expect

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
# Chromium logs every 4xx answer as "Failed to load resource"; the refused attachment is one, by design (its 422
# carries the form back, which htmx swaps in).
REFUSAL_LOGGED = "error: Failed to load resource: the server responded with a status of 422 (UNPROCESSABLE ENTITY)"


def watch(page) -> list[str]:
    """What the console says that a person would call a fault: errors, warnings, uncaught exceptions, CSP refusals."""
    said: list[str] = []
    page.on("console", lambda m: said.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: said.append(f"uncaught: {error}"))
    # A CSP refusal is an event of the document as well as a console line; both are caught.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP refused ' + e.violatedDirective + ' ' + (e.blockedURI || e.sample)))"
    )
    return said


def test_drafting_attaching_and_reading_leave_the_console_clean(open_as, shot):
    secretary = open_as("secretary")
    said = watch(secretary)
    secretary.goto("/notices/new")
    # The live format check answers as the secretary types.
    with secretary.expect_response(lambda r: r.url.endswith("/notices/lint")) as checked:
        secretary.fill("textarea[name=title]", "乌海市教育局关于做好2026年冬季学校供暖保障工作的通知")
    assert checked.value.ok
    secretary.fill("textarea[name=body]", "各单位要于12月10日前完成供暖设施检查。")
    # Whom the picks reach, counted as they are ticked.
    reach = secretary.locator("#reach-addressee")
    secretary.get_by_label("各区教育局", exact=True).first.check()
    expect(reach.locator("summary")).to_contain_text("3")
    expect(reach.locator(".reach-unreached").first).to_contain_text("转发")
    with secretary.expect_navigation():
        secretary.click("button[value=save]")
    assert re.search(r"/notices/\d+/edit$", secretary.url)

    # The attachment's name comes from the file; a refusal keeps the name typed and says why.
    panel = secretary.locator("#notice-attachments")
    panel.locator("input[type=file]").set_input_files(
        files=[{"name": "供暖设施检查表.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    expect(panel.locator("input[name=title]")).to_have_value("供暖设施检查表")
    panel.locator("input[name=title]").fill("附件1 供暖设施检查表")
    panel.locator("input[type=file]").set_input_files(
        files=[{"name": "检查表.pdf", "mimeType": "application/pdf", "buffer": b"<script>alert(1)</script>"}]
    )
    expect(panel.locator("input[name=title]")).to_have_value("附件1 供暖设施检查表")  # typed: not replaced
    with secretary.expect_response(lambda r: r.url.endswith("/attachments")) as refused:
        panel.get_by_role("button", name="添加附件").click()
    assert refused.value.status == 422
    panel = secretary.locator("#notice-attachments")
    expect(panel).to_contain_text("不接受此类文件")
    expect(panel.locator("input[name=title]")).to_have_value("附件1 供暖设施检查表")
    panel.locator("input[type=file]").set_input_files(
        files=[{"name": "供暖设施检查表.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    with secretary.expect_response(lambda r: r.url.endswith("/attachments")) as attached:
        panel.get_by_role("button", name="添加附件").click()
    assert attached.value.ok
    expect(secretary.locator("#notice-attachments ol.attachments")).to_contain_text("附件1 供暖设施检查表")
    shot(secretary, "editor-after-attaching")

    clerk = open_as("clerk_no3_middle", viewport={"width": 390, "height": 844})
    clerk_said = watch(clerk)
    clerk.goto("/")
    clerk.goto("/inbox")
    expect(clerk.locator(".inbox-item").first).to_be_visible()
    clerk.locator(".inbox-item a.inbox-title").first.click()
    clerk.wait_for_load_state("networkidle")

    assert said.count(REFUSAL_LOGGED) == 1
    assert [line for line in said if line != REFUSAL_LOGGED] == [] and clerk_said == [], said + clerk_said
