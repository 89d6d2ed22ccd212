"""Fixtures of the task tests.

Until app/__init__.py registers the tasks blueprint and command, and app/demo/loader.py turns the pairings into
tasks, these fixtures do it; once they do, the fixtures change nothing (every step here is idempotent).
"""

import pytest

from app.extensions import db


@pytest.fixture
def make_app(make_app):
    def factory(**overrides):
        app = make_app(**overrides)
        if "tasks" not in app.blueprints:
            from app.tasks.routes import bp

            app.register_blueprint(bp)
        if "tasks" not in app.cli.commands:
            from app.tasks.commands import tasks_cli

            app.cli.add_command(tasks_cli)
        return app

    return factory


@pytest.fixture
def demo(demo):
    """The demo, with a task per pairing and every task assigned to its units."""
    from app.tasks.services import assign_lead_units, tasks_from_pairings
    from tests.tasks.helpers import seed_notice

    with demo.app_context():
        notice = seed_notice()
        tasks_from_pairings(notice)
        assign_lead_units(notice)
        db.session.commit()
    return demo


@pytest.fixture
def smtp_server():
    """A real SMTP server on localhost (aiosmtpd) that keeps what it receives."""
    import socket

    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()
