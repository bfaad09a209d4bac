#!/usr/bin/env python3
"""Reference for cross-validation (`split.folds`, docs/config.md "Cross-validation"): on the
cross-validated directory rung prepared from the Cleveland heart-disease recipe, scikit-learn
scores the same folds (folds.csv as a PredefinedSplit) with a Pipeline(scaler/one-hot +
LogisticRegression) under cross_val_score, refits on every train row and scores the test split:
the numbers a pandas + scikit-learn user would compare with rung's val_auc, val_auc_std and
test_auc for logistic_regression.

  rung data prepare --recipe Config/datasets/heart-cleveland.yaml --out OUT/heart
  python bench/reference/heart_cv.py --rung OUT/heart
"""
import argparse
import json
import os
import sys

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import PredefinedSplit, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.impute import SimpleImputer

CATEGORICAL = ["cp", "restecg", "slope", "thal"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rung", required=True, help="rung's prepared heart directory (with folds.csv)")
    args = ap.parse_args()
    manifest = json.load(open(os.path.join(args.rung, "manifest.json")))
    target = manifest["target"]
    train = pd.read_csv(os.path.join(args.rung, "train.csv"))
    test = pd.read_csv(os.path.join(args.rung, "test.csv"))
    folds = pd.read_csv(os.path.join(args.rung, "folds.csv"))["fold"].to_numpy() - 1
    y, y_test = train.pop(target), test.pop(target)
    numeric = [c for c in train.columns if c not in CATEGORICAL]
    for frame in (train, test):
        for c in CATEGORICAL:
            frame[c] = frame[c].astype(str)
    model = Pipeline([
        ("prep", ColumnTransformer([
            ("num", Pipeline([("impute", SimpleImputer()), ("scale", StandardScaler())]), numeric),
            ("cat", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL)])),
        ("lr", LogisticRegression(max_iter=1000)),
    ])
    scores = cross_val_score(model, train, y, cv=PredefinedSplit(folds), scoring="roc_auc")
    model.fit(train, y)
    test_auc = roc_auc_score(y_test, model.predict_proba(test)[:, 1])
    print(f"scikit-learn LogisticRegression on rung's {manifest['cross_validation']['folds']} folds: "
          f"val_auc {scores.mean():.4f} ±{scores.std():.4f} (folds {', '.join(f'{s:.4f}' for s in scores)}); "
          f"refitted on {len(train)} rows: test_auc {test_auc:.4f} on {len(test)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
