"""What a signed-in person is shown is never stored by a cache (a school's shared computer, a proxy); static files
keep their caching."""

from tests.helpers.notices import seed_notice


def _seed_notice_id(app) -> int:
    with app.app_context():
        return seed_notice().id


def test_every_response_to_a_signed_in_clerk_says_no_store(login, client, app):
    notice_id = _seed_notice_id(app)
    login("clerk_no1_middle")

    for url, headers in [
        ("/", {}),
        ("/inbox", {}),
        ("/inbox", {"HX-Request": "true"}),  # a fragment too
        (f"/notices/{notice_id}", {}),
        (f"/notices/{notice_id}/document.docx", {}),  # a download, which the app would otherwise let be revalidated
        ("/notices/999999", {}),  # an error page as well
    ]:
        response = client.get(url, headers=headers)
        assert response.headers.get("Cache-Control") == "no-store", (url, response.status_code)


def test_static_files_keep_their_caching_for_a_signed_in_person(login, client):
    login("clerk_no1_middle")
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_the_login_page_is_not_marked_for_a_visitor_not_signed_in(client):
    response = client.get("/login")
    assert "no-store" not in response.headers.get("Cache-Control", "")
