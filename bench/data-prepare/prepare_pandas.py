#!/usr/bin/env python3
"""The diabetes recipe of docs/DESIGN ("Data (contract for the diabetes recipe)"), written the
way a user would write it with pandas + scikit-learn. It is the reference side of the
`rung data prepare` benchmark (bench/data-prepare/run.sh), so it does the same work:

  read CSV ('?' is the only missing marker; the literal 'None' stays a category)
  -> drop weight, payer_code, medical_specialty
  -> fill race, diag_1, diag_2, diag_3 with 'Missing'
  -> drop rows whose discharge_disposition_id is 11, 13, 14, 19, 20 or 21
  -> target readmitted_binary = 0 if readmitted == 'NO' else 1 (readmitted itself is dropped)
  -> age '[0-10)'..'[90-100)' -> 0..9; encounter_id, patient_nbr are kept as ids, not features
  -> split in file order: initial = floor(0.2 n), train = floor(0.7 initial),
     validation = floor(0.15 initial), test = rest of initial, future = the other rows
     in 4 batches, batch k ending at floor(k * future / 4) (as rung's SplitRule)
  -> fit StandardScaler (population std) + OneHotEncoder(handle_unknown='ignore') on train
  -> write under --out:
       train.csv validation.csv test.csv future/batch-001..004.csv   cleaned rows (ids,
                                               features, target), the layout rung writes
       encoded/{train,validation,test}.npz     CSR matrix + labels (keys below)
       preprocessor.json                       fitted means, scales, categories
       manifest.json                           row counts, positive rates, features, sha256

Encoded .npz keys: data (float32), indices (int32), indptr (int64), shape (2 ints),
label (float32). Read them with bench/train/train_xgboost.py --encoded, or with
scipy.sparse.csr_matrix((data, indices, indptr), shape=shape).

With --encode-future the future batches are encoded too (encoded/future-00K.npz).

Usage: prepare_pandas.py --source diabetic_data.csv --out DIR
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np
import pandas as pd
import scipy.sparse as sp
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder, StandardScaler

DROP_COLUMNS = ["weight", "payer_code", "medical_specialty"]
FILL_MISSING = ["race", "diag_1", "diag_2", "diag_3"]
EXCLUDED_DISPOSITIONS = {11, 13, 14, 19, 20, 21}
ID_COLUMNS = ["encounter_id", "patient_nbr"]
CODED_CATEGORICALS = ["admission_type_id", "discharge_disposition_id", "admission_source_id"]
AGE_BANDS = [f"[{10 * i}-{10 * (i + 1)})" for i in range(10)]
TARGET = "readmitted_binary"
FUTURE_BATCHES = 4


def is_text(series: pd.Series) -> bool:
    """True for text columns: object dtype (pandas 2) or the string dtype (pandas 3)."""
    return series.dtype == object or pd.api.types.is_string_dtype(series.dtype)


def clean(raw: pd.DataFrame) -> pd.DataFrame:
    """Applies the recipe's row and column rules; returns features plus the target."""
    df = raw.drop(columns=DROP_COLUMNS)
    df[FILL_MISSING] = df[FILL_MISSING].fillna("Missing")
    df = df[~df["discharge_disposition_id"].isin(EXCLUDED_DISPOSITIONS)]
    df[TARGET] = (df["readmitted"] != "NO").astype(np.int64)
    ages = df["age"].map({band: i for i, band in enumerate(AGE_BANDS)})
    if ages.isna().any():
        bad = df.loc[ages.isna(), "age"].iloc[0]
        raise SystemExit(f"prepare_pandas.py: unknown age band {bad!r} in column 'age'")
    df["age"] = ages.astype(np.int64)
    df = df.drop(columns=["readmitted"]).reset_index(drop=True)
    leftover = df.columns[df.isna().any()].tolist()
    if leftover:
        raise SystemExit(f"prepare_pandas.py: missing values remain in columns {leftover}")
    return df


def feature_columns(df: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Categorical = every text column + the three coded ids; numeric = the rest."""
    features = [c for c in df.columns if c != TARGET and c not in ID_COLUMNS]
    categorical = [c for c in features if is_text(df[c]) or c in CODED_CATEGORICALS]
    numeric = [c for c in features if c not in categorical]
    return categorical, numeric


def split_sizes(n: int) -> dict[str, int]:
    """The recipe's sizes, rounding down with integer arithmetic."""
    initial = n * 2 // 10
    train = initial * 7 // 10
    validation = initial * 15 // 100
    return {"initial": initial, "train": train, "validation": validation,
            "test": initial - train - validation, "future": n - initial}


def build_preprocessor(categorical: list[str], numeric: list[str]) -> ColumnTransformer:
    return ColumnTransformer(
        [("numeric", StandardScaler(), numeric),
         ("categorical", OneHotEncoder(handle_unknown="ignore", dtype=np.float32), categorical)],
        sparse_threshold=1.0,  # always sparse: the diagnosis codes give well over 1,000 columns
    )


def to_csr(matrix) -> sp.csr_matrix:
    out = sp.csr_matrix(matrix, dtype=np.float32)
    out.sort_indices()
    return out


def save_encoded(path: str, matrix: sp.csr_matrix, labels: np.ndarray) -> None:
    np.savez(path, data=matrix.data.astype(np.float32), indices=matrix.indices.astype(np.int32),
             indptr=matrix.indptr.astype(np.int64), shape=np.asarray(matrix.shape, dtype=np.int64),
             label=labels.astype(np.float32))


def preprocessor_json(pre: ColumnTransformer, categorical: list[str], numeric: list[str]) -> dict:
    scaler: StandardScaler = pre.named_transformers_["numeric"]
    encoder: OneHotEncoder = pre.named_transformers_["categorical"]
    return {
        "format": "bench-pandas-preprocessor/1",
        "fitted_on": "train",
        "column_order": "numeric columns first (in this order), then one column per category",
        "numeric": [{"name": name, "mean": float(mean), "scale": float(scale)}
                    for name, mean, scale in zip(numeric, scaler.mean_, scaler.scale_)],
        "categorical": [{"name": name, "categories": [str(c) for c in cats]}
                        for name, cats in zip(categorical, encoder.categories_)],
        "handle_unknown": "ignore",
        "feature_count": int(len(pre.get_feature_names_out())),
        "feature_names": [str(n) for n in pre.get_feature_names_out()],
    }


def sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", required=True, help="diabetic_data.csv")
    parser.add_argument("--out", required=True, help="output directory (created if missing)")
    parser.add_argument("--encode-future", action="store_true",
                        help="also write encoded/future-K.npz (default: only train/validation/test)")
    parser.add_argument("--quiet", action="store_true", help="print only the summary lines")
    parser.add_argument("--options", action="store_true",
                        help="the recipe's dialect and split options in use, as bench/data-prepare/diabetes-options.yaml: "
                             "read with skipinitialspace=True (csv.trim) and split with train_test_split(stratify=y, "
                             "random_state=0) (split.order: stratified) instead of file order")
    args = parser.parse_args()

    start = time.perf_counter()
    phases: dict[str, float] = {}

    def phase(name: str, since: float) -> float:
        now = time.perf_counter()
        phases[name] = round(now - since, 4)
        return now

    t = start
    raw = pd.read_csv(args.source, na_values=["?"], keep_default_na=False, low_memory=False,
                      skipinitialspace=args.options)
    t = phase("read_csv", t)
    df = clean(raw)
    del raw
    categorical, numeric = feature_columns(df)
    # The coded ids are integers in the file; as categories they are labels, not numbers.
    df[CODED_CATEGORICALS] = df[CODED_CATEGORICALS].astype(str)
    t = phase("clean", t)

    n = len(df)
    sizes = split_sizes(n)
    a, b, c = sizes["train"], sizes["train"] + sizes["validation"], sizes["initial"]
    if args.options:
        # Stratified: initial vs future, then train vs the rest of initial, then validation vs test.
        from sklearn.model_selection import train_test_split
        initial, rest = train_test_split(df, train_size=c, stratify=df[TARGET], random_state=0)
        train, held = train_test_split(initial, train_size=a, stratify=initial[TARGET], random_state=0)
        validation, test = train_test_split(held, train_size=b - a, stratify=held[TARGET], random_state=0)
        df = pd.concat([train, validation, test, rest], ignore_index=True)
    splits = {"train": df.iloc[:a], "validation": df.iloc[a:b], "test": df.iloc[b:c]}
    m = n - c
    future = {f"future/batch-{k + 1:03d}": df.iloc[c + k * m // FUTURE_BATCHES:c + (k + 1) * m // FUTURE_BATCHES]
              for k in range(FUTURE_BATCHES)}

    pre = build_preprocessor(categorical, numeric)
    features = categorical + numeric
    encoded = {"train": to_csr(pre.fit_transform(splits["train"][features]))}
    for name in ("validation", "test"):
        encoded[name] = to_csr(pre.transform(splits[name][features]))
    if args.encode_future:
        for name, part in future.items():
            encoded[name] = to_csr(pre.transform(part[features]))
    t = phase("fit_transform", t)

    os.makedirs(os.path.join(args.out, "encoded"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "future"), exist_ok=True)
    written: list[str] = []
    for name, part in {**splits, **future}.items():
        path = os.path.join(args.out, f"{name}.csv")
        part.to_csv(path, index=False)
        written.append(path)
    t = phase("write_csv", t)
    all_parts = {**splits, **future}
    for name, matrix in encoded.items():
        path = os.path.join(args.out, "encoded", f"{name.replace('future/batch', 'future')}.npz")
        save_encoded(path, matrix, all_parts[name][TARGET].to_numpy())
        written.append(path)
    path = os.path.join(args.out, "preprocessor.json")
    with open(path, "w") as handle:
        json.dump(preprocessor_json(pre, categorical, numeric), handle, indent=1)
    written.append(path)
    t = phase("write_encoded", t)

    feature_count = encoded["train"].shape[1]
    manifest = {
        "format": "bench-pandas-manifest/1",
        "source": os.path.basename(args.source),
        "source_sha256": sha256(args.source),
        "cleaned_rows": n,
        "sizes": sizes,
        "splits": {name: {"rows": len(part), "positive_rate": float(part[TARGET].mean())}
                   for name, part in all_parts.items()},
        "feature_count": int(feature_count),
        "numeric_columns": numeric,
        "categorical_columns": categorical,
        "target": TARGET,
        "id_columns": ID_COLUMNS,
        "versions": {"python": sys.version.split()[0], "pandas": pd.__version__,
                     "numpy": np.__version__, "scikit-learn": sklearn.__version__},
        "files": {os.path.relpath(p, args.out): sha256(p) for p in written},
    }
    t = phase("hash", t)
    manifest["seconds"] = {**phases, "total": round(time.perf_counter() - start, 4)}
    with open(os.path.join(args.out, "manifest.json"), "w") as handle:
        json.dump(manifest, handle, indent=1)

    print(f"cleaned rows {n:,}")
    print(f"train {sizes['train']:,}; validation {sizes['validation']:,}; test {sizes['test']:,}; "
          f"future {sizes['future']:,} in {FUTURE_BATCHES} batches "
          f"({', '.join(f'{len(p):,}' for p in future.values())})")
    print(f"{feature_count:,} encoded columns ({len(numeric)} numeric, "
          f"{feature_count - len(numeric):,} one-hot from {len(categorical)} categorical)")
    if not args.quiet:
        rates = ", ".join(f"{k} {v['positive_rate']:.4f}" for k, v in manifest["splits"].items())
        print(f"positive rate: {rates}")
        print("seconds: " + ", ".join(f"{k} {v}" for k, v in manifest["seconds"].items()))
        print(f"wrote {len(written) + 1} files under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
