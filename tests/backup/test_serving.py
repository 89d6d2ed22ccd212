"""The serving lock from the server's side: held from the first request, and a 503 while a restore holds it."""

import fcntl
import os

from app.backup.serving import no_server_running


def test_a_server_answers_503_while_a_restore_holds_the_lock_and_serves_once_it_is_done(make_app, tmp_path):
    lock = tmp_path / "serving.lock"
    server = make_app(TESTING=False, SERVING_LOCK_FILE=str(lock))  # a test app holds no lock; a real one does
    client = server.test_client()

    with no_server_running(lock):  # what a restore holds while it runs
        during = client.get("/healthz")

    assert during.status_code == 503
    after = client.get("/healthz")
    assert after.status_code == 200

    # From now on this process serves, and holds the lock: a restore would be refused.
    probe = os.open(lock, os.O_RDWR)
    try:
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held = False
        except BlockingIOError:
            held = True
    finally:
        os.close(probe)
    assert held


def test_a_test_app_takes_no_lock(client, app, tmp_path):
    app.config["SERVING_LOCK_FILE"] = str(tmp_path / "serving.lock")
    assert client.get("/healthz").status_code == 200
    assert not (tmp_path / "serving.lock").exists()
