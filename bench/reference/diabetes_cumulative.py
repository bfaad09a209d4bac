"""Reference for cumulative data (docs/nightly.md): pandas + scikit-learn.

Run: python bench/reference/diabetes_cumulative.py PATH/TO/diabetic_data.csv [K]
The same cleaning as diabetes_prepare.py; the training rows are the initial train split
followed by future batches 1..K (batch k ends at floor(k * future / 4)). Prints the train
row count, positive rate, encoded column count and standardisation constants that
Tests/RungDataTests/CumulativeDataTests assert on the real file.
"""
import sys

from diabetes_clean import load_clean
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder, StandardScaler

k = int(sys.argv[2]) if len(sys.argv) > 2 else 2
df, y, num, cat = load_clean(sys.argv[1])

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
