"""Smart dispatch's classifier: training time, one suggestion's time, its figures; one JSON line.

    .venv/bin/python bench/classify.py [--database-url URL-of-a-demo-county]

- ``train_10k_s``: training both heads (category at the leaves, department) on 10,000 texts
  composed by the demo county's generator (command_center/demo/texts.py), over all 106 leaves;
- ``predict_ms``: one suggestion (category path, department, the words behind both), the median
  over 200 texts;
- ``holdout_macro_f1``: the category's macro-F1 on 2,000 further generated texts. Those texts come
  from phrase banks, so this says the pipeline works, not that it is good on real complaints;
- ``hard_holdout_macro_f1`` (leaves) and ``hard_holdout_level1_macro_f1`` (first level): the
  same on texts made harder (command_center/demo/texts.harder: colloquial openers and closers,
  typos, a clause about another matter, half the texts without a title, some cut short);
- with ``--database-url``: ``county_macro_f1``, ``county_accuracy``, ``county_dept_macro_f1``:
  3-fold cross-validation on the county's closed incidents, as ``classify learn`` stores them.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from command_center.demo import texts  # noqa: E402
from command_center.services import classifier  # noqa: E402

TAXONOMY = Path(__file__).resolve().parents[1] / "resources" / "taxonomy" / "categories.json"
CHANNELS = ("hotline_12345", "grid_worker", "qr_code")


def _generated(n: int, seed: int, *, hard: bool = False) -> list[classifier.Sample]:
    tax = json.loads(TAXONOMY.read_text(encoding="utf-8"))
    leaves = [
        (c["code"], c.get("default_department") or "")
        for c in tax["categories"]
        if len(c["code"]) == 6
    ]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        leaf, dept = rng.choice(leaves)
        body = texts.incident_description(
            rng, leaf, town="城关镇", village="东关村", landmark=None, channel=rng.choice(CHANNELS)
        )
        out.append(
            classifier.Sample(f"{texts.incident_title(rng, leaf)}\n{body}", leaf, dept or None)
        )
    if hard:  # colloquial, typos, mixed topics; often no title
        mixed = []
        for i, s in enumerate(out):
            other = out[(i * 7919 + 1) % len(out)].text.split("\n", 1)[-1]
            body = s.text.split("\n", 1)[-1]
            title = s.text.split("\n", 1)[0] + "\n" if rng.random() < 0.5 else ""
            mixed.append(
                classifier.Sample(title + texts.harder(rng, body, other), s.category, s.department)
            )
        return mixed
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", help="a demo county: cross-validate on its closed incidents")
    args = ap.parse_args()
    train = _generated(10_000, 16)
    started = time.perf_counter()
    model = classifier.train(train)
    out: dict[str, object] = {"train_10k_s": round(time.perf_counter() - started, 2)}
    held = _generated(2_000, 17)
    model.predict(held[0].text)  # the features' names, once
    times = []
    for s in held[:200]:
        t0 = time.perf_counter()
        model.predict(s.text)
        times.append((time.perf_counter() - t0) * 1000)
    out["predict_ms"] = round(statistics.median(times), 2)
    x = model.features.transform([classifier.model_text(s.text) for s in held])
    from sklearn.metrics import f1_score

    predicted = model.category.predict(x)
    out["holdout_macro_f1"] = round(
        float(f1_score([s.category for s in held], predicted, average="macro")), 3
    )
    out["model_mb"] = round(len(model.dumps()) / 1e6, 1)
    # the same on harder texts (demo/texts.harder): colloquial, typos, mixed topics
    hard_model = classifier.train(_generated(10_000, 18, hard=True))
    hard = _generated(2_000, 19, hard=True)
    predicted = hard_model.category.predict(
        hard_model.features.transform([classifier.model_text(s.text) for s in hard])
    )
    out["hard_holdout_macro_f1"] = round(
        float(f1_score([s.category for s in hard], predicted, average="macro")), 3
    )
    level1 = [s.category[:2] for s in hard]
    out["hard_holdout_level1_macro_f1"] = round(
        float(f1_score(level1, [str(p)[:2] for p in predicted], average="macro")), 3
    )
    if args.database_url:
        from command_center.db.engine import make_engine, make_session_factory
        from command_center.services import learned_routing

        engine = make_engine(args.database_url)
        with make_session_factory(engine)() as session:
            samples = learned_routing.training_samples(session)
        engine.dispose()
        cat, dept = classifier.cross_validate(samples, learned_routing.FOLDS)
        out["county_samples"] = len(samples)
        out["county_macro_f1"] = round(cat.macro_f1, 3)
        out["county_accuracy"] = round(cat.accuracy, 3)
        out["county_dept_macro_f1"] = round(dept.macro_f1, 3) if dept else None
    print(json.dumps(out))


if __name__ == "__main__":
    main()
