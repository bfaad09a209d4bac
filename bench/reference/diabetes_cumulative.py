"""Reference for cumulative data (docs/nightly.md): pandas + scikit-learn.

Run: python bench/reference/diabetes_cumulative.py PATH/TO/diabetic_data.csv [K]
The same cleaning as diabetes_prepare.py; the training rows are the initial train split
followed by future batches 1..K (batch k ends at floor(k * future / 4)). Prints the train
row count, positive rate, encoded column count and standardisation constants that
Tests/RungDataTests/CumulativeDataTests assert on the real file.
"""
import sys

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder, StandardScaler

k = int(sys.argv[2]) if len(sys.argv) > 2 else 2
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
future = n - initial
rows = list(range(n_train)) + list(range(initial, initial + k * future // 4))

ct = ColumnTransformer([
    ("num", StandardScaler(), num),
    ("cat", OneHotEncoder(handle_unknown="ignore"), cat),
])
X = ct.fit_transform(df.iloc[rows])
print("through batch", k, "train rows", len(rows))
print("positive rate", float(y.iloc[rows].mean()))
print("encoded columns", X.shape[1])
print("means", [float(m) for m in ct.named_transformers_["num"].mean_])
print("stds", [float(s) for s in ct.named_transformers_["num"].scale_])
