#!/usr/bin/env python3
"""Reference for the Adult and Cleveland heart-disease recipes (Config/datasets/adult.yaml,
heart-cleveland.yaml): the same preparation written with pandas + scikit-learn, compared with
what `rung data prepare` wrote.

Run (from the package root, after preparing both with rung):
  rung data prepare --recipe Config/datasets/adult.yaml --out OUT/adult
  rung data prepare --recipe Config/datasets/heart-cleveland.yaml --out OUT/heart
  python bench/reference/adult_heart_prepare.py --datasets $RUNG_DATASETS --rung OUT

For each dataset it prints rows read and kept, per split the rows and positives of both
sides (scikit-learn: train_test_split(stratify=y, random_state=0) twice, with rung's split
sizes), the encoded width of both (StandardScaler + OneHotEncoder(handle_unknown="ignore")
fitted on train, without the NaN category scikit-learn adds for a missing value; fitted on
scikit-learn's own train split and on rung's train rows), and checks: same rows, every
split's positives within 1 row of scikit-learn's, same width on the same train rows.
Exit status 1 when a check fails.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ADULT = ["age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
         "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week",
         "native-country", "income"]
HEART = ["age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalach", "exang", "oldpeak",
         "slope", "ca", "thal", "num"]


def adult(root: str):
    df = pd.read_csv(os.path.join(root, "adult/adult.data"), header=None, names=ADULT,
                     skipinitialspace=True, na_values="?", keep_default_na=False)
    y = (df.pop("income") == ">50K").astype(int)
    categorical = [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c].dtype)]
    return df, y, categorical, (0.7, 0.15)


def heart(root: str):
    df = pd.read_csv(os.path.join(root, "heart/processed.cleveland.data"), header=None, names=HEART,
                     na_values="?", keep_default_na=False)
    y = (df.pop("num") != 0).astype(int)
    return df, y, ["cp", "restecg", "slope", "thal"], (0.6, 0.2)


def encoded_width(train: pd.DataFrame, categorical: list[str]) -> tuple[int, int]:
    """(width, NaN categories among it) of the preprocessor fitted on train."""
    numeric = [c for c in train.columns if c not in categorical]
    ct = ColumnTransformer([("num", StandardScaler(), numeric),
                            ("cat", OneHotEncoder(handle_unknown="ignore"), categorical)])
    width = ct.fit_transform(train).shape[1]
    nan = sum(any(pd.isna(v) for v in cats) for cats in ct.named_transformers_["cat"].categories_)
    return width, nan


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--datasets", default=os.environ.get("RUNG_DATASETS", "../shared/data").split(":")[0])
    ap.add_argument("--rung", required=True, help="directory holding rung's prepared adult/ and heart/")
    args = ap.parse_args()
    ok = True
    for name, load in (("adult", adult), ("heart", heart)):
        df, y, categorical, (f_train, f_val) = load(args.datasets)
        n = len(df)
        n_train, n_val = int(f_train * n), int(f_val * n)
        x_train, x_rest, y_train, y_rest = train_test_split(df, y, train_size=n_train, stratify=y, random_state=0)
        x_val, x_test, y_val, y_test = train_test_split(x_rest, y_rest, train_size=n_val, stratify=y_rest, random_state=0)
        width, nan = encoded_width(x_train, categorical)
        manifest = json.load(open(os.path.join(args.rung, name, "manifest.json")))
        print(f"## {name}: {n} rows read by pandas, {manifest['source']['rows']} read and {manifest['cleaned_rows']} kept by rung")
        print("| split | rows sklearn | rows rung | positives sklearn | positives rung | rate sklearn | rate rung |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        if manifest["cleaned_rows"] != n:
            ok = False
        for split, ys in (("train", y_train), ("validation", y_val), ("test", y_test)):
            entry = next(s for s in manifest["splits"] if s["split"] == split)
            rung_pos = round(entry["positive_rate"] * entry["rows"])
            print(f"| {split} | {len(ys)} | {entry['rows']} | {int(ys.sum())} | {rung_pos} | {ys.mean():.4f} | {entry['positive_rate']:.4f} |")
            if entry["rows"] != len(ys) or abs(rung_pos - int(ys.sum())) > 1:
                ok = False
        rung_width = manifest["encoded_feature_count"]
        # The same encoder fitted on rung's own train rows (its train.csv), so that both see
        # the same rows: a category present in one row can fall in either side's train split.
        target = manifest["target"]
        rung_train = pd.read_csv(os.path.join(args.rung, name, "train.csv"), keep_default_na=False, na_values=[""])
        rung_train = rung_train.drop(columns=[target] + manifest["id_columns"])
        for c in categorical:
            rung_train[c] = rung_train[c].astype(df[c].dtype) if df[c].dtype != object else rung_train[c]
        same_rows_width, same_rows_nan = encoded_width(rung_train[list(df.columns)], categorical)
        print(f"encoded width: scikit-learn on its own train split {width} ({nan} of them the NaN category), "
              f"so {width - nan} without it; scikit-learn on rung's train rows {same_rows_width - same_rows_nan} "
              f"without the NaN category; rung {rung_width}")
        if same_rows_width - same_rows_nan != rung_width:
            ok = False
        print()
    print("all checks pass" if ok else "A CHECK FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
