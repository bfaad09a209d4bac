#!/usr/bin/env python3
"""Significance for `rung simulate --compare-schedulers` (issue 14, item 3).

Runs the comparison with --json (or reads a saved JSON document) and prints, per family,
each searcher + scheduler combination against ASHA + TPE fitted on last results (Ray Tune's
ASHAScheduler + HyperOptSearch) and against rung's default (ASHA + TPE on the highest rung):
runs reaching the target, median time to the target, and paired Wilcoxon
signed-rank p-values over seeds (seed r of every combination uses config seed + r) for the
final best and for the time to the target (a run that never reaches it counts as the
longest time). Needs scipy.

  python bench/search/compare_schedulers.py --rung .build/release/rung \
      --config Config/health-predict.yaml --table bench/search/curves-diabetes.jsonl --repeats 50
"""
import argparse
import json
import math
import subprocess
import sys

from scipy.stats import wilcoxon

BASE = "asha+tpe(last_result)"
DEFAULT = "asha+tpe(highest_rung)"


def p_value(a, b):
    d = [x - y for x, y in zip(a, b) if not (math.isnan(x) or math.isnan(y))]
    if not d or all(x == 0 for x in d):
        return 1.0
    return wilcoxon(d).pvalue


def median(xs):
    s = sorted(xs)
    return s[len(s) // 2] if s else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rung", help="the rung binary (runs the comparison)")
    ap.add_argument("--config", default="Config/health-predict.yaml")
    ap.add_argument("--table", default="bench/search/curves-diabetes.jsonl")
    ap.add_argument("--repeats", type=int, default=50)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--from-json", help="a saved `rung simulate --compare-schedulers --json` document instead of running")
    ap.add_argument("--save-json", help="also write the JSON document here")
    args = ap.parse_args()
    if args.from_json:
        doc = json.load(open(args.from_json))
    else:
        if not args.rung:
            sys.exit("compare_schedulers: give --rung or --from-json")
        out = subprocess.run([args.rung, "simulate", args.config, "--table", args.table, "--compare-schedulers",
                              "--repeats", str(args.repeats), "--workers", str(args.workers), "--json"],
                             check=True, capture_output=True, text=True).stdout
        doc = json.loads(out)
        if args.save_json:
            open(args.save_json, "w").write(out)
    for fam in doc["families"]:
        variants = {v["name"]: v for v in fam["variants"]}
        longest = max((t for v in fam["variants"] for t in v["time_to_target"] if t is not None), default=0) * 2 + 1
        times = {n: [t if t is not None else longest for t in v["time_to_target"]] for n, v in variants.items()}
        print(f"\n**{fam['family']}**: {doc['seeds']} seeds, {fam['table_configurations']} recorded configurations, "
              f"target {fam['target']:.4f}. p: paired Wilcoxon over seeds; never reaching the target counts as the longest time.\n")
        print("| searcher + scheduler | reached target | median time to target "
              f"| p final best vs {BASE} | p time vs {BASE} | p final best vs {DEFAULT} | p time vs {DEFAULT} |")
        print("|---|---|---|---|---|---|---|")
        for n, v in variants.items():
            reached = sum(t is not None for t in v["time_to_target"])
            med_t = median([t if t is not None else math.inf for t in v["time_to_target"]])
            cells = [n, f"{reached}/{len(v['final_best'])}",
                     "∞" if math.isinf(med_t) else f"{med_t:.1f}"]
            for ref in (BASE, DEFAULT):
                if n == ref or ref not in variants:
                    cells += ["—", "—"]
                else:
                    cells += [f"{p_value(v['final_best'], variants[ref]['final_best']):.3f}",
                              f"{p_value(times[n], times[ref]):.3f}"]
            print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
