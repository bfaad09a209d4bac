"""bench/serve: scipy's drift tests on the same data as `rung data drift`, for the agreement
and the time in docs/benchmarks.md.

Usage: drift_compare.py PREPARED_DIR K RUNG_DRIFT_JSON
Reads train.csv and future/batch-00K.csv with pandas, runs scipy.stats.ks_2samp on every
numeric column and chi2_contingency on every categorical one (missing values left out, as
rung does), and compares p-values and the drifted-column list (p < 0.05) with rung's report.
Prints one JSON object: seconds (read + tests), max_abs_p_diff, same_drifted, the lists.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats

prepared, k, rung_json = sys.argv[1], int(sys.argv[2]), sys.argv[3]
started = time.perf_counter()
pre = json.load(open(f"{prepared}/preprocessor.json"))
ref = pd.read_csv(f"{prepared}/train.csv", dtype=str, keep_default_na=False)
cur = pd.read_csv(f"{prepared}/future/batch-{k:03d}.csv", dtype=str, keep_default_na=False)
ps = {}
for f in pre["numeric"]:
    a = pd.to_numeric(ref[f["name"]].replace("", np.nan)).dropna().to_numpy()
    b = pd.to_numeric(cur[f["name"]].replace("", np.nan)).dropna().to_numpy()
    ps[f["name"]] = float(stats.ks_2samp(a, b).pvalue)
for f in pre["categorical"]:
    a = ref[f["name"]][ref[f["name"]] != ""].value_counts()
    b = cur[f["name"]][cur[f["name"]] != ""].value_counts()
    cats = sorted(set(a.index) | set(b.index))
    table = np.array([[a.get(c, 0) for c in cats], [b.get(c, 0) for c in cats]])
    ps[f["name"]] = float(stats.chi2_contingency(table).pvalue) if len(cats) > 1 else 1.0
seconds = time.perf_counter() - started
rung = json.load(open(rung_json))
rung_p = {c["name"]: c["p_value"] for c in rung["columns"]}
scipy_drifted = sorted(n for n, p in ps.items() if p < 0.05)
rung_drifted = sorted(c["name"] for c in rung["columns"] if c["drifted"])
print(json.dumps({
    "seconds": seconds,
    "columns": len(ps),
    "max_abs_p_diff": max(abs(ps[n] - rung_p[n]) for n in ps),
    "same_drifted": scipy_drifted == rung_drifted,
    "drifted": rung_drifted,
    "scipy_only": sorted(set(scipy_drifted) - set(rung_drifted)),
    "rung_only": sorted(set(rung_drifted) - set(scipy_drifted)),
}))
