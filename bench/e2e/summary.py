"""Summarises one `bench/e2e/run.sh all` run: rung against Ray Tune on the same splits.

    python summary.py RUNG_RESULTS.jsonl RAY_RESULTS.json

RUNG_RESULTS has one line per rung sweep ({"study": ..., "result": rung_study_stats.py
output}); RAY_RESULTS is ray_tune_study.py's output (lines per family, then one indented
document). Prints a markdown table per family and in all: wall seconds, the ratio
Ray Tune / rung, best validation AUC, and the share of slot time spent training.
"""
import json
import sys

rung = {}
for line in open(sys.argv[1]):
    if line.strip():
        doc = json.loads(line)
        rung[doc["study"]] = doc["result"]
text = open(sys.argv[2]).read()
ray = json.loads(text[text.index("{\n"):])  # the indented document after the per-family lines

def fmt(x, digits=4):
    return "—" if x is None else f"{x:.{digits}f}"

print("| study | rung s | Ray Tune s | Ray Tune / rung | rung best val AUC | Ray Tune best val AUC | rung slot time training | Ray Tune slot time training |")
print("|---|---|---|---|---|---|---|---|")
rung_total = ray_total = 0.0
for family, r in ray["families"].items():
    mine = rung.get(family)
    if mine is None:
        continue
    fam = mine["families"].get(family, {})
    rung_total += mine["wall_seconds"]
    ray_total += r["wall_seconds"]
    print(f"| {family} | {mine['wall_seconds']:.1f} | {r['wall_seconds']:.1f} | {r['wall_seconds'] / mine['wall_seconds']:.2f}× "
          f"| {fmt(fam.get('best_val_auc'))} | {fmt(r.get('best_val_auc'))} | {mine['train_share']:.1%} | {r['train_share']:.1%} |")
if rung_total:
    print(f"| three families, one after another | {rung_total:.1f} | {ray_total:.1f} | {ray_total / rung_total:.2f}× | | | | |")
if "all" in rung and ray_total:
    a = rung["all"]
    best = ", ".join(f"{f} {fmt(v.get('best_val_auc'))}" for f, v in sorted(a["families"].items()))
    print(f"| rung: all three in one sweep | {a['wall_seconds']:.1f} | {ray_total:.1f} | {ray_total / a['wall_seconds']:.2f}× "
          f"| {best} | | {a['train_share']:.1%} | |")

print()
print("rung, seconds during which epochs trained in N slots at once (from the first epoch's start to the last's end):")
for study, r in rung.items():
    by = r.get("seconds_by_busy_slots", {})
    print(f"- {study}: " + ", ".join(f"{n} slot(s) {s:.1f} s" for n, s in sorted(by.items())))
