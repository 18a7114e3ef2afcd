"""Seconds from starting the program to its main window being shown, on an existing demo
database, the embedded default (the database is seeded first if needed; that is not timed).

Prints one JSON line: {"startup_s": median, "runs": [...], ...}. Target: ≤ 3 s.
    python bench/startup.py [--runs 5] [--data-dir /tmp/command-center-bench]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--data-dir", default="/tmp/command-center-bench")
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args()
    env = {
        **os.environ,
        "COMMAND_CENTER_DATA_DIR": args.data_dir,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "QTWEBENGINE_DISABLE_SANDBOX": "1",
        "COMMAND_CENTER_BENCH_EXIT_AFTER_SHOW": "1",
    }
    env.pop("COMMAND_CENTER_DATABASE_URL", None)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "command_center",
            "demo",
            "seed",
            "--if-empty",
            "--quiet",
            "--scale",
            str(args.scale),
        ],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    runs = []
    for _ in range(args.runs):
        started = time.time()
        out = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "run", "--user", "zhiban1"],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        shown = next(
            json.loads(line)["shown_at"] for line in out.stdout.splitlines() if "shown_at" in line
        )
        runs.append(round(shown - started, 3))
    print(
        json.dumps(
            {
                "startup_s": statistics.median(runs),
                "max_s": max(runs),
                "runs": runs,
                "database": "embedded",
                "scale": args.scale,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
