"""The reply (回执) a notice asks for: the secretary chooses its fields in the editor, or none."""

import pytest

from tests.helpers.notices import draft_through_the_editor, get_notice, seed_form

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _fields(**rows):
    """reply_fields-N-… form data from {N: (label, type, required)}."""
    data = {}
    for n, (label, kind, required) in rows.items():
        data[f"reply_fields-{n}-label"] = label
        data[f"reply_fields-{n}-type"] = kind
        if required:
            data[f"reply_fields-{n}-required"] = "y"
    return data


def test_a_notice_asks_for_no_reply_unless_fields_are_given(bureau_login, client, app):
    bureau_login("secretary")
    notice = get_notice(app, draft_through_the_editor(client, app))
    assert notice.reply_fields == []
    assert notice.reply_requested is False


def test_the_usual_fields_come_in_one_press_and_nothing_typed_is_lost(bureau_login, client, app):
    bureau_login("secretary")
    response = client.post("/notices/new", data=seed_form(app, action="usual_reply_fields", title="关于报送名单的通知"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for label in ("参加人员", "联系电话", "备注"):
        assert f'value="{label}"' in page
    assert "关于报送名单的通知" in page  # the draft is not saved, and the title typed is still there


def test_fields_are_saved_in_order_and_a_row_without_a_label_is_dropped(bureau_login, client, app):
    bureau_login("secretary")
    rows = _fields(**{"0": ("报名人数", "number", True), "1": ("", "text", False), "2": ("材料", "file", False)})
    notice = get_notice(app, draft_through_the_editor(client, app, **rows))
    assert notice.reply_fields == [
        {"key": "f1", "label": "报名人数", "type": "number", "required": True},
        {"key": "f2", "label": "材料", "type": "file", "required": False},
    ]
    assert notice.reply_requested is True
    # The editor shows them again as saved.
    page = client.get(f"/notices/{notice.id}/edit").get_data(as_text=True)
    assert 'value="报名人数"' in page and 'value="材料"' in page


def test_removing_a_field_keeps_the_others(bureau_login, client, app):
    bureau_login("secretary")
    rows = _fields(**{"0": ("参加人员", "text", True), "1": ("联系电话", "phone", True)})
    response = client.post("/notices/new", data=seed_form(app, action="remove_reply_field:0", **rows))
    page = response.get_data(as_text=True)
    assert 'value="联系电话"' in page
    assert 'value="参加人员"' not in page


def test_a_kind_of_field_the_app_does_not_know_is_refused(bureau_login, client, app):
    bureau_login("secretary")
    response = client.post("/notices/new", data=seed_form(app, **_fields(**{"0": ("签名", "signature", True)})))
    assert response.status_code == 422
    assert 'value="签名"' in response.get_data(as_text=True)
