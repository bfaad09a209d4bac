"""Summarises one rung sweep from its SQLite store (read-only): trials, best validation AUC
(over every epoch result, as Ray Tune's history is read, and over finished trials), and the
share of slot time spent in epochs.

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
for family, seconds, metrics in db.execute(
        "select t.family, e.seconds, e.metrics_json from epoch_results e join trials t on t.id = e.trial_id "
        "where t.sweep_id = ?", (sweep_id,)):
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
print(json.dumps({"wall_seconds": wall, "slots": slots, "epoch_seconds": epoch_seconds,
                  "train_share": epoch_seconds / (wall * slots), "families": families}))
