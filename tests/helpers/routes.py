"""Every route of the app, and an account for each role: what the access and hostile-input tests walk."""

ROLES = ["anonymous", "admin", "secretary", "reviewer", "signer", "staff", "translator", "clerk"]
ACCOUNTS = {
    "admin": "admin",
    "secretary": "secretary",
    "reviewer": "reviewer",
    "signer": "signer",
    "staff": "staff",
    "translator": "translator",
    "clerk": "clerk_no1_middle",
}
# Values for the URL variables: ids of demo objects, or a plausible word.
VALUES = {"action": "submitted", "filename": "css/app.css"}


def every_route(app) -> list[tuple[str, str, str]]:
    """(method, url, endpoint) of every rule in the URL map but static files, with demo ids in its variables."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            values = {arg: VALUES.get(arg, 1) for arg in rule.arguments}
            with app.test_request_context():
                url = app.url_for(rule.endpoint, **values)
            routes.append((method, url, rule.endpoint))
    return routes
