"""Merge bench.py results over disjoint seed ranges into one set of tables (markdown on stdout).

Usage: python merge_runs.py RUN1.json RUN2.json ... [--optimizers rung,optuna]
Only cells present in every file are kept (so the Wilcoxon pairs stay complete); the seeds
are the union of the files' ranges, in file order.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import markdown  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--optimizers", default="rung,optuna")
    args = ap.parse_args()
    opts = args.optimizers.split(",")
    runs = []
    for path in args.runs:
        with open(path) as fh:
            runs.append(json.load(fh))
    checkpoints = runs[0]["checkpoints"]
    keys = None
    for r in runs:
        ks = {(q["function"], q["batch"], q["optimizer"]) for q in r["quality"] if q["optimizer"] in opts}
        keys = ks if keys is None else keys & ks
    quality = {}
    for r in runs:
        for q in r["quality"]:
            k = (q["function"], q["batch"], q["optimizer"])
            if k in keys:
                cell = quality.setdefault(k, {c: [] for c in checkpoints})
                for c in checkpoints:
                    cell[c] += q["regrets"][str(c)]
    funcs = list(dict.fromkeys(k[0] for r in runs for k in [(q["function"],) for q in r["quality"]] if any(kk[0] == k[0] for kk in keys)))
    batches = sorted({k[1] for k in keys})
    seeds = sum(r["seeds"] for r in runs)
    ranges = ", ".join(f"{r['seed_offset']}…{r['seed_offset'] + r['seeds'] - 1}" for r in runs)
    result = {"command": "; ".join(r["command"] for r in runs) + f"; merged by bench/search/merge_runs.py",
              "started": runs[0]["started"], "finished": runs[-1]["finished"], "machine": runs[0]["machine"],
              "versions": runs[0]["versions"], "evals": runs[0]["evals"], "seeds": seeds, "seed_offset": 0}
    text = markdown(result, funcs, opts, batches, checkpoints, quality, {})
    text = text.replace(f"(seeds 0…{seeds - 1})", f"(seeds {ranges})")
    print(text)


if __name__ == "__main__":
    main()
