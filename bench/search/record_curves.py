#!/usr/bin/env python3
"""Records a table of real learning curves for `rung simulate --table` (issue 14, item 3).

For each family of a sweep config it draws seeded random configurations from the family's
space and trains each one with rung's own training code (`rung train --json`) on prepared
splits, for the config's max_epochs epochs. Every configuration becomes one JSON line:

  {"family": "xgboost", "config": 17, "seed": 17, "params": {...},
   "values": [val_auc after epoch 1, ..., after epoch 20], "seconds": [CPU seconds per epoch],
   "wall": [wall seconds per epoch]}

"seconds" are the epoch's wall time (training + evaluation, as `rung train` reports it) scaled by
the process's CPU time over its wall time: on a shared machine the wall time of a niced process
measures the load more than the work, while CPU time measures the work (one thread per trial).
The scale includes loading the data once, a small share next to 20 epochs of training.

Configuration i of a family is always the same draw (its random stream is seeded by the
base seed, the family's index and i), so the recorder resumes: lines already in the output
are kept and only missing (family, config) pairs are trained. Families are interleaved
(config 0 of every family, then config 1, ...) so a table that is stopped early still
covers every family. Only derived metrics are written, never data rows.

  python bench/search/record_curves.py --rung .build/release/rung --data PREPARED_DIR \
      --config Config/health-predict.yaml --configs 200 --out bench/search/curves-diabetes.jsonl

PREPARED_DIR is the output of `rung data prepare --recipe Config/datasets/diabetes.yaml`.
Run it under nice: each configuration trains for seconds (xgboost) to a minute or more
(random forest, logistic regression) on one thread.
"""
import argparse
import json
import math
import os
import random
import resource
import subprocess
import sys
import time

import yaml


def draw(space, rng):
    """One random configuration from a sweep-config space (the sweep's own parameter types)."""
    params = {}
    for name, spec in space.items():
        t = spec["type"]
        if t == "int":
            params[name] = rng.randint(int(spec["low"]), int(spec["high"]))
        elif t == "uniform":
            params[name] = rng.uniform(float(spec["low"]), float(spec["high"]))
        elif t == "loguniform":
            lo, hi = math.log(float(spec["low"])), math.log(float(spec["high"]))
            params[name] = math.exp(rng.uniform(lo, hi))
        elif t == "quniform":
            lo, hi, q = float(spec["low"]), float(spec["high"]), float(spec["q"])
            params[name] = min(hi, lo + round(rng.uniform(0, hi - lo) / q) * q)
        elif t == "choice":
            params[name] = rng.choice(list(spec["choices"]))
        else:
            raise SystemExit(f"record_curves: parameter {name}: unsupported type {t!r}")
    return params


def existing(path):
    done = set()
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line:
                    o = json.loads(line)
                    done.add((o["family"], o["config"]))
    return done


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rung", required=True, help="the rung binary")
    ap.add_argument("--data", required=True, help="prepared splits (rung data prepare --out)")
    ap.add_argument("--config", default="Config/health-predict.yaml", help="sweep config whose spaces are sampled")
    ap.add_argument("--configs", type=int, default=200, help="configurations per family")
    ap.add_argument("--families", default="", help="comma-separated subset of the config's families")
    ap.add_argument("--epochs", type=int, default=0, help="epochs per configuration (default: the config's max_epochs)")
    ap.add_argument("--seed", type=int, default=2026, help="base seed of the configuration draws")
    ap.add_argument("--metric", default="", help="recorded metric (default: the config's metric name)")
    ap.add_argument("--out", required=True, help="JSON-lines table; appended to, existing lines are kept")
    ap.add_argument("--deadline", type=float, default=0, help="stop starting configurations after this many seconds")
    args = ap.parse_args()

    with open(args.config) as f:
        cfg = yaml.safe_load(f)
    epochs = args.epochs or int(cfg["scheduler"]["max_epochs"])
    metric = args.metric or cfg["metric"]["name"]
    names = list(cfg["families"].keys())
    wanted = [n for n in names if not args.families or n in args.families.split(",")]
    done = existing(args.out)
    started = time.time()
    with open(args.out, "a") as out:
        for i in range(args.configs):
            for name in wanted:
                if (name, i) in done:
                    continue
                if args.deadline and time.time() - started > args.deadline:
                    print(f"record_curves: deadline reached after {time.time() - started:.0f} s", file=sys.stderr)
                    return
                fam = cfg["families"][name]
                rng = random.Random(f"{args.seed}/{names.index(name)}/{i}")
                params = draw(fam["space"], rng)
                params.update(fam.get("epoch") or {})
                cmd = [args.rung, "train", "--family", name, "--data", args.data, "--epochs", str(epochs),
                       "--seed", str(i), "--threads", "1", "--params", json.dumps(params), "--json"]
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.time()
                r = subprocess.run(cmd, capture_output=True, text=True)
                wall_total = time.time() - t0
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu_total = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
                if r.returncode != 0:
                    raise SystemExit(f"record_curves: {name} config {i} failed: {r.stderr.strip()}")
                report = json.loads(r.stdout)
                values = [round(e["metrics"][metric], 6) for e in report["epochs"]]
                wall = [e["train_seconds"] + e["evaluation_seconds"] for e in report["epochs"]]
                scale = min(1.0, cpu_total / wall_total) if wall_total > 0 else 1.0
                seconds = [round(w * scale, 4) for w in wall]
                space_params = {k: params[k] for k in fam["space"]}
                line = {"family": name, "config": i, "seed": i, "params": space_params,
                        "values": values, "seconds": seconds,
                        "wall": [round(w, 4) for w in wall]}
                out.write(json.dumps(line, separators=(",", ":")) + "\n")
                out.flush()
                print(f"{name} {i}: best {max(values):.4f} in {sum(seconds):.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
