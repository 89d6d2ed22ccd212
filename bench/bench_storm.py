"""The receipt storm: every scale school's clerk presses 签收 on the same new notice at the same moment.

    .venv/bin/python bench/bench_storm.py [--units 300] [--pg postgresql://… [--pg-only]] [--servers 2]

Same set-up as bench_http.py: a fresh database made with `db upgrade`, `demo load` and `demo scale --units 300
--notices 1000`, gunicorn gthread (2 workers × 8 threads, --worker-connections 16) on a free port of 127.0.0.1,
sessions signed with the server's key instead of 300 scrypt logins (as tests/receipts/test_storm.py does). One client
thread per clerk, each on a new connection, released together by a barrier (once first with every clerk opening the
inbox, as servers that have been up all morning have served: their threads and pooled connections are warm); each
POSTs its unit's receipt for the newest notice as htmx does and times the answer. Prints p50, p90, p99 and max
latency and the number of errors, for the first press (which records the receipt) and for a second storm of the same
presses (which finds it already recorded).

Runs on SQLite; on PostgreSQL too when --pg or TEST_DATABASE_URL names a database. Not a test: nothing here asserts
a time; the receipt count is checked only so that a storm of refusals is not reported as fast.
"""

import contextlib
import http.client
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_http import (  # noqa: E402
    CORES,
    HOST,
    Backend,
    CpuUse,
    Gunicorn,
    arguments,
    backends,
    forge_sessions,
    load_average,
    measuring_cpu,
    percentile,
    pg_url_from,
    prepare,
    scale_clerks,
    sqlalchemy_url,
    stop_on_sigterm,
)

BARRIER_SECONDS = 60
REQUEST_TIMEOUT = 120


def newest_distributions(backend: Backend, unit_ids: set[int]) -> tuple[int, dict[int, int]]:
    """The newest scale notice and, per unit, the id of its distribution."""
    from sqlalchemy import create_engine, text

    engine = create_engine(sqlalchemy_url(backend.url))
    with engine.connect() as conn:
        notice_id = conn.execute(
            text(
                "SELECT max(notice_id) FROM distributions d JOIN units u ON u.id = d.unit_id"
                " WHERE u.code LIKE 'scale_%'"
            )
        ).scalar_one()
        rows = conn.execute(text("SELECT unit_id, id FROM distributions WHERE notice_id = :n"), {"n": notice_id}).all()
    engine.dispose()
    return notice_id, {unit_id: id_ for unit_id, id_ in rows if unit_id in unit_ids}


def acknowledged(backend: Backend, notice_id: int) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(sqlalchemy_url(backend.url))
    with engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM distributions WHERE notice_id = :n AND acknowledged_at IS NOT NULL"),
            {"n": notice_id},
        ).scalar_one()
    engine.dispose()
    return count


class Servers:
    """Several gunicorn servers on the same database, as several app hosts behind a load balancer (--servers N):
    the presses are dealt out among them in turn, and their workers' CPU is counted together."""

    def __init__(self, servers: list[Gunicorn]):
        self.servers = servers
        self.ports = [s.port for s in servers]

    def cpu_by_worker(self) -> dict[int, float]:
        merged: dict[int, float] = {}
        for server in self.servers:
            merged |= server.cpu_by_worker()
        return merged

    @property
    def description(self) -> str:
        return " and ".join(s.description for s in self.servers)


def storm(
    server: Servers, presses: list[tuple[int, dict]], warming: bool = False
) -> tuple[list[float], Counter, CpuUse]:
    """Each (distribution id, headers) POSTed by its own thread at once, to the servers in turn. Latencies in ms,
    statuses, CPU use. Warming, each clerk opens the inbox instead, all at once as well."""
    barrier = threading.Barrier(len(presses) + 1)
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter = Counter()

    def press(port: int, distribution_id: int, headers: dict):
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        try:
            barrier.wait(timeout=BARRIER_SECONDS)
        except threading.BrokenBarrierError:
            return
        started = time.perf_counter()
        try:
            if warming:
                connection.request("GET", "/inbox", headers={"Cookie": headers["Cookie"]})
            else:
                connection.request("POST", f"/inbox/{distribution_id}/receipt", body="", headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = -1
        finally:
            connection.close()
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            latencies.append(elapsed)
            statuses[status] += 1

    ports = server.ports
    threads = [
        threading.Thread(target=press, args=(ports[n % len(ports)], *p), daemon=True) for n, p in enumerate(presses)
    ]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=BARRIER_SECONDS)
    with measuring_cpu(server) as cpu:
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 10)
    return latencies, statuses, cpu


def report(label: str, presses: int, latencies: list[float], statuses: Counter, cpu: CpuUse) -> None:
    """Errors: answers other than 200, and presses that never got an answer in time."""
    errors = sum(n for status, n in statuses.items() if status != 200) + presses - len(latencies)
    print(
        f"  {label:<36}{percentile(latencies, 50):>8.0f}{percentile(latencies, 90):>8.0f}"
        f"{percentile(latencies, 99):>8.0f}{max(latencies, default=float('nan')):>8.0f}{errors:>8}{cpu.seconds:>9.2f}"
        f"{cpu.server * 1000 / max(1, len(latencies)):>9.1f}"
    )
    print(f"    cores: {cpu.describe()}")
    if errors:
        print(f"    statuses: {dict(statuses)}")


def run(backend: Backend, args, log_dir: Path) -> None:
    prepared = prepare(backend, args.units, args.notices)
    visitors = forge_sessions(backend, scale_clerks(args.units))
    notice_id, distribution_of = newest_distributions(backend, {v.unit_id for v in visitors.values()})
    presses = [
        (
            distribution_of[v.unit_id],
            v.headers(**{"HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded"}),
        )
        for v in visitors.values()
    ]
    with contextlib.ExitStack() as stack:
        server = Servers(
            [
                stack.enter_context(
                    Gunicorn(backend, log_dir, workers=args.workers, threads=args.threads, extra=args.gunicorn)
                )
                for _ in range(args.servers)
            ]
        )
        print(
            f"{backend.name}: demo scale {args.units} units × {args.notices} notices (prepared in {prepared:.0f} s); "
            f"{server.description}; {len(presses)} clerks, one thread and one new connection each"
        )
        print(
            f"  client and server share this machine's {CORES} cores; latency counts from the barrier's release; "
            f"CPU ms: the workers' per receipt; load average before: {load_average()}"
            + ("; PostgreSQL's own processes count as other processes" if backend.name == "PostgreSQL" else "")
        )
        # Servers that have been up all morning: every thread has served, every pooled connection is open.
        storm(server, presses, warming=True)
        print(f"  {'ms':<36}{'p50':>8}{'p90':>8}{'p99':>8}{'max':>8}{'errors':>8}{'wall s':>9}{'CPU ms':>9}")
        first = storm(server, presses)
        report("first press (records the receipt)", len(presses), *first)
        recorded = acknowledged(backend, notice_id)
        second = storm(server, presses)
        report("second press (already recorded)", len(presses), *second)
        print(f"  receipts recorded: {recorded} of {len(presses)}; still {acknowledged(backend, notice_id)} after both")
        p99 = percentile(first[0], 99)
        verdict = "met" if p99 < 1000 and recorded == len(presses) else "NOT met"
        servers = f", {args.servers} servers" if args.servers > 1 else ""
        print(
            f"  STORM {backend.name}{servers} p50 {percentile(first[0], 50):.0f} ms p99 {p99:.0f} ms "
            f"(target p99 under 1000 ms: {verdict})"
        )


def main() -> None:
    stop_on_sigterm()
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=1, help="gunicorn servers on the same database (default 1)")
    parser.add_argument("--pg-only", action="store_true", help="PostgreSQL only (with --pg)")
    args = parser.parse_args()
    if not 1 <= args.units <= 1000:
        sys.exit("--units: from 1 to 1000 (one client thread each)")
    with backends(pg_url_from(args.pg)) as (sqlite, postgres):
        for backend in filter(None, (None if args.pg_only else sqlite, postgres)):
            run(backend, args, sqlite.files_dir.parent)
            print()


if __name__ == "__main__":
    os.environ.setdefault("APP_ENV", "testing")
    main()
