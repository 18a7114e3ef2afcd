"""Time the demo county's incident texts (a title and a description each); prints one JSON line.

The demo seed writes one of each for every incident, so a year at full scale (about 60,000
incidents) should take a few seconds at most; this used to be a wall-clock assert in
tests/unit/test_texts.py, which a loaded machine could fail.

Run: .venv/bin/python bench/demo_texts.py [incidents]
"""

from __future__ import annotations

import json
import random
import sys
import time

from command_center.services.demo import texts
from command_center.services.demo.taxonomy import load_taxonomy


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 60_000
    taxonomy = load_taxonomy()
    leaves = [leaf.code for leaf in taxonomy.leaves]
    channels = [c.code for c in taxonomy.channels]
    jobs = [(leaves[i % len(leaves)], channels[i % len(channels)]) for i in range(n)]
    rng = random.Random(99)
    started = time.perf_counter()
    texts.incident_title(rng, leaves[0])  # the first call builds the phrase banks
    banks = time.perf_counter() - started
    started = time.perf_counter()
    for leaf, channel in jobs:
        texts.incident_title(rng, leaf)
        texts.incident_description(
            rng, leaf, town="民联乡", village="友爱村", landmark="村委会门口", channel=channel
        )
    seconds = time.perf_counter() - started
    result = {
        "bench": "demo_texts.incident_title_and_description",
        "incidents": n,
        "banks_seconds": round(banks, 3),
        "seconds": round(seconds, 3),
        "us_per_incident": round(seconds / n * 1e6, 1),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
