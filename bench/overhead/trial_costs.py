"""Per-trial time outside epochs, from a rung SQLite store (read-only), per family:

- setup: from the head's assignment (started_at) to the first epoch's result, minus that
  epoch's own seconds (the assignment's trip, loading data, building matrices and the
  trainer, the report's trip back);
- end: from the last epoch's result to the trial's end (finished_at): scoring the test
  split, saving and uploading the model, the done message's trip;
- outside: the whole span minus every epoch's seconds (setup + end + milestone waits).

    python trial_costs.py STORE.db [SWEEP_ID]

Prints one JSON document: per family the trial count and the median / 90th percentile /
mean of each, in milliseconds (finished trials only; stopped ones have no end phase).
"""
import json
import sqlite3
import statistics
import sys

db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
where = "where t.status = 'finished'" + (f" and t.sweep_id = {int(sys.argv[2])}" if len(sys.argv) > 2 else "")
rows = db.execute(f"""
    select t.family, t.started_at, t.finished_at,
           (select sum(seconds) from epoch_results e where e.trial_id = t.id),
           (select recorded_at - seconds from epoch_results e where e.trial_id = t.id order by epoch limit 1),
           (select max(recorded_at) from epoch_results e where e.trial_id = t.id)
    from trials t {where}""").fetchall()
families = {}
for family, started, finished, seconds, first_start, last in rows:
    if None in (started, finished, seconds, first_start, last):
        continue
    f = families.setdefault(family, {"setup": [], "end": [], "outside": []})
    f["setup"].append(1000 * (first_start - started))
    f["end"].append(1000 * (finished - last))
    f["outside"].append(1000 * ((finished - started) - seconds))


def summary(values):
    values = sorted(values)
    return {"median": round(statistics.median(values), 1),
            "p90": round(values[min(len(values) - 1, int(0.9 * len(values)))], 1),
            "mean": round(statistics.fmean(values), 1)}


print(json.dumps({family: {"trials": len(f["setup"]), **{k: summary(v) for k, v in f.items()}}
                  for family, f in sorted(families.items())}, indent=1))
