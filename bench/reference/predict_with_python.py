"""Scores a prepared split with Python xgboost and rung's preprocessor.json, then compares
with the probabilities `rung predict` wrote.

Usage: predict_with_python.py MODEL_DIR SPLIT_CSV RUNG_PREDICTIONS_CSV
Prints the largest absolute difference; exits 1 if it exceeds 1e-6 or rows differ.
Needs only numpy and xgboost (the encoding is re-implemented here from the documented
preprocessor.json schema, so this also checks that the schema is enough to reproduce it).
"""
import csv
import json
import math
import sys

import numpy as np
import xgboost as xgb


def encode(pre, rows, header):
    index = {name: i for i, name in enumerate(header)}
    names = pre["feature_names"]
    col = {name: j for j, name in enumerate(names)}
    # XGBoost reads entries absent from a sparse matrix as missing; rung's CSR stores only
    # non-zero values, so the dense equivalent is NaN everywhere else.
    x = np.full((len(rows), len(names)), np.nan, dtype=np.float32)
    for r, row in enumerate(rows):
        for num in pre["numeric"]:
            text = row[index[num["name"]]]
            std = num["std"]
            if text == "" or std <= 0:
                continue
            z = np.float32((float(text) - num["mean"]) / std)
            if z != 0:
                x[r, col[num["name"]]] = z
        for cat in pre["categorical"]:
            text = row[index[cat["name"]]]
            key = f'{cat["name"]}={text}'
            if key in col:
                x[r, col[key]] = 1.0
    return x


def main():
    model_dir, split_csv, rung_csv = sys.argv[1:4]
    pre = json.load(open(f"{model_dir}/preprocessor.json"))
    with open(split_csv, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    booster = xgb.Booster()
    booster.load_model(f"{model_dir}/model.json")
    probs = booster.predict(xgb.DMatrix(encode(pre, rows, header), missing=math.nan))
    with open(rung_csv, newline="") as f:
        reader = csv.reader(f)
        out_header = next(reader)
        theirs = [float(row[out_header.index("probability")]) for row in reader]
    if len(theirs) != len(probs):
        print(f"row counts differ: rung {len(theirs)}, python {len(probs)}")
        sys.exit(1)
    diff = float(np.max(np.abs(np.array(theirs) - probs.astype(np.float64))))
    print(f"rows {len(probs)} max_abs_diff {diff:.3g}")
    sys.exit(0 if diff <= 1e-6 else 1)


if __name__ == "__main__":
    main()
