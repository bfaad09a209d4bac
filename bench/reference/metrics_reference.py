"""Reference values for rung's metric tests (Tests/RungCoreTests/MetricsTests.swift).

Run once with scikit-learn (any recent version; 1.9.1 was used) and copy the printed values
into the tests:  python bench/reference/metrics_reference.py

Conventions mirrored by rung:
- accuracy / precision / recall / f1 use the hard prediction `p > 0.5` (the rule of
  xgboost's `error` metric and of XGBClassifier.predict / LogisticRegression.predict);
- precision, recall and f1 with a zero denominator are 0 (scikit-learn's zero_division="warn");
- log_loss clips probabilities to [eps, 1 - eps] with eps = float64 machine epsilon (2**-52),
  and is defined for a single-class label vector (computed here with labels=[0, 1]);
- roc_auc and average_precision are undefined (rung returns `.undefined`) for a single class.
"""
import json
import warnings

import numpy as np
from sklearn import metrics

warnings.simplefilter("ignore")


def lcg_vector(n, seed):
    """The same generator as `referenceVector(count:seed:)` in the Swift tests."""
    state = seed
    labels, probs = [], []
    def nxt():
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
        return (state >> 11) / float(2**53)
    for _ in range(n):
        p = np.floor(nxt() * 101) / 100.0
        y = 1 if nxt() < 0.25 + 0.5 * p else 0
        labels.append(y)
        probs.append(p)
    return labels, probs


CASES = {
    "ties": ([0, 0, 1, 1, 0, 1, 0, 1, 1, 0], [0.1, 0.4, 0.35, 0.8, 0.4, 0.8, 0.2, 0.5, 0.5, 0.9]),
    "single_positive_class": ([1, 1, 1], [0.2, 0.7, 0.9]),
    "single_negative_class": ([0, 0, 0, 0], [0.1, 0.6, 0.3, 0.0]),
    "extremes": ([0, 1, 1, 0, 1, 0], [0.0, 1.0, 0.0, 1.0, 0.999999, 1e-12]),
    "all_predicted_negative": ([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4]),
    "threshold_half": ([1, 0, 1, 0], [0.5, 0.5, 0.7, 0.2]),
    "lcg500": lcg_vector(500, 20261122),
}


def compute(y, p):
    y = np.asarray(y, dtype=np.int64)
    p = np.asarray(p, dtype=np.float64)
    hard = (p > 0.5).astype(np.int64)
    two = len(set(y.tolist())) == 2
    return {
        "auc": float(metrics.roc_auc_score(y, p)) if two else None,
        "pr_auc": float(metrics.average_precision_score(y, p)) if two else None,
        "logloss": float(metrics.log_loss(y, p, labels=[0, 1])),
        "brier": float(np.mean((p - y) ** 2)) if not two else float(metrics.brier_score_loss(y, p)),
        "accuracy": float(metrics.accuracy_score(y, hard)),
        "precision": float(metrics.precision_score(y, hard, labels=[0, 1], zero_division=0)),
        "recall": float(metrics.recall_score(y, hard, labels=[0, 1], zero_division=0)),
        "f1": float(metrics.f1_score(y, hard, labels=[0, 1], zero_division=0)),
    }


if __name__ == "__main__":
    import sklearn
    print("# scikit-learn", sklearn.__version__)
    for name, (y, p) in CASES.items():
        print(name, json.dumps({k: (None if v is None else repr(v)) for k, v in compute(y, p).items()}))
    y, p = CASES["lcg500"]
    print("# lcg500 first labels", y[:8], "first probabilities", p[:8], "positives", sum(y))
