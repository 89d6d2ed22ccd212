"""The task pages and exports with the demo's 65 tasks, then with 2 000 more tasks for 300 more schools.

    .venv/bin/python bench/bench_tasks.py

Prints the median time of each page (through the test client, SQLite) and of the .docx and .xlsx exports, and the
number of SQL queries each page runs: the counts must not grow with the data.
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("APP_ENV", "testing")

from sqlalchemy import event, select  # noqa: E402

from app import create_app  # noqa: E402
from app.auth.models import User  # noqa: E402
from app.demo.loader import load_demo  # noqa: E402
from app.demo.pairings import assign_lead_units, tasks_from_pairings  # noqa: E402
from app.demo.scale import add_units  # noqa: E402
from app.extensions import db  # noqa: E402
from app.tasks.export import tasks_docx, tasks_xlsx  # noqa: E402
from app.tasks.models import Assignment, Milestone, ProgressReport, Task  # noqa: E402
from app.units.models import Unit  # noqa: E402

PASSWORD = "bench-pass-123"


def build(tmp: str):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
            "FILES_DIR": f"{tmp}/files",
            "WTF_CSRF_ENABLED": False,
        }
    )
    if "tasks" not in app.blueprints:
        from app.tasks.routes import bp

        app.register_blueprint(bp)
    with app.app_context():
        db.create_all()
        load_demo(PASSWORD)
        notice = _notice()
        tasks_from_pairings(notice)
        assign_lead_units(notice)
        db.session.commit()
    return app


def _notice():
    from app.notices.models import Notice

    return db.session.scalar(select(Notice).where(Notice.serial == 75))


def grow(app, tasks: int, schools: int) -> None:
    with app.app_context():
        units = add_units(schools, PASSWORD)
        notice = _notice()
        parent = db.session.scalar(select(Task).where(Task.source_notice_id == notice.id, Task.code == "8"))
        lead = db.session.scalar(select(Unit).where(Unit.code == "no1_middle"))
        author = db.session.scalar(select(User).where(User.username == "clerk_no1_middle"))
        for n in range(tasks):
            school = units[n % len(units)]
            task = Task(
                code=f"8-B{n}",
                title=f"结对任务{n}",
                source_notice=notice,
                parent=parent,
                lead_unit=lead,
                cooperating_units=[school],
                due_on=date(2024, 12, 31),
                sort_order=1000 + n,
            )
            task.milestones = [Milestone(title="阶段一", due_on=date(2024, 6, 30))]
            first = Assignment(unit=lead, role="lead")
            first.reports = [ProgressReport(text="进展", state="in_progress", author=author)]
            task.assignments = [first, Assignment(unit=school, role="cooperate")]
            db.session.add(task)
        db.session.commit()


def measure(app, client, path: str, rounds: int = 5) -> tuple[float, int]:
    with app.app_context():
        engine = db.engine
    statements = []

    def count(*args):
        statements.append(1)

    samples = []
    for round_ in range(rounds + 1):
        if round_ == 1:
            event.listen(engine, "before_cursor_execute", count)
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, path
    event.remove(engine, "before_cursor_execute", count)
    return statistics.median(samples[1:]), len(statements) // rounds


def login(client, username):
    client.post("/logout")
    client.post("/login", data={"username": username, "password": PASSWORD})


def report(app, label: str) -> None:
    client = app.test_client()
    with app.app_context():
        notice_id = _notice().id
        tasks = db.session.scalar(select(db.func.count(Task.id)))
    print(f"\n{label}: {tasks} tasks")
    login(client, "staff")
    for path in (f"/notices/{notice_id}/tasks", "/tasks/dashboard", "/tasks"):
        ms, queries = measure(app, client, path)
        print(f"  {path:<28} {ms:8.1f} ms  {queries:3d} queries")
    login(client, "clerk_no1_middle")
    ms, queries = measure(app, client, "/tasks")
    print(f"  {'/tasks (clerk of 市一中)':<28} {ms:8.1f} ms  {queries:3d} queries")
    with app.app_context():
        notice = _notice()
        for name, export in (("docx", tasks_docx), ("xlsx", tasks_xlsx)):
            start = time.perf_counter()
            data = export(notice)
            print(f"  export .{name:<21} {(time.perf_counter() - start) * 1000:8.1f} ms  {len(data) // 1024:5d} KiB")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        app = build(tmp)
        report(app, "demo")
        grow(app, 2000, 300)
        report(app, "demo + 2 000 tasks, 300 schools")
        with app.app_context():
            db.engine.dispose()
