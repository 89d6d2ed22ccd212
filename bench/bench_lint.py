"""How long the format check takes on a long body, as the editor runs it on every pause in typing.

    .venv/bin/python bench/bench_lint.py

Prints milliseconds per lint() call for the seed's measures (about 4 400 characters), the same text doubled,
and a 15 000-character body full of problems. Not a test: nothing here asserts a time.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("APP_ENV", "testing")

from app.demo.seed_data import MEASURES_BODY  # noqa: E402
from app.documents.lint import lint  # noqa: E402


def measure(label: str, body: str, rounds: int = 200) -> None:
    fields = {"title": "关于印发若干措施的通知", "addressee_text": "各区教育局：", "body": body}
    lint(fields)  # warm up the message table
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        findings = lint(fields)
        samples.append((time.perf_counter() - start) * 1000)
    print(
        f"{label:<44} {len(body):>7} chars {len(findings):>5} findings  "
        f"median {statistics.median(samples):6.2f} ms  p95 {sorted(samples)[int(rounds * 0.95)]:6.2f} ms"
    )


if __name__ == "__main__":
    measure("seed measures (clean)", MEASURES_BODY)
    measure("seed measures twice", MEASURES_BODY + "\n" + MEASURES_BODY)
    noisy = ("请于2023年08月05日前报送(见乌党办发[2022]016号),逾期不候:\n" * 400)[:15000]
    measure("15 000 characters, a problem every line", noisy)
