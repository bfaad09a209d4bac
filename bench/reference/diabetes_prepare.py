"""Reference for the diabetes recipe (DESIGN.md "Data"): pandas + scikit-learn.

Run: python bench/reference/diabetes_prepare.py PATH/TO/diabetic_data.csv
Prints the cleaned row count, split sizes, positive rates and the encoded column count
that Tests/RungDataTests assert on the real file.
"""
import sys
import time

from diabetes_clean import load_clean
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder, StandardScaler

t0 = time.time()
df, y, num, cat = load_clean(sys.argv[1])

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
