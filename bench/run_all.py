"""Every benchmark in bench/, one after the other, then a table of the figures the README quotes.

    .venv/bin/python bench/run_all.py [--pg postgresql://…] [--skip pdf] [--only http]

Each bench/bench_*.py runs in a process of its own with this Python, its output shown as it comes; the summary
picks the headline figures out of that output and sets them against the targets of the benchmark issue. A script
that fails is reported and the others still run; a missed target is a figure, not a failure (exit status 0), since
no benchmark asserts a time. --pg (or TEST_DATABASE_URL) adds PostgreSQL to the HTTP and storm benchmarks.
"""

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# The order of the README's table; scripts added later run after these, alphabetically.
ORDER = ["docx", "lint", "pdf", "preview", "http", "floor", "storm"]
TAKES_PG = {"http", "floor", "storm"}
SCRIPT_SECONDS = 30 * 60


@dataclass
class Row:
    figure: str
    measured: str
    target: str = ""
    met: bool | None = None


@dataclass
class Result:
    name: str
    returncode: int
    seconds: float
    output: str
    rows: list[Row] = field(default_factory=list)


def scripts(only: list[str], skip: list[str]) -> list[str]:
    found = sorted(p.stem.removeprefix("bench_") for p in BENCH.glob("bench_*.py"))
    names = [n for n in ORDER if n in found] + [n for n in found if n not in ORDER]
    return [n for n in names if (not only or n in only) and n not in skip]


def run(name: str, pg: str | None) -> Result:
    command = [sys.executable, str(BENCH / f"bench_{name}.py")]
    if pg and name in TAKES_PG:
        command += ["--pg", pg]
    print(f"\n=== {' '.join([Path(command[0]).name, *command[1:]])}", flush=True)
    started = time.perf_counter()
    lines = []
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # The scripts stop their own servers on SIGTERM's way out.
    watchdog = threading.Timer(SCRIPT_SECONDS, process.terminate)
    watchdog.start()
    try:
        for line in process.stdout:
            print(line, end="", flush=True)
            lines.append(line)
        process.wait(timeout=60)
    finally:
        watchdog.cancel()
    if time.perf_counter() - started >= SCRIPT_SECONDS:
        lines.append(f"(stopped after {SCRIPT_SECONDS} s)\n")
    return Result(name, process.returncode, time.perf_counter() - started, "".join(lines))


# Reading the figures out of each script's output


def _docx(out: str) -> list[Row]:
    ours = re.search(r"median\s+([\d.]+) ms over", out)
    raw = re.search(r"raw python-docx, same paragraphs:\s+median\s+([\d.]+) ms", out)
    ratio = re.search(r"ratio: ([\d.]+)x", out)
    if not (ours and raw and ratio):
        return []
    value = float(ratio.group(1))
    return [
        Row(
            "seed .docx against raw python-docx",
            f"{ours.group(1)} vs {raw.group(1)} ms ({value:.2f}×)",
            "at most 1.5×",
            value <= 1.5,
        )
    ]


def _lint(out: str) -> list[Row]:
    rows = []
    for label, figure in (
        ("seed measures twice", "format check, seed text twice"),
        ("15 000 characters", "format check, 15 000 noisy characters"),
    ):
        match = re.search(re.escape(label) + r".*?median\s+([\d.]+) ms", out)
        if match:
            rows.append(Row(figure, f"{match.group(1)} ms"))
    return rows


def _pdf(out: str) -> list[Row]:
    rows = []
    warm = re.search(r"server, warm: median of (\d+)\s+([\d.]+) s", out)
    if warm:
        rows.append(Row("warm PDF, two pages", f"{warm.group(2)} s (median of {warm.group(1)})"))
    cold = re.search(r"one-shot soffice \(cold\)\s+([\d.]+) s", out)
    if cold:
        rows.append(Row("one-shot soffice PDF (no server)", f"{cold.group(1)} s"))
    return rows


def _preview(out: str) -> list[Row]:
    found = re.search(r"PREVIEW warm ([\d.]+) s first page, ([\d.]+) s all, (\d+) pages", out)
    if not found:
        return []
    first, whole, pages = float(found.group(1)), float(found.group(2)), found.group(3)
    return [
        Row(f"warm preview of a {pages}-page draft, first page shown", f"{first:.2f} s", "under 0.5 s", first < 0.5),
        Row(f"warm preview of a {pages}-page draft, every page drawn", f"{whole:.2f} s"),
    ]


def _http(out: str) -> list[Row]:
    rows = []
    for backend, page, ratio, rate in re.findall(r"RATIO (\S+) (\S+) ([\d.]+) of /healthz, (\d+) req/s", out):
        value = float(ratio)
        rows.append(
            Row(
                f"{backend}: {page} throughput / /healthz", f"{value:.2f} ({rate} req/s)", "at least 0.50", value >= 0.5
            )
        )
    for backend, count, after, before in re.findall(
        r"MEMORY (\S+) after (\d+) requests: ([\d.]+) MiB \(start-up ([\d.]+) MiB\)", out
    ):
        rows.append(
            Row(
                f"{backend}: worker RSS after {int(count):,} requests".replace(",", " "),
                f"{after} MiB (start-up {before})",
            )
        )
    return rows


def _floor(out: str) -> list[Row]:
    rows = []
    for backend, page, ours, floor, ratio in re.findall(
        r"FLOOR (\S+) (\S+) ([\d.]+) ms vs ([\d.]+) ms, ([\d.]+)× its floor", out
    ):
        value = float(ratio)
        rows.append(
            Row(
                f"{backend}: {page} CPU vs its floor",
                f"{ours} vs {floor} ms ({value:.2f}×)",
                "at most 1.25×",
                value <= 1.25,
            )
        )
    for backend, cpu in re.findall(r"RECEIPT (\S+) ([\d.]+) ms CPU per receipt", out):
        rows.append(Row(f"{backend}: CPU per receipt, in-process", f"{cpu} ms"))
    return rows


def _storm(out: str) -> list[Row]:
    rows = []
    for backend, p50, p99 in re.findall(r"STORM (\S+) p50 (\d+) ms p99 (\d+) ms", out):
        rows.append(
            Row(f"{backend}: receipt storm p50 / p99", f"{p50} / {p99} ms", "p99 under 1000 ms", int(p99) < 1000)
        )
    return rows


READERS = {
    "docx": _docx,
    "lint": _lint,
    "pdf": _pdf,
    "preview": _preview,
    "http": _http,
    "floor": _floor,
    "storm": _storm,
}


def summarise(results: list[Result]) -> int:
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"\n=== Summary ({os.cpu_count()} cores; load average now {load}; client and server share the cores)")
    width = 46
    print(f"  {'figure':<{width}}{'measured':<34}{'target':<20}")
    missed = 0
    for result in results:
        rows = READERS.get(result.name, lambda out: [])(result.output) if result.returncode == 0 else []
        if result.returncode != 0:
            last = result.output.strip().splitlines()[-1:] or ["no output"]
            print(f"  {'bench_' + result.name + '.py':<{width}}FAILED (exit {result.returncode}): {last[0][:80]}")
            continue
        if not rows:
            print(f"  {'bench_' + result.name + '.py':<{width}}ran in {result.seconds:.0f} s (figures above)")
        for row in rows:
            verdict = "" if row.met is None else ("met" if row.met else "NOT MET")
            missed += row.met is False
            print(f"  {row.figure:<{width}}{row.measured:<34}{row.target:<20}{verdict}")
    failed = sum(1 for r in results if r.returncode != 0)
    print(f"  {failed} script(s) failed; {missed} target(s) not met; {sum(r.seconds for r in results):.0f} s in all")
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", metavar="URL", help="PostgreSQL for the HTTP and storm benchmarks too")
    parser.add_argument("--only", action="append", default=[], metavar="NAME", help="run only bench_NAME.py")
    parser.add_argument("--skip", action="append", default=[], metavar="NAME", help="leave bench_NAME.py out")
    args = parser.parse_args()
    results = [run(name, args.pg) for name in scripts(args.only, args.skip)]
    sys.exit(summarise(results))


if __name__ == "__main__":
    main()
