"""The editor's GB/T 9704 elements in Chromium: a secretary drafts an urgent 请示 with its 签发人 on a phone and on a
desktop, and what she typed is on the saved notice; a classified mark is refused with its reason and nothing typed is
lost. The fields fit a 390 px phone without the page scrolling sideways.
"""

from tests.helpers.browser import expect

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def _fill_the_request(page, title: str) -> None:
    page.goto("/notices/new")
    page.fill("#title", title)
    page.fill("#body", "为进一步扩大普惠性学前教育资源，现申请专项资金。\n妥否，请批示。")
    page.locator("details.elements summary").click()
    page.select_option("#urgency", "特急")
    page.check("#upward")
    page.fill("#signers_text", "董跃飞")
    page.fill("#addressee_others", "乌海市人民政府")


def test_an_urgent_request_upward_is_drafted_with_its_signer(open_as, shot):
    for size, options in (("desktop", {}), ("phone", PHONE)):
        page = open_as("secretary", **options)
        title = f"乌海市教育局关于申请学前教育专项资金的请示（{size}）"
        _fill_the_request(page, title)
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], size
        shot(page, f"request-editor-{size}")
        page.locator("button[name=action][value=save]").first.click()
        expect(page.locator("body")).to_contain_text("草稿已保存")
        page.get_by_role("link", name="返回公文").click()
        expect(page.locator("h1")).to_have_text(title)
        expect(page.locator(".notice-state .badge-urgent")).to_have_text("特急")
        expect(page.locator(".notice-heading")).to_contain_text("签发人：董跃飞")
        shot(page, f"request-saved-{size}")


def test_a_classified_mark_is_refused_and_keeps_what_was_typed(open_as, shot):
    page = open_as("secretary")
    _fill_the_request(page, "乌海市教育局关于涉密事项的请示")
    page.select_option("#classification", "秘密")
    page.fill("#classification_period", "1年")
    page.locator("button[name=action][value=save]").first.click()
    expect(page.locator("body")).to_contain_text("涉密文件不得在非涉密网络中处理")
    assert page.input_value("#title") == "乌海市教育局关于涉密事项的请示"
    assert page.input_value("#classification_period") == "1年"
    assert page.input_value("#signers_text") == "董跃飞"
    shot(page, "classified-refused")
