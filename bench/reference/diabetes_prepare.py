"""Reference for the diabetes recipe (DESIGN.md "Data"): pandas + scikit-learn.

Run: python bench/reference/diabetes_prepare.py PATH/TO/diabetic_data.csv
Prints the cleaned row count, split sizes, positive rates and the encoded column count
that Tests/RungDataTests assert on the real file.
"""
import sys
import time

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder, StandardScaler

t0 = time.time()
df = pd.read_csv(sys.argv[1], na_values=["?"], keep_default_na=False)
df = df.drop(columns=["weight", "payer_code", "medical_specialty"])
for c in ["race", "diag_1", "diag_2", "diag_3"]:
    df[c] = df[c].fillna("Missing")
df = df[~df["discharge_disposition_id"].isin([11, 13, 14, 19, 20, 21])].reset_index(drop=True)
df["readmitted_binary"] = (df["readmitted"] != "NO").astype(int)
df = df.drop(columns=["readmitted"])
df["age"] = df["age"].map({f"[{10*i}-{10*(i+1)})": i for i in range(10)})
df = df.drop(columns=["encounter_id", "patient_nbr"])

y = df.pop("readmitted_binary")
cat = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])] + [
    "admission_type_id", "discharge_disposition_id", "admission_source_id"]
num = [c for c in df.columns if c not in cat]
for c in cat:
    df[c] = df[c].astype(str)

n = len(df)
initial = int(0.2 * n)
n_train = int(0.7 * initial)
n_val = int(0.15 * initial)
tr = slice(0, n_train)
va = slice(n_train, n_train + n_val)
te = slice(n_train + n_val, initial)

ct = ColumnTransformer([
    ("num", StandardScaler(), num),
    ("cat", OneHotEncoder(handle_unknown="ignore"), cat),
])
Xtr = ct.fit_transform(df.iloc[tr])
Xva = ct.transform(df.iloc[va])
print("rows", n)
print("train", n_train, "validation", n_val, "test", initial - n_train - n_val, "future", n - initial)
print("numeric", num)
print("categorical", cat)
print("encoded columns", Xtr.shape[1])
print("positive rates", y.iloc[tr].mean(), y.iloc[va].mean(), y.iloc[te].mean(), y.iloc[initial:].mean())
print("train nnz", Xtr.nnz, "validation nnz", Xva.nnz)
print("means", dict(zip(num, ct.named_transformers_["num"].mean_)))
print("stds", dict(zip(num, ct.named_transformers_["num"].scale_)))
print("elapsed", round(time.time() - t0, 3), "s")
