"""Checks `rung predict --explain K` against Python xgboost's pred_contribs on the same
saved model: the split is encoded from preprocessor.json (as predict_with_python.py does),
contributions come from Booster.predict(pred_contribs=True), and the encoded columns are
summed back to source columns (numeric columns are their own; `name=category` columns add
up to `name`).

Usage: contribs_with_python.py MODEL_DIR SPLIT_CSV RUNG_EXPLAIN_CSV
RUNG_EXPLAIN_CSV must hold every source column (K = their number). Prints the largest
absolute difference; exits 1 if it exceeds 1e-6, or a row's ranking differs.
"""
import csv
import math
import sys

import numpy as np
import xgboost as xgb

from predict_with_python import encode


def main():
    model_dir, split_csv, rung_csv = sys.argv[1:4]
    import json
    pre = json.load(open(f"{model_dir}/preprocessor.json"))
    with open(split_csv, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    booster = xgb.Booster()
    booster.load_model(f"{model_dir}/model.json")
    contribs = booster.predict(xgb.DMatrix(encode(pre, rows, header), missing=math.nan), pred_contribs=True)
    sources = [n["name"] for n in pre["numeric"]] + [c["name"] for c in pre["categorical"]]
    owner = [n["name"] for n in pre["numeric"]]
    for c in pre["categorical"]:
        owner += [c["name"]] * len(c["categories"])
    with open(rung_csv, newline="") as f:
        reader = csv.reader(f)
        out_header = next(reader)
        theirs = list(reader)
    if len(theirs) != len(rows):
        print(f"row counts differ: rung {len(theirs)}, python {len(rows)}")
        sys.exit(1)
    k = len(sources)
    worst = 0.0
    for r, row in enumerate(theirs):
        sums = {name: 0.0 for name in sources}
        for j, name in enumerate(owner):
            sums[name] += float(contribs[r, j])
        bias = float(contribs[r, -1])
        for rank in range(1, k + 1):
            column = row[out_header.index(f"explain_{rank}_column")]
            value = float(row[out_header.index(f"explain_{rank}_contribution")])
            worst = max(worst, abs(value - sums[column]))
        worst = max(worst, abs(float(row[out_header.index("explain_bias")]) - bias))
        ranked = [row[out_header.index(f"explain_{rank}_column")] for rank in range(1, k + 1)]
        magnitudes = [abs(sums[c]) for c in ranked]
        if sorted(ranked) != sorted(sources) or any(a < b - 1e-6 for a, b in zip(magnitudes, magnitudes[1:])):
            print(f"row {r}: rung ranks {ranked}, magnitudes {magnitudes}")
            sys.exit(1)
    print(f"rows {len(rows)} columns {k} max_abs_diff {worst:.3g}")
    sys.exit(0 if worst <= 1e-6 else 1)


if __name__ == "__main__":
    main()
