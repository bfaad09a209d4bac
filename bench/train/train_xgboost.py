#!/usr/bin/env python3
"""Python xgboost reference for `rung train`: one trial of one family, epoch by epoch.

Families mirror rung's built-in ones (docs/DESIGN "Trainer families"):
  xgboost              gbtree, tree_method hist, binary:logistic; an epoch = --rounds (10)
                       boosting rounds on one Booster.
  random_forest        XGBoost random-forest mode kept a forest: epoch k trains an independent
                       one-round booster with num_parallel_tree = --trees (10), eta 1,
                       max_depth 8, subsample 0.8, colsample_bynode 0.8 (defaults, as rung's
                       RandomForestFamily) and a seed derived from (--seed, k); the model after
                       k epochs averages the k chunks' margins. All chunks share one base_score
                       (the training positive rate, as rung), so the average is base_score plus
                       the mean of all trees, i.e. one forest of k*trees trees.
  logistic_regression  gblinear, updater coord_descent (deterministic), binary:logistic;
                       an epoch = --rounds (10) rounds.

Data (--data DIR), two modes:
  default    DIR/train.csv and DIR/validation.csv (or val.csv) hold the *cleaned* rows as
             written by `rung data prepare` (or bench/data-prepare/prepare_pandas.py). The
             encoding is re-fitted here with scikit-learn on train.csv, so this script does
             not depend on rung's preprocessor.json schema: StandardScaler (population std) on
             numeric columns, OneHotEncoder(handle_unknown='ignore') on categorical ones, where
             categorical = text columns + admission_type_id, discharge_disposition_id,
             admission_source_id. Every cell is read as text ('?' is the only missing marker,
             'None' stays a category); a column is numeric when all its train values parse as
             numbers. Tolerated variations: target `readmitted_binary` (or --target), else
             derived from `readmitted` (0 if NO else 1); `age` given as '[0-10)' bands is
             mapped to 0..9; encounter_id / patient_nbr / readmitted are never features.
  --encoded  DIR/encoded/{train,validation}.npz (or DIR/{train,validation}.npz) as written by
             prepare_pandas.py: keys data, indices, indptr, shape, label.

Params (--params JSON) are XGBoost parameters (aliases such as learning_rate work) merged over
the family defaults. Extra keys understood here: "rounds" (xgboost, logistic_regression) and
"trees_per_epoch" / "trees" (random_forest) set the epoch size like the flags, as in rung; for logistic_regression
"penalty" l2|l1|elasticnet with "l1_ratio" and "reg_strength" (default 1e-3) become
lambda/alpha (l2: lambda=s; l1: alpha=s; elasticnet: alpha=s*r, lambda=s*(1-r)).
base_score defaults to 0.5 for xgboost and logistic_regression, the default of the
libxgboost 1.7 C library rung links (Python xgboost >= 2 would otherwise estimate an
intercept), and to the training positive rate for random_forest (as rung does); pass
"base_score" in params, --base-score X, or --base-score auto (the library's choice).

Output: one line per epoch on stdout
    epoch 3 seconds 0.041234 val_auc 0.652310
(with --json-lines: {"epoch":3,"seconds":0.041234,"val_auc":0.65231} instead), then one JSON
summary line: {"family":..,"epochs":[{"epoch","seconds","train_seconds","eval_seconds",
"val_auc"}],"final_val_auc":..,"median_epoch_seconds":..,...}. "seconds" is the wall time of
the epoch's training plus the validation prediction ("cpu_seconds": the process CPU time of
the same span, less sensitive to other load); data loading is reported separately as
"load_seconds". AUC is scikit-learn's roc_auc_score on the validation rows.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Python xgboost reference for `rung train`.",
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__)
    p.add_argument("--family", required=True, choices=["xgboost", "random_forest", "logistic_regression"])
    p.add_argument("--params", default="{}", help="JSON object of parameters (default {})")
    p.add_argument("--data", required=True, help="prepared directory (see above)")
    p.add_argument("--epochs", type=int, default=10, help="number of epochs (default 10)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--threads", type=int, default=1, help="nthread (default 1, as rung's slots)")
    p.add_argument("--rounds", type=int, default=10, help="rounds per epoch (default 10)")
    p.add_argument("--trees", type=int, default=10, help="random_forest trees per epoch (default 10)")
    p.add_argument("--encoded", action="store_true", help="read encoded .npz instead of refitting on CSV")
    p.add_argument("--target", default="readmitted_binary", help="label column in CSV mode")
    p.add_argument("--base-score", default="rung",
                   help="base_score: a number, 'auto' (the library's choice) or 'rung' (default: "
                        "0.5, or the training positive rate for random_forest)")
    p.add_argument("--json-lines", action="store_true", help="per-epoch lines as JSON")
    args = p.parse_args()
    if args.epochs < 1 or args.rounds < 1 or args.trees < 1 or args.threads < 1:
        p.error("--epochs, --rounds, --trees and --threads must be at least 1")
    try:
        args.params_obj = json.loads(args.params)
    except json.JSONDecodeError as e:
        p.error(f"--params is not valid JSON: {e}")
    if not isinstance(args.params_obj, dict):
        p.error("--params must be a JSON object")
    return args


ARGS = parse_args()
# Set before xgboost (and its OpenMP runtime) loads; see STACK-NOTES "XGBoost C API".
os.environ.setdefault("OMP_WAIT_POLICY", "passive")
os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
import xgboost as xgb  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

CODED_CATEGORICALS = ["admission_type_id", "discharge_disposition_id", "admission_source_id"]
NEVER_FEATURES = {"encounter_id", "patient_nbr", "readmitted", "readmitted_binary"}
AGE_BANDS = {f"[{10 * i}-{10 * (i + 1)})": i for i in range(10)}


def die(message: str) -> None:
    print(f"train_xgboost.py: {message}", file=sys.stderr)
    sys.exit(65)


def first_existing(*paths: str) -> str | None:
    return next((p for p in paths if os.path.exists(p)), None)


def load_csv_refit(data_dir: str, target: str):
    """Reads cleaned rows, fits the recipe's encoding on train, encodes train and validation."""
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    train_path = first_existing(os.path.join(data_dir, "train.csv"))
    val_path = first_existing(os.path.join(data_dir, "validation.csv"), os.path.join(data_dir, "val.csv"))
    if not train_path or not val_path:
        die(f"{data_dir} needs train.csv and validation.csv (or val.csv); use --encoded for .npz")

    def read(path: str) -> pd.DataFrame:
        df = pd.read_csv(path, dtype=str, na_values=["?"], keep_default_na=False)
        if target not in df.columns:
            if "readmitted" not in df.columns:
                die(f"{path} has neither '{target}' nor 'readmitted'")
            df[target] = (df["readmitted"] != "NO").astype(int).astype(str)
        if "age" in df.columns and df["age"].isin(AGE_BANDS.keys()).all():
            df["age"] = df["age"].map(AGE_BANDS).astype(str)
        return df

    train, val = read(train_path), read(val_path)
    features = [c for c in train.columns if c not in NEVER_FEATURES and c != target]
    missing = [c for c in features if c not in val.columns]
    if missing:
        die(f"{val_path} lacks columns {missing} that {train_path} has")
    numeric = [c for c in features if c not in CODED_CATEGORICALS
               and pd.to_numeric(train[c], errors="coerce").notna().all()]
    categorical = [c for c in features if c not in numeric]
    for df in (train, val):
        df[numeric] = df[numeric].apply(pd.to_numeric, errors="raise").astype(np.float64)
        df[categorical] = df[categorical].fillna("Missing")
    pre = ColumnTransformer(
        [("numeric", StandardScaler(), numeric),
         ("categorical", OneHotEncoder(handle_unknown="ignore", dtype=np.float32), categorical)],
        sparse_threshold=1.0)
    x_train = sp.csr_matrix(pre.fit_transform(train[features]), dtype=np.float32)
    x_val = sp.csr_matrix(pre.transform(val[features]), dtype=np.float32)
    y_train = pd.to_numeric(train[target]).to_numpy(np.float32)
    y_val = pd.to_numeric(val[target]).to_numpy(np.float32)
    info = {"mode": "csv-refit", "numeric_columns": len(numeric), "categorical_columns": len(categorical)}
    return x_train, y_train, x_val, y_val, info


def load_encoded(data_dir: str):
    def read(name: str):
        path = first_existing(os.path.join(data_dir, "encoded", f"{name}.npz"),
                              os.path.join(data_dir, f"{name}.npz"))
        if not path:
            die(f"no {name}.npz under {data_dir} or {data_dir}/encoded")
        z = np.load(path)
        x = sp.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
        return x.astype(np.float32), z["label"].astype(np.float32)

    x_train, y_train = read("train")
    x_val, y_val = read("validation")
    return x_train, y_train, x_val, y_val, {"mode": "encoded-npz"}


def derived_seed(seed: int, chunk: int) -> int:
    """A per-chunk seed that differs across chunks and across nearby trial seeds."""
    return (seed * 1_000_003 + chunk * 7_919 + 17) % 2_147_483_647


def family_params(family: str, params: dict, args: argparse.Namespace,
                  positive_rate: float) -> tuple[dict, int, int]:
    """Effective booster params, rounds per epoch and trees per epoch."""
    params = dict(params)
    rounds = int(params.pop("rounds", args.rounds))
    trees = args.trees
    for key in ("trees_per_epoch", "trees", "num_parallel_tree"):
        if key in params:
            trees = int(params.pop(key))
    base = {"objective": "binary:logistic", "eval_metric": "auc", "nthread": args.threads,
            "seed": args.seed, "verbosity": 0}
    if args.base_score == "rung":
        base["base_score"] = positive_rate if family == "random_forest" else 0.5
    elif args.base_score != "auto":
        base["base_score"] = float(args.base_score)
    if family == "xgboost":
        base.update({"booster": "gbtree", "tree_method": "hist"})
    elif family == "random_forest":
        base.update({"booster": "gbtree", "tree_method": "hist", "learning_rate": 1.0, "max_depth": 8,
                     "subsample": 0.8, "colsample_bynode": 0.8, "num_parallel_tree": trees})
        if "eta" in params:
            params["learning_rate"] = params.pop("eta")
    else:
        base.update({"booster": "gblinear", "updater": "coord_descent", "feature_selector": "cyclic"})
        penalty = params.pop("penalty", None)
        strength = float(params.pop("reg_strength", 1e-3))
        ratio = float(params.pop("l1_ratio", 0.5))
        if penalty == "l2":
            params.setdefault("lambda", strength); params.setdefault("alpha", 0.0)
        elif penalty == "l1":
            params.setdefault("alpha", strength); params.setdefault("lambda", 0.0)
        elif penalty == "elasticnet":
            params.setdefault("alpha", strength * ratio); params.setdefault("lambda", strength * (1 - ratio))
        elif penalty is not None:
            die(f"penalty {penalty!r} is not l2, l1 or elasticnet")
    base.update(params)
    return base, rounds, trees


def main() -> int:
    args = ARGS
    wall_start = time.perf_counter()
    if args.encoded:
        x_train, y_train, x_val, y_val, info = load_encoded(args.data)
    else:
        x_train, y_train, x_val, y_val, info = load_csv_refit(args.data, args.target)
    dtrain = xgb.DMatrix(x_train, label=y_train, nthread=args.threads)
    dval = xgb.DMatrix(x_val, label=y_val, nthread=args.threads)
    load_seconds = time.perf_counter() - wall_start
    params, rounds, trees = family_params(args.family, args.params_obj, args, float(np.mean(y_train)))

    epochs = []
    booster = None
    margin_sum = np.zeros(x_val.shape[0], dtype=np.float64)
    for epoch in range(1, args.epochs + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        if args.family == "random_forest":
            chunk_params = dict(params, seed=derived_seed(args.seed, epoch - 1))
            chunk = xgb.train(chunk_params, dtrain, num_boost_round=1)
            t1 = time.perf_counter()
            margin_sum += chunk.predict(dval, output_margin=True)
            scores = margin_sum / epoch  # sigmoid is monotone: AUC on margins is AUC on probabilities
        else:
            if booster is None:
                booster = xgb.Booster(params, cache=[dtrain, dval])
            for i in range((epoch - 1) * rounds, epoch * rounds):
                booster.update(dtrain, i)
            t1 = time.perf_counter()
            scores = booster.predict(dval)
        auc = float(roc_auc_score(y_val, scores))
        t2, c2 = time.perf_counter(), time.process_time()
        row = {"epoch": epoch, "seconds": round(t2 - t0, 6), "train_seconds": round(t1 - t0, 6),
               "eval_seconds": round(t2 - t1, 6), "cpu_seconds": round(c2 - c0, 6), "val_auc": auc}
        epochs.append(row)
        if args.json_lines:
            print(json.dumps({"epoch": epoch, "seconds": row["seconds"], "val_auc": auc}), flush=True)
        else:
            print(f"epoch {epoch} seconds {row['seconds']:.6f} val_auc {auc:.6f}", flush=True)

    summary = {
        "family": args.family,
        "params": params,
        "rounds_per_epoch": rounds if args.family != "random_forest" else None,
        "trees_per_epoch": trees if args.family == "random_forest" else None,
        "seed": args.seed,
        "threads": args.threads,
        "data": {**info, "train_rows": int(x_train.shape[0]), "validation_rows": int(x_val.shape[0]),
                 "features": int(x_train.shape[1])},
        "epochs": epochs,
        "final_val_auc": epochs[-1]["val_auc"],
        "best_val_auc": max(e["val_auc"] for e in epochs),
        "median_epoch_seconds": statistics.median(e["seconds"] for e in epochs),
        "median_epoch_cpu_seconds": statistics.median(e["cpu_seconds"] for e in epochs),
        "load_seconds": round(load_seconds, 6),
        "total_seconds": round(time.perf_counter() - wall_start, 6),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "versions": {"python": sys.version.split()[0], "xgboost": xgb.__version__,
                     "numpy": np.__version__},
    }
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
