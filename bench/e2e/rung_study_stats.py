"""Summarises one rung sweep from its SQLite store (read-only): trials, best validation AUC
(over every epoch result, as Ray Tune's history is read, and over finished trials), the
share of slot time spent in epochs, and how the slots were used over time: seconds during
which epochs trained in 0, 1, 2, ... slots at once (each epoch spans [recorded_at − seconds,
recorded_at]); time with fewer busy slots than there are is the sweep's tail and the waits
between ASHA rungs (a worker lends an idle slot's core to the running trial then).
`recorded_at` is when the head stored the report, a little after the epoch ended, so the
intervals are approximate: tenths of a second may show more busy slots than there are.

    python rung_study_stats.py STORE.db SWEEP_ID WALL_SECONDS SLOTS
"""
import json
import sqlite3
import sys

db_path, sweep_id, wall, slots = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
families = {}
for family, status, n in db.execute(
        "select family, status, count(*) from trials where sweep_id = ? group by family, status", (sweep_id,)):
    families.setdefault(family, {"trials": 0, "statuses": {}})
    families[family]["trials"] += n
    families[family]["statuses"][status] = n
epoch_seconds = 0.0
events = []
for family, seconds, metrics, recorded in db.execute(
        "select t.family, e.seconds, e.metrics_json, e.recorded_at from epoch_results e join trials t on t.id = e.trial_id "
        "where t.sweep_id = ?", (sweep_id,)):
    if seconds and recorded:
        events += [(recorded - seconds, 1), (recorded, -1)]
    f = families[family]
    auc = json.loads(metrics).get("val_auc")
    if auc is not None:
        f["best_val_auc"] = max(f.get("best_val_auc", float("-inf")), auc)
    f["epochs"] = f.get("epochs", 0) + 1
    f["epoch_seconds"] = f.get("epoch_seconds", 0.0) + (seconds or 0.0)
    epoch_seconds += seconds or 0.0
for family, metrics in db.execute(
        "select family, final_metrics from trials where sweep_id = ? and status = 'finished'", (sweep_id,)):
    if metrics:
        m = json.loads(metrics)
        f = families[family]
        f["best_final_val_auc"] = max(f.get("best_final_val_auc", float("-inf")), m.get("val_auc", float("-inf")))
        f["best_test_auc"] = max(f.get("best_test_auc", float("-inf")), m.get("test_auc", float("-inf")))
busy_seconds = {}
events.sort()
level, last = 0, None
for t, delta in events:
    if last is not None and t > last:
        busy_seconds[level] = busy_seconds.get(level, 0.0) + (t - last)
    level += delta
    last = t
print(json.dumps({"wall_seconds": wall, "slots": slots, "epoch_seconds": epoch_seconds,
                  "train_share": epoch_seconds / (wall * slots),
                  "seconds_by_busy_slots": {str(k): round(v, 2) for k, v in sorted(busy_seconds.items())},
                  "families": families}))
