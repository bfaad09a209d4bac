"""Compares two rung SQLite stores trial by trial: the same sweep run by two builds.

    python3 bench/equivalence/compare_stores.py A.db B.db [A-leaderboard.json B-leaderboard.json]

For every trial (matched by family and number): params, seed, status, last epoch, reason,
final metrics, and every epoch's metrics; also the registered model versions and, when
given, the two `rung leaderboard --json` documents (order, ids, values). Timing fields
(seconds, timestamps, worker names) are left out: they differ between any two runs.
Exit status 0 when everything compared is identical, 1 otherwise.
"""
import json
import sqlite3
import sys

# Metric keys that measure time rather than results.
TIMING_KEYS = {"seconds", "train_seconds", "epoch_seconds", "duration", "duration_seconds"}


def clean(value):
    """The value without timing keys, recursively."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def load(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    trials = {}
    for row in db.execute("""select t.id, t.family, t.number, t.params_json, t.seed, t.status,
                                    t.last_epoch, t.reason, t.final_metrics, t.retries
                             from trials t order by t.family, t.number"""):
        tid, family, number, params, seed, status, last, reason, final, retries = row
        epochs = [(e, clean(json.loads(m))) for e, m in db.execute(
            "select epoch, metrics_json from epoch_results where trial_id = ? order by epoch", (tid,))]
        trials[(family, number)] = {
            "params": json.loads(params), "seed": seed, "status": status, "last_epoch": last,
            "reason": reason, "final_metrics": clean(json.loads(final)) if final else None,
            "retries": retries, "epochs": epochs}
    models = [(f, v, s, clean(json.loads(m))) for f, v, s, m in db.execute(
        "select family, version, stage, metrics_json from model_versions order by family, version")]
    sweeps = list(db.execute("select name, seed, status, data_version from sweeps order by id"))
    return trials, models, sweeps


def main():
    a_trials, a_models, a_sweeps = load(sys.argv[1])
    b_trials, b_models, b_sweeps = load(sys.argv[2])
    differences = []
    if a_sweeps != b_sweeps:
        differences.append(f"sweeps: {a_sweeps} vs {b_sweeps}")
    for key in sorted(set(a_trials) | set(b_trials)):
        a, b = a_trials.get(key), b_trials.get(key)
        if a is None or b is None:
            differences.append(f"{key[0]} #{key[1]}: only in {'B' if a is None else 'A'}")
            continue
        for field in a:
            if a[field] != b[field]:
                differences.append(f"{key[0]} #{key[1]} {field}: {a[field]!r} vs {b[field]!r}")
    if a_models != b_models:
        differences.append(f"model versions: {a_models} vs {b_models}")
    if len(sys.argv) > 4:
        boards = [clean(json.load(open(p))) for p in sys.argv[3:5]]
        for board in boards:   # when each run's trials were recorded is not a result
            for entry in board.get("trials", board.get("entries", [])):
                for k in ("worker", "started_at", "finished_at", "duration", "duration_seconds", "age"):
                    entry.pop(k, None)
        if boards[0] != boards[1]:
            differences.append("leaderboard JSON differs:\nA: " + json.dumps(boards[0], sort_keys=True)
                               + "\nB: " + json.dumps(boards[1], sort_keys=True))
    epochs = sum(len(t["epochs"]) for t in a_trials.values())
    print(f"A: {len(a_trials)} trials, {epochs} epoch results, {len(a_models)} model versions; "
          f"B: {len(b_trials)} trials, {sum(len(t['epochs']) for t in b_trials.values())} epoch results, "
          f"{len(b_models)} model versions")
    by_status = {}
    for t in a_trials.values():
        by_status[t["status"]] = by_status.get(t["status"], 0) + 1
    print(f"A's statuses: {dict(sorted(by_status.items()))}")
    if differences:
        print(f"{len(differences)} differences:")
        for d in differences[:200]:
            print("  " + d)
        return 1
    print("identical: every trial's params, seed, status, last epoch, reason, final metrics and "
          "epoch metrics, the model versions" + (" and the leaderboards" if len(sys.argv) > 4 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
