"""The diabetes recipe's cleaning (DESIGN.md "Data") in pandas, shared by the reference
scripts diabetes_prepare.py and diabetes_cumulative.py."""
import pandas as pd


def load_clean(path):
    """Reads and cleans the file; returns (features, target, numeric columns, categorical columns)."""
    df = pd.read_csv(path, na_values=["?"], keep_default_na=False)
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
    return df, y, num, cat
