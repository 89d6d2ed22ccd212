"""A gunicorn worker's resident memory over 20 000 requests of many different people.

    .venv/bin/python bench/bench_memory.py [--requests 20000] [--every 5000] [--clients 8] [--mix day|http]
                                           [--trace [--trace-frames 10]]

The world and the server are bench_http.py's (`db upgrade`, `demo load`, `demo scale --units 300 --notices 1000`,
gunicorn gthread, 2 workers × 8 threads). The clients then play a working day (`--mix day`, the default): the scale
clerks and the demo's own clerks open their inbox (pages, the pending filter as htmx), the notices in it, the home page
and its 待办 counter, and press 签收 now and then; the bureau's people (secretary, reviewer, signer, staff,
translator, admin) open the notice list with filters, searches and pages, notice pages and their receipt views (the
table as htmx too). `--mix http` plays bench_http.py's memory mix instead (16 clerks and the secretary on seven
requests). Each worker's VmRSS, with its anonymous (heap) and file-backed parts, is printed after start-up and after
every `--every` requests. The target of the issue: a worker's memory after 20 000 requests at most 10 % above its
memory after 10 000.

Read the figures per worker: gunicorn hands each keep-alive connection to one worker, so a worker may serve next to
nothing for thousands of requests and warm up later (its first pages compile templates and statements and fill the
connection pool). What a warmed worker adds from then on is what grows.

--trace loads a gunicorn config file of this script's (nothing in the app): each worker runs under tracemalloc
(`--trace-frames 0`: not), and after every round prints malloc's totals (in use, free inside its heaps), pymalloc's,
SQLite's own memory, the SQLAlchemy compiled cache, Jinja's template cache, the pool and the number of objects; at the
end, what tracemalloc saw grow between the middle and the end, by line and by the app's nearest lines, the
lru_caches and the object types that grew. tracemalloc makes the workers much slower: its RSS is not the figure to
quote. The server inherits this process's environment: `MALLOC_ARENA_MAX=2 .venv/bin/python bench/bench_memory.py`
tries glibc's arena limit.

Not a test: nothing here asserts. Sessions are signed with the server's key, as in bench_http.py.
"""

import http.client
import itertools
import json
import os
import random
import re
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_http import (  # noqa: E402  (the shared harness, after the path is set)
    HOST,
    REQUEST_TIMEOUT,
    USER_AGENT,
    Backend,
    Gunicorn,
    arguments,
    backends,
    check_page,
    forge_sessions,
    load_average,
    pg_url_from,
    prepare,
    sqlalchemy_url,
    stop_on_sigterm,
)

BUREAU_PEOPLE = ["secretary", "reviewer", "signer", "staff", "translator", "admin"]
SEARCH_WORDS = ["测试", "通知", "测试通知", "第1", "第2", "第37份", "关于", "学校", "安全", "教育", "工作", "份的"]
SNAPSHOT_SECONDS = 300
MIB = 1024 * 1024
ID = re.compile(r"/\d+")

# Loaded by gunicorn (-c) in --trace runs only. Once its app is loaded, each worker traces its allocations (unless
# BENCH_TRACE_FRAMES is 0); on SIGUSR2 it writes into BENCH_TRACE_DIR a tracemalloc snapshot and a JSON of what it
# holds: malloc's and pymalloc's totals, the caches that grow with distinct values, its objects by type.
TRACE_CONFIG = r"""
import ctypes, functools, gc, json, os, pickle, re, signal, sys, tempfile, tracemalloc


def post_worker_init(worker):
    frames = int(os.environ.get("BENCH_TRACE_FRAMES", "10"))
    if frames:
        tracemalloc.start(frames)
    state = {"n": 0}

    def dump(signum, frame):
        try:
            write(worker)
        except Exception as exc:  # a signal handler that raises would end the worker
            worker.log.exception("bench trace: %r", exc)

    def write(worker):
        state["n"] += 1
        out = os.path.join(os.environ["BENCH_TRACE_DIR"], f"{os.getpid()}-{state['n']}")
        gc.collect()
        with open(out + ".json", "w") as f:
            json.dump(holdings(worker.wsgi), f)
        with open(out + ".snap.tmp", "wb") as f:
            pickle.dump(tracemalloc.take_snapshot() if tracemalloc.is_tracing() else None, f, protocol=5)
        os.replace(out + ".snap.tmp", out + ".snap")

    signal.signal(signal.SIGUSR2, dump)


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()
    ]


def malloc_totals():
    # glibc, all arenas: bytes in use, free inside the heaps (fragmentation), and in mmapped blocks.
    try:
        call = ctypes.CDLL(None).mallinfo2
        call.restype = _MallInfo2
        info = call()
        return {"in use": info.uordblks, "free in heaps": info.fordblks, "mmapped": info.hblkhd}
    except (AttributeError, OSError) as exc:
        return {"error": repr(exc)}


def pymalloc_totals():
    # sys._debugmallocstats() writes to the C stderr: catch it in a file.
    saved = os.dup(2)
    with tempfile.TemporaryFile("w+") as f:
        os.dup2(f.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        f.seek(0)
        text = f.read()
    out = {}
    for name in ("arenas allocated current", "arenas highwater mark", "bytes in allocated blocks",
                 "bytes in available blocks", "bytes in unused pools"):
        found = re.search(r"# " + name + r"\s*=\s*([\d,]+)", text)
        if found:
            out[name] = int(found.group(1).replace(",", ""))
    return out


def sqlite_memory():
    # SQLite's own count of what it has malloc'ed (page caches, prepared statements), now and at most.
    try:
        lib = ctypes.CDLL("libsqlite3.so.0")
        now, high = ctypes.c_int64(), ctypes.c_int64()
        lib.sqlite3_status64(0, ctypes.byref(now), ctypes.byref(high), 0)  # SQLITE_STATUS_MEMORY_USED
        return {"now": now.value, "high": high.value}
    except (AttributeError, OSError) as exc:
        return {"error": repr(exc)}


def holdings(app):
    sizes = {"malloc": malloc_totals(), "pymalloc": pymalloc_totals(), "sqlite": sqlite_memory()}
    if tracemalloc.is_tracing():
        sizes["traced"] = tracemalloc.get_traced_memory()[0]
    try:
        from app.extensions import db

        with app.app_context():
            sizes["sqlalchemy compiled cache"] = len(db.engine._compiled_cache)
            sizes["pool"] = db.engine.pool.status()
    except Exception as exc:  # a figure, never a failure
        sizes["sqlalchemy compiled cache"] = repr(exc)
    sizes["jinja template cache"] = len(app.jinja_env.cache) if app.jinja_env.cache is not None else 0
    objects = gc.get_objects()
    sizes["gc objects"] = len(objects)
    lru, counts = {}, {}
    for obj in objects:
        kind = type(obj)
        name = f"{kind.__module__}.{kind.__qualname__}"
        counts[name] = counts.get(name, 0) + 1
        if kind is functools._lru_cache_wrapper:
            size = obj.cache_info().currsize
            if size:
                label = f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', '?')}"
                lru[label] = lru.get(label, 0) + size
    sizes["lru_cache entries"] = lru
    sizes["objects by type"] = counts
    return sizes
"""


# The world the clients play in


@dataclass
class World:
    """Ids the requests name: notices, distributions of each clerk's unit, filters of the notice list."""

    scale_notice_ids: list[int]
    demo_notice_ids: list[int]
    series_ids: list[int]
    years: list[int]
    distributions: dict[str, list[tuple[int, int]]]  # clerk's username: [(notice id, distribution id)]
    demo_clerks: list[str]


def read_world(backend: Backend, scale_clerks: list[str]) -> World:
    import sqlalchemy as sa

    engine = sa.create_engine(sqlalchemy_url(backend.url))
    with engine.connect() as conn:
        notices = conn.execute(sa.text("SELECT id, series_id, year, title FROM notices WHERE status = 'issued'")).all()
        scale = [n.id for n in notices if n.title.startswith("关于测试通知第")]
        demo = [n.id for n in notices if not n.title.startswith("关于测试通知第")]
        rows = conn.execute(
            sa.text(
                "SELECT u.username, d.notice_id, d.id FROM distributions d JOIN users u ON u.unit_id = d.unit_id "
                "JOIN user_roles r ON r.user_id = u.id AND r.role = 'clerk'"
            )
        ).all()
        distributions: dict[str, list[tuple[int, int]]] = {}
        for username, notice_id, distribution_id in rows:
            distributions.setdefault(username, []).append((notice_id, distribution_id))
        demo_clerks = sorted(
            name for name in distributions if name.startswith("clerk_") and name not in set(scale_clerks)
        )
    engine.dispose()
    return World(
        scale_notice_ids=scale,
        demo_notice_ids=demo,
        series_ids=sorted({n.series_id for n in notices}),
        years=sorted({n.year for n in notices}),
        distributions=distributions,
        demo_clerks=demo_clerks,
    )


@dataclass
class Step:
    method: str
    path: str
    headers: dict
    body: bytes = b""


def plan(seed: int, world: World, visitors: dict, clerks: list[str], bureau: list[str]):
    """An endless, reproducible stream of what the people of this client do, each request by a person drawn anew."""
    rng = random.Random(seed)
    fragment = {"HX-Request": "true"}
    anonymous = {"User-Agent": USER_AGENT}
    while True:
        roll = rng.random()
        if roll < 0.03:
            yield Step("GET", "/healthz", anonymous)
        elif roll < 0.62:
            yield clerk_step(rng, world, visitors[rng.choice(clerks)], fragment)
        else:
            yield bureau_step(rng, world, visitors[rng.choice(bureau)], fragment)


def clerk_step(rng: random.Random, world: World, who, fragment: dict) -> Step:
    mine = world.distributions.get(who.username) or [(world.scale_notice_ids[0], 0)]
    roll = rng.random()
    if roll < 0.22:
        return Step("GET", "/inbox", who.headers())
    if roll < 0.36:
        return Step("GET", f"/inbox?page={rng.randint(2, 50)}", who.headers())
    if roll < 0.46:
        page = rng.choice(["", f"&page={rng.randint(2, 10)}"])
        return Step("GET", f"/inbox?pending=1{page}", who.headers(**fragment))
    if roll < 0.66:
        notice_id, _ = rng.choice(mine)
        return Step("GET", f"/notices/{notice_id}", who.headers(**{"Sec-Fetch-Dest": "document"}))
    if roll < 0.76:
        return Step("GET", "/", who.headers())
    if roll < 0.84:
        return Step("GET", "/todo/count", who.headers(**fragment))
    if roll < 0.90:
        _, distribution_id = rng.choice(mine)
        return Step("POST", f"/inbox/{distribution_id}/opened", who.headers(**fragment))
    _, distribution_id = rng.choice(mine)
    return Step(
        "POST",
        f"/inbox/{distribution_id}/receipt",
        who.headers(**fragment, **{"Content-Type": "application/x-www-form-urlencoded"}),
        urlencode({"csrf_token": who.csrf_token}).encode(),
    )


def bureau_step(rng: random.Random, world: World, who, fragment: dict) -> Step:
    roll = rng.random()
    notice_id = rng.choice(world.scale_notice_ids if rng.random() < 0.9 else world.demo_notice_ids)
    if roll < 0.35:
        args = {}
        if rng.random() < 0.4:
            args["status"] = rng.choice(["", "issued", "draft", "in_review", "signed"])
        if rng.random() < 0.3:
            args["series_id"] = rng.choice(world.series_ids)
        if rng.random() < 0.3:
            args["year"] = rng.choice(world.years)
        if rng.random() < 0.4:
            args["q"] = rng.choice(SEARCH_WORDS + [str(rng.randint(1, 1000))])
        if rng.random() < 0.6:
            args["page"] = rng.randint(1, 50)
        headers = who.headers(**fragment) if rng.random() < 0.4 else who.headers()
        return Step("GET", "/notices" + (f"?{urlencode(args, quote_via=quote)}" if args else ""), headers)
    if roll < 0.55:
        return Step("GET", f"/notices/{notice_id}", who.headers())
    if roll < 0.72:
        pending = rng.choice(["", "?pending=1"])
        headers = who.headers(**fragment) if rng.random() < 0.5 else who.headers()
        return Step("GET", f"/notices/{notice_id}/receipts{pending}", headers)
    if roll < 0.86:
        return Step("GET", "/", who.headers())
    if roll < 0.94:
        return Step("GET", "/todo/count", who.headers(**fragment))
    return Step("GET", "/inbox", who.headers())


def http_plan(i: int, visitors: dict, clerks: list[str]):
    """bench_http.py's memory mix: a few clerks and the secretary on the same seven requests, round and round."""
    clerk, secretary = visitors[clerks[i % len(clerks)]], visitors["secretary"]
    fragment = {"HX-Request": "true"}
    return itertools.cycle(
        [
            Step("GET", "/healthz", {"User-Agent": USER_AGENT}),
            Step("GET", "/inbox", clerk.headers()),
            Step("GET", f"/inbox?page={2 + i % 40}", clerk.headers()),
            Step("GET", "/inbox?pending=1", clerk.headers(**fragment)),
            Step("GET", "/notices", secretary.headers()),
            Step("GET", f"/notices?page={2 + i % 40}", secretary.headers()),
            Step("GET", f"/notices?q={quote('测试通知')}", secretary.headers(**fragment)),
        ]
    )


# The client


@dataclass
class Round:
    statuses: Counter = field(default_factory=Counter)
    by_page: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def drive(port: int, plans: list, count: int) -> Round:
    """count requests from one thread per plan, each on a keep-alive connection of its own."""
    result = Round()
    lock = threading.Lock()
    left = [count]
    started = time.perf_counter()

    def client(steps):
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        statuses, pages = Counter(), Counter()
        while True:
            with lock:
                if left[0] <= 0:
                    break
                left[0] -= 1
            step = next(steps)
            try:
                connection.request(step.method, step.path, body=step.body or None, headers=step.headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException):
                status = -1
                connection.close()
            statuses[status] += 1
            pages[f"{step.method} {ID.sub('/<id>', step.path.split('?')[0])}"] += 1
        connection.close()
        with lock:
            result.statuses.update(statuses)
            result.by_page.update(pages)

    threads = [threading.Thread(target=client, args=(steps,), daemon=True) for steps in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=3600)
    result.seconds = time.perf_counter() - started
    return result


# Tracing


def snapshot_workers(server: Gunicorn, trace_dir: Path) -> dict[int, Path]:
    """Ask each worker for a snapshot (SIGUSR2, see TRACE_CONFIG) and wait for the files."""
    wanted = {}
    for pid in server.worker_pids():
        done = len(list(trace_dir.glob(f"{pid}-*.snap")))
        wanted[pid] = trace_dir / f"{pid}-{done + 1}.snap"
        os.kill(pid, signal.SIGUSR2)
    deadline = time.monotonic() + SNAPSHOT_SECONDS
    while time.monotonic() < deadline and not all(path.exists() for path in wanted.values()):
        time.sleep(0.5)
    return {pid: path for pid, path in wanted.items() if path.exists()}


def print_growth(pid: int, before: Path, after: Path, requests: str, top: int) -> None:
    import pickle
    import tracemalloc

    with open(before, "rb") as f:
        first = pickle.load(f)
    with open(after, "rb") as f:
        last = pickle.load(f)
    if first is None or last is None:
        return  # --trace-frames 0: no tracemalloc
    noise = tracemalloc.Filter(False, tracemalloc.__file__)
    first, last = first.filter_traces([noise]), last.filter_traces([noise])
    total = sum(s.size_diff for s in last.compare_to(first, "filename"))
    print(f"  worker {pid}: traced memory {requests}: {total / 1024:+.0f} KiB")
    print(f"    {'KiB':>8} {'blocks':>8}  by line")
    for stat in last.compare_to(first, "lineno")[:top]:
        frame = stat.traceback[0]
        print(f"    {stat.size_diff / 1024:>+8.0f} {stat.count_diff:>+8}  {short(frame.filename)}:{frame.lineno}")
    # The app's own line that led to each allocation: the frame nearest to it that lies in app/.
    by_app_line: Counter = Counter()
    blocks: Counter = Counter()
    for stat in last.compare_to(first, "traceback"):
        app_frames = [fr for fr in stat.traceback if "/app/" in fr.filename and "site-packages" not in fr.filename]
        key = " <- ".join(f"{short(fr.filename)}:{fr.lineno}" for fr in app_frames[-3:][::-1]) or "(no app frame)"
        by_app_line[key] += stat.size_diff
        blocks[key] += stat.count_diff
    print(f"    {'KiB':>8} {'blocks':>8}  by the app's nearest lines")
    for key, size in by_app_line.most_common(top):
        print(f"    {size / 1024:>+8.0f} {blocks[key]:>+8}  {key}")


def holdings_line(path: Path) -> str:
    """What a worker holds, from its JSON (TRACE_CONFIG): malloc, pymalloc, the caches."""
    h = json.loads(path.with_suffix(".json").read_text())
    malloc, pymalloc = h.get("malloc", {}), h.get("pymalloc", {})
    parts = [
        f"malloc in use {malloc.get('in use', 0) / MIB:.1f}",
        f"free in heaps {malloc.get('free in heaps', 0) / MIB:.1f}",
        f"mmapped {malloc.get('mmapped', 0) / MIB:.1f}",
        f"pymalloc arenas {pymalloc.get('arenas allocated current', 0)}",
        f"in blocks {pymalloc.get('bytes in allocated blocks', 0) / MIB:.1f}",
        f"SQLite {h.get('sqlite', {}).get('now', 0) / MIB:.1f} (most {h.get('sqlite', {}).get('high', 0) / MIB:.1f})",
    ]
    if "traced" in h:
        parts.append(f"traced {h['traced'] / MIB:.1f}")
    parts += [
        f"SQLAlchemy cache {h.get('sqlalchemy compiled cache')}",
        f"Jinja cache {h.get('jinja template cache')}",
        f"gc objects {h.get('gc objects')}",
        f"pool: {h.get('pool')}",
    ]
    return ", ".join(parts)


def print_caches(pid: int, before: Path, after: Path, requests: str) -> None:
    first = json.loads(before.with_suffix(".json").read_text())
    last = json.loads(after.with_suffix(".json").read_text())
    lru_first = first.get("lru_cache entries", {})
    print(f"    lru_cache entries of worker {pid} {requests}:")
    for name, size in sorted(last.get("lru_cache entries", {}).items(), key=lambda kv: -kv[1])[:15]:
        print(f"      {name}: {lru_first.get(name, 0)} -> {size}")
    types_first = first.get("objects by type", {})
    grown = Counter({k: v - types_first.get(k, 0) for k, v in last.get("objects by type", {}).items()})
    print("    objects that grew in number: " + ", ".join(f"{k} {v:+}" for k, v in grown.most_common(15) if v > 0))


def short(filename: str) -> str:
    for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


# The run


def memory_of(pids: list[int]) -> dict[int, dict[str, float]]:
    """VmRSS of each worker, and its parts: RssAnon (the heap), RssFile (mapped files), in MiB."""
    out = {}
    for pid in pids:
        try:
            lines = Path(f"/proc/{pid}/status").read_text().splitlines()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in lines if ":" in line)
        out[pid] = {k: int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "RssAnon", "RssFile") if k in fields}
    return out


def rss_line(label: str, memory: dict[int, dict[str, float]], pids: list[int]) -> str:
    cells = []
    for pid in pids:
        m = memory.get(pid, {})
        cells.append(f"{m.get('VmRSS', float('nan')):>12.1f} ({m.get('RssAnon', 0):.0f} + {m.get('RssFile', 0):.0f})")
    return f"  {label:<28}" + "".join(f"{c:>24}" for c in cells)


def run(backend: Backend, args, tmp: Path) -> None:
    prepared = prepare(backend, args.units, args.notices)
    scale = [f"clerk_scale_{n:04d}" for n in range(1, args.units + 1)]
    world = read_world(backend, scale)
    clerks = scale + world.demo_clerks
    visitors = forge_sessions(backend, BUREAU_PEOPLE + clerks)
    extra = args.gunicorn
    trace_dir = tmp / f"trace-{backend.name.lower()}"
    if args.trace:
        trace_dir.mkdir()
        config = tmp / "trace_gunicorn.py"
        config.write_text(TRACE_CONFIG)
        # The server's environment is made from this one.
        os.environ["BENCH_TRACE_DIR"], os.environ["BENCH_TRACE_FRAMES"] = str(trace_dir), str(args.trace_frames)
        extra = f"{extra} -c {config}"
    if args.mix == "http":
        plans = [http_plan(i, visitors, scale[: max(args.clients, 16)]) for i in range(args.clients)]
    else:
        plans = [plan(args.seed + i, world, visitors, clerks, BUREAU_PEOPLE) for i in range(args.clients)]
    with Gunicorn(backend, tmp, workers=args.workers, threads=args.threads, extra=extra) as server:
        check_page(server, "/inbox", visitors[scale[0]].headers(), "关于测试通知")
        check_page(server, "/notices", visitors["secretary"].headers(), "关于测试通知")
        print(
            f"{backend.name}: demo scale {args.units} units × {args.notices} notices (prepared in {prepared:.0f} s); "
            f"{server.description}; {args.clients} client threads; {len(clerks)} clerks and "
            f"{len(BUREAU_PEOPLE)} bureau people; load average before: {load_average()}"
            + ("; under tracemalloc" if args.trace else "")
        )
        pids = server.worker_pids()
        print(f"  {'VmRSS (anon + file), MiB':<28}" + "".join(f"{'pid ' + str(pid):>24}" for pid in pids))
        rss = {0: memory_of(pids)}
        print(rss_line("after start-up", rss[0], pids))
        snapshots: dict[int, dict[int, Path]] = {}
        statuses, pages, seconds = Counter(), Counter(), 0.0
        done = 0
        while done < args.requests:
            step = min(args.every, args.requests - done)
            result = drive(server.port, plans, step)
            done += step
            statuses.update(result.statuses)
            pages.update(result.by_page)
            seconds += result.seconds
            rss[done] = memory_of(pids)
            print(rss_line(f"after {done:,} requests".replace(",", " "), rss[done], pids))
            if args.trace:
                snapshots[done] = snapshot_workers(server, trace_dir)
                for pid, path in sorted(snapshots[done].items()):
                    print(f"    {pid}: {holdings_line(path)}")
        print(f"  {done} requests in {seconds:.0f} s; statuses: {dict(sorted(statuses.items()))}")
        print("  requests by page: " + ", ".join(f"{page} {n}" for page, n in pages.most_common()))
        half = min(rss, key=lambda n: abs(n - args.requests // 2))
        for pid in pids:
            if pid in rss[half] and pid in rss[done]:
                middle, end = rss[half][pid]["VmRSS"], rss[done][pid]["VmRSS"]
                print(
                    f"  MEMORY {backend.name} worker {pid}: {middle:.1f} MiB after {half}, {end:.1f} MiB after "
                    f"{done} requests: {end / middle:.3f}x (target at most 1.10x)"
                )
        if args.trace and half in snapshots and done in snapshots:
            first, last = snapshots[half], snapshots[done]
            label = f"from {half} to {done} requests"
            for pid in pids:
                if pid in first and pid in last:
                    print_growth(pid, first[pid], last[pid], label, args.top)
                    print_caches(pid, first[pid], last[pid], label)


def main() -> None:
    stop_on_sigterm()
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000, help="requests in all (default 20000)")
    parser.add_argument("--every", type=int, default=5_000, help="print the memory after this many (default 5000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client connections (default 8)")
    parser.add_argument("--seed", type=int, default=1, help="of the request mix (default 1)")
    parser.add_argument(
        "--mix", choices=["day", "http"], default="day", help="a working day of many people, or bench_http.py's"
    )
    parser.add_argument("--trace", action="store_true", help="tracemalloc in the workers: what grows")
    parser.add_argument(
        "--trace-frames", type=int, default=10, help="frames tracemalloc keeps (default 10; 0: no tracemalloc)"
    )
    parser.add_argument("--top", type=int, default=25, help="lines of growth printed per worker (--trace)")
    args = parser.parse_args()
    # Bounded whatever is asked.
    args.requests = min(max(args.requests, 2), 200_000)
    args.every = min(max(args.every, 1), args.requests)
    args.clients = min(max(args.clients, 1), 64)
    with backends(pg_url_from(args.pg)) as (sqlite, postgres):
        for backend in filter(None, (sqlite, postgres)):
            run(backend, args, sqlite.files_dir.parent)
            print()


if __name__ == "__main__":
    main()
