"""Gunicorn throughput of the inbox and the notice list as a ratio to /healthz, and a worker's memory.

    .venv/bin/python bench/bench_http.py [--seconds 10] [--clients 8] [--pg postgresql://…]

A fresh database in a temporary directory is made the way an operator would (`db upgrade`, `demo load`,
`demo scale --units 300 --notices 1000`), then gunicorn serves it as a small production would (gthread, 2 workers
× 8 threads, --worker-connections 16) on a free port of 127.0.0.1. Client threads on keep-alive connections ask for
one page each for a fixed time after a warm-up: /healthz, /inbox as the scale clerks (each client a different
school) and /notices as the secretary. Sessions are signed with the server's key instead of logging in, as
tests/receipts/test_storm.py does.
Then a worker's resident memory before and after 10 000 (and 20 000) requests mixed over those pages.

Runs on SQLite; on PostgreSQL too when --pg or TEST_DATABASE_URL names a database (in a schema of its own, dropped
at the end). Not a test: nothing here asserts a time. The scripts in bench/ share this harness (bench_storm.py).
"""

import argparse
import http.client
import itertools
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("APP_ENV", "testing")  # this process only signs sessions; the server runs in production

HOST = "127.0.0.1"
SECRET = "bench-" + secrets.token_hex(24)
PASSWORD = "bench-password-123"
# The forged session carries Flask-Login's identifier for this address and agent, as a real login would.
USER_AGENT = "bench/1"
CORES = os.cpu_count() or 1
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
WORKER_CONNECTIONS = 16  # gunicorn --worker-connections, as in the README's production command
# Every wait below is bounded.
READY_SECONDS = 60
REQUEST_TIMEOUT = 60


# The database


@dataclass
class Backend:
    name: str
    url: str  # as the server's DATABASE_URL
    files_dir: Path


def pg_url_from(args_pg: str | None) -> str:
    return args_pg or os.environ.get("TEST_DATABASE_URL", "")


def sqlalchemy_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@contextmanager
def backends(pg_url: str):
    """SQLite in a temporary directory, then PostgreSQL in a schema of its own when a URL is given."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        yield _sqlite(tmp), (_postgres(pg_url, tmp) if pg_url else None)
    finally:
        if pg_url:
            _drop_schema(pg_url)
        shutil.rmtree(tmp, ignore_errors=True)


def _sqlite(tmp: Path) -> Backend:
    return Backend("SQLite", f"sqlite:///{tmp / 'bench.db'}", tmp / "files-sqlite")


def _schema() -> str:
    return f"bench_{os.getpid()}"


def _postgres(pg_url: str, tmp: Path) -> Backend:
    import sqlalchemy as sa

    _drop_schema(pg_url)
    engine = sa.create_engine(sqlalchemy_url(pg_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{_schema()}"'))
    engine.dispose()
    url = f"{sqlalchemy_url(pg_url)}{'&' if '?' in pg_url else '?'}options=-csearch_path%3D{_schema()}"
    return Backend("PostgreSQL", url, tmp / "files-pg")


def _drop_schema(pg_url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(sqlalchemy_url(pg_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{_schema()}" CASCADE'))
    engine.dispose()


def server_env(backend: Backend) -> dict:
    return dict(
        os.environ,
        APP_ENV="production",
        SECRET_KEY=SECRET,
        DATABASE_URL=backend.url,
        SESSION_COOKIE_SECURE="0",
        FILES_DIR=str(backend.files_dir),
        PDF_ON_ISSUE="0",
    )


def prepare(backend: Backend, units: int, notices: int) -> float:
    """db upgrade, demo load, demo scale: the commands an operator runs. Returns the seconds taken."""
    started = time.perf_counter()
    for command in (
        ["db", "upgrade"],
        ["demo", "load", "--password", PASSWORD],
        ["demo", "scale", "--units", str(units), "--notices", str(notices), "--password", PASSWORD],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *command],
            cwd=ROOT,
            env=server_env(backend),
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            sys.exit(f"flask {' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-4000:]}")
    if backend.name == "PostgreSQL":
        _settle(backend)
    return time.perf_counter() - started


def _settle(backend: Backend) -> None:
    """VACUUM ANALYZE what was just loaded, as autovacuum does on a database that has been up a while: otherwise it
    starts on the freshly loaded tables in the middle of the measurement, and its CPU is counted as the pages'."""
    import sqlalchemy as sa

    engine = sa.create_engine(sqlalchemy_url(backend.url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("VACUUM (ANALYZE)"))
    engine.dispose()


# The server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn wsgi:app on a free port, in a process group of its own, stopped on leaving the block."""

    def __init__(self, backend: Backend, log_dir: Path, *, workers: int = 2, threads: int = 8, extra: str = ""):
        self.backend, self.workers, self.threads, self.extra = backend, workers, threads, shlex.split(extra)
        self.port = free_port()
        self.log_path = log_dir / f"gunicorn-{backend.name.lower()}-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        self.log = open(self.log_path, "w")
        command = [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--worker-class", "gthread"]
        command += ["--threads", str(self.threads), "--bind", f"{HOST}:{self.port}", "--backlog", "1024"]
        # As the README's production command: a worker with 16 open connections leaves the next ones to the other
        # workers, so that a burst of new connections (the receipt storm) is shared instead of taken by one worker.
        command += ["--worker-connections", str(WORKER_CONNECTIONS)]
        command += ["--timeout", "120", *self.extra, "wsgi:app"]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=server_env(self.backend),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if get(self.port, "/healthz")[0] == 200 and len(self.worker_pids()) == self.workers:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__(None, None, None)
        sys.exit("gunicorn did not answer /healthz:\n" + self.log_path.read_text()[-3000:])

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # the group start_new_session made: ours alone
                self.process.wait(timeout=10)
        self.log.close()

    @property
    def description(self) -> str:
        extra = f" {shlex.join(self.extra)}" if self.extra else ""
        size = f"{self.workers} workers × {self.threads} threads, {WORKER_CONNECTIONS} connections each"
        return f"gunicorn gthread, {size}{extra}"

    def worker_pids(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return sorted(pids)

    def rss_mib(self) -> dict[int, float]:
        out = {}
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out[pid] = int(line.split()[1]) / 1024
        return out

    def cpu_seconds(self) -> float:
        """User and system time of the workers so far."""
        return sum(self.cpu_by_worker().values())

    def cpu_by_worker(self) -> dict[int, float]:
        out = {}
        for pid in self.worker_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            out[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        return out


# Sessions


@dataclass
class Visitor:
    """What a logged-in browser sends: the session cookie and the CSRF header htmx takes from <body>."""

    username: str
    cookie: str
    csrf_token: str
    unit_id: int

    def headers(self, **extra) -> dict:
        return {"Cookie": f"session={self.cookie}", "X-CSRFToken": self.csrf_token, "User-Agent": USER_AGENT} | extra


def forge_sessions(backend: Backend, usernames: list[str]) -> dict[str, Visitor]:
    """Sign each user's session with the server's key: the subject is the page, not scrypt. The session itself is
    opened as a login opens it (a user_sessions row, the cookie naming its token, permanent)."""
    from flask import g, session
    from flask_wtf.csrf import generate_csrf
    from sqlalchemy import select

    from app import create_app
    from app.auth.models import User
    from app.auth.sessions import log_in
    from app.extensions import db

    app = create_app(
        {
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(backend.url),
            "FILES_DIR": str(backend.files_dir),
        }
    )
    serializer = app.session_interface.get_signing_serializer(app)
    out = {}
    with app.app_context():
        users = db.session.scalars(select(User).where(User.username.in_(usernames))).all()
        for user in users:
            with app.test_request_context("/", headers={"User-Agent": USER_AGENT}, environ_base={"REMOTE_ADDR": HOST}):
                g.pop("csrf_token", None)  # Flask-WTF caches the token on g, which this app context shares
                log_in(user)  # a session of the account (a row of user_sessions), as the login view opens it
                token = generate_csrf()
                out[user.username] = Visitor(user.username, serializer.dumps(dict(session)), token, user.unit_id)
        db.session.remove()
        db.engine.dispose()
    missing = set(usernames) - set(out)
    if missing:
        sys.exit(f"no such users: {sorted(missing)[:5]}")
    return out


def scale_clerks(count: int) -> list[str]:
    return [f"clerk_scale_{number:04d}" for number in range(1, count + 1)]


# The client


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class CpuUse:
    """Where the cores went during a measurement: the server's workers, this client, everything else."""

    seconds: float = 0.0
    server: float = 0.0
    client: float = 0.0
    machine: float = 0.0
    by_worker: list[float] = field(default_factory=list)

    def share(self, cpu_seconds: float) -> float:
        return cpu_seconds / self.seconds / CORES if self.seconds else float("nan")

    def describe(self) -> str:
        others = max(0.0, self.machine - self.server - self.client)
        workers = " + ".join(f"{self.share(w) * CORES:.0%}" for w in self.by_worker)
        return (
            f"server {self.share(self.server):.0%} (each worker, of one core: {workers}), "
            f"this client {self.share(self.client):.0%}, other processes {self.share(others):.0%} of {CORES} cores"
        )


def _machine_busy_seconds() -> float:
    """Busy time of all cores since boot, from /proc/stat (everything but idle and iowait)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / CLOCK_TICKS


@contextmanager
def measuring_cpu(server: "Gunicorn"):
    use = CpuUse()
    wall, client, machine = time.perf_counter(), time.process_time(), _machine_busy_seconds()
    workers = server.cpu_by_worker()
    try:
        yield use
    finally:
        use.seconds = time.perf_counter() - wall
        use.client = time.process_time() - client
        after = server.cpu_by_worker()
        use.by_worker = [after[pid] - workers.get(pid, 0.0) for pid in sorted(after)]
        use.server = sum(use.by_worker)
        use.machine = _machine_busy_seconds() - machine


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    cpu: CpuUse = field(default_factory=CpuUse)
    expected: int = 200

    @property
    def seconds(self) -> float:
        return self.cpu.seconds

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != self.expected)

    def percentile(self, p: float) -> float:
        return percentile(self.latencies_ms, p)


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: the smallest value at or above p per cent of them."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def drive(server: Gunicorn, plans: list, *, seconds: float, limit: int | None = None, expected: int = 200) -> Tally:
    """One thread per plan (an iterator of (path, headers)) on a keep-alive connection of its own.

    Stops after `seconds`, or sooner once `limit` requests have been answered.
    """
    tally = Tally(expected=expected)
    lock = threading.Lock()
    issued = itertools.count()
    deadline = time.monotonic() + seconds

    def client(plan):
        connection = http.client.HTTPConnection(HOST, server.port, timeout=REQUEST_TIMEOUT)
        latencies, statuses = [], Counter()
        for path, headers in plan:
            if time.monotonic() >= deadline or (limit is not None and next(issued) >= limit):
                break
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException):
                status = -1
                connection.close()
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[status] += 1
        connection.close()
        with lock:
            tally.latencies_ms.extend(latencies)
            tally.statuses.update(statuses)

    threads = [threading.Thread(target=client, args=(plan,), daemon=True) for plan in plans]
    with measuring_cpu(server) as tally.cpu:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + REQUEST_TIMEOUT + 10)
    return tally


def check_page(server: Gunicorn, path: str, headers: dict, marker: str) -> None:
    """Once before timing: the page answers 200 with what a user would look for, not a login redirect."""
    status, body = get(server.port, path, headers)
    if status != 200 or marker.encode() not in body:
        sys.exit(f"{path} answered {status} without {marker!r}: the numbers would mean nothing")


# The measurements


def throughput(server: Gunicorn, pages: list, *, seconds: float, warmup: float) -> dict[str, Tally]:
    results = {}
    for label, plans, expected in pages:
        # The reference rows (indented) only help reading the others: half the time.
        share = 0.5 if label.startswith(" ") else 1.0
        drive(server, plans(), seconds=warmup * share, expected=expected)
        results[label] = drive(server, plans(), seconds=seconds * share, expected=expected)
    return results


def print_throughput(backend: Backend, results: dict[str, Tally]) -> None:
    base = results["/healthz"]
    print(
        f"  {'page':<34}{'req/s':>8}{'ratio':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'server CPU ms/req':>19}{'CPU ratio':>11}"
    )
    for label, tally in results.items():
        print(
            f"  {label:<34}{tally.per_second:>8.0f}{tally.per_second / base.per_second:>8.2f}"
            f"{tally.percentile(50):>9.1f}{tally.percentile(99):>9.1f}{tally.errors:>8}"
            f"{cpu_per_request(tally):>19.2f}{cpu_per_request(base) / cpu_per_request(tally):>11.2f}"
        )
        if tally.errors:
            print(f"    statuses: {dict(tally.statuses)}")
    for label, tally in results.items():
        print(f"  cores during {label.strip()}: {tally.cpu.describe()}")
    print(
        "  CPU ratio: /healthz's server CPU per request over the page's: the throughput ratio if the server had the "
        "cores to itself"
    )
    for label in ("/inbox", "/notices"):
        for key, tally in results.items():
            if key.startswith(label):
                ratio = tally.per_second / base.per_second
                verdict = "met" if ratio >= 0.5 else "NOT met"
                print(
                    f"  RATIO {backend.name} {label} {ratio:.2f} of /healthz, {tally.per_second:.0f} req/s "
                    f"(target at least 0.50: {verdict})"
                )


def cpu_per_request(tally: Tally) -> float:
    return tally.cpu.server * 1000 / tally.requests if tally.requests else float("nan")


def memory(server: Gunicorn, mixed, *, rounds: int, per_round: int, clients: int) -> None:
    name = server.backend.name
    before = server.rss_mib()
    pids = sorted(before)
    print(f"  {'worker VmRSS, MiB':<34}" + "".join(f"{'pid ' + str(pid):>12}" for pid in pids))
    print(f"  {'after start-up':<34}" + "".join(f"{before[pid]:>12.1f}" for pid in pids))
    for round_no in range(1, rounds + 1):
        tally = drive(server, mixed(clients), seconds=600, limit=per_round)
        after = server.rss_mib()
        label = f"after {round_no * per_round:,} requests".replace(",", " ")
        print(f"  {label:<34}" + "".join(f"{after.get(pid, float('nan')):>12.1f}" for pid in pids))
        if tally.errors:
            print(f"    statuses: {dict(tally.statuses)}")
        if round_no == 1:
            print(
                f"  MEMORY {name} after {per_round} requests: {max(after.values()):.1f} MiB "
                f"(start-up {max(before.values()):.1f} MiB), largest worker"
            )


def run(backend: Backend, args, log_dir: Path) -> None:
    prepared = prepare(backend, args.units, args.notices)
    clerks = scale_clerks(min(args.units, max(args.clients, 16)))
    visitors = forge_sessions(backend, ["secretary", *clerks])
    secretary = visitors["secretary"]
    clerk_visitors = [visitors[name] for name in clerks]

    anonymous = {"User-Agent": USER_AGENT}
    fragment = {"HX-Request": "true"}

    def pages_for(label, path, headers_of, expected=200):
        def plans():
            return [itertools.repeat((path, headers_of(i))) for i in range(args.clients)]

        return label, plans, expected

    def clerk(i, **extra):
        return clerk_visitors[i % len(clerk_visitors)].headers(**extra)

    pages = [
        pages_for("/healthz", "/healthz", lambda i: anonymous),
        pages_for("/inbox (a scale clerk, page 1)", "/inbox", clerk),
        pages_for("/notices (secretary, page 1)", "/notices", lambda i: secretary.headers()),
        # What a logged-in request costs before any page: for reading the two above.
        pages_for("  /login (signed-in clerk: 302 to /)", "/login", clerk, 302),
        pages_for("  /profile (secretary, small page)", "/profile", lambda i: secretary.headers()),
        pages_for("  /inbox, htmx fragment", "/inbox", lambda i: clerk(i, **fragment)),
        pages_for("  /notices, htmx fragment", "/notices", lambda i: secretary.headers(**fragment)),
    ]

    def mixed(clients):
        """Page 1 and a later page of each list, the fragments htmx asks for (a filter, a search), /healthz."""

        def plan(i):
            clerk = clerk_visitors[i % len(clerk_visitors)]
            return itertools.cycle(
                [
                    ("/healthz", anonymous),
                    ("/inbox", clerk.headers()),
                    (f"/inbox?page={2 + i % 40}", clerk.headers()),
                    ("/inbox?pending=1", clerk.headers(**fragment)),
                    ("/notices", secretary.headers()),
                    (f"/notices?page={2 + i % 40}", secretary.headers()),
                    (f"/notices?q={quote('测试通知')}", secretary.headers(**fragment)),
                ]
            )

        return [plan(i) for i in range(clients)]

    with Gunicorn(backend, log_dir, workers=args.workers, threads=args.threads, extra=args.gunicorn) as server:
        check_page(server, "/inbox", clerk_visitors[0].headers(), "关于测试通知")
        check_page(server, "/notices", secretary.headers(), "关于测试通知")
        print(
            f"{backend.name}: demo scale {args.units} units × {args.notices} notices (prepared in {prepared:.0f} s); "
            f"{server.description}; {args.clients} client threads on keep-alive connections"
        )
        print(
            f"  client and server share this machine's {CORES} cores ('cores during' below says who used them; "
            f"server CPU per request does not depend on it); load average before: {load_average()}"
            + ("; PostgreSQL's own processes count as other processes" if backend.name == "PostgreSQL" else "")
        )
        print(f"  memory: {args.memory_requests} requests mixed over the inbox, the notice list and their pages")
        memory(server, mixed, rounds=args.memory_rounds, per_round=args.memory_requests, clients=args.clients)
        print(
            f"  throughput: {args.seconds:g} s per page after {args.warmup:g} s of warm-up "
            "(the indented reference rows half that)"
        )
        print_throughput(backend, throughput(server, pages, seconds=args.seconds, warmup=args.warmup))


def arguments(description: str):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--units", type=int, default=300, help="demo scale --units (default 300)")
    parser.add_argument("--notices", type=int, default=1000, help="demo scale --notices (default 1000)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker (default 8)")
    parser.add_argument(
        "--gunicorn", default="", metavar="ARGS", help='more gunicorn options: "--worker-connections 1000"'
    )
    parser.add_argument("--pg", metavar="URL", help="also on this PostgreSQL database (default: TEST_DATABASE_URL)")
    return parser


def stop_on_sigterm() -> None:
    """SIGTERM (run_all's time limit, a CI runner) leaves through the with-blocks, which stop gunicorn."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def main() -> None:
    stop_on_sigterm()
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="timed seconds per page (default 10)")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up seconds per page (default 2)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client connections (default 8)")
    parser.add_argument("--memory-requests", type=int, default=10_000, help="requests per memory round")
    parser.add_argument("--memory-rounds", type=int, default=2, help="memory rounds (default 2)")
    args = parser.parse_args()
    # Bounded whatever is asked: every loop below has a count and a time limit.
    args.seconds, args.warmup, args.clients = (
        min(args.seconds, 120),
        min(args.warmup, 30),
        min(max(args.clients, 1), 64),
    )
    args.memory_requests, args.memory_rounds = min(args.memory_requests, 100_000), min(args.memory_rounds, 10)
    with backends(pg_url_from(args.pg)) as (sqlite, postgres):
        for backend in filter(None, (sqlite, postgres)):
            run(backend, args, sqlite.files_dir.parent)
            print()


if __name__ == "__main__":
    main()
