"""The seeds' serving stack, for bench/serve: FastAPI + uvicorn + pandas + Python xgboost,
serving the same registered model directory as `rung serve` (MODEL_DIR) with the same
cleaning and encoding, re-implemented in pandas from preprocessor.json (missing markers,
fills, ordinals, standardised numeric columns with the mean imputed, one-hot categories;
absent entries are missing to XGBoost, as in rung's sparse matrix).

    MODEL_DIR=<registry>/xgboost/v1 uvicorn fastapi_app:app --port 18081 --workers 2
"""
import json
import math
import os

import numpy as np
import pandas as pd
import xgboost as xgb
from fastapi import FastAPI, HTTPException, Request

MODEL_DIR = os.environ["MODEL_DIR"]
PRE = json.load(open(os.path.join(MODEL_DIR, "preprocessor.json")))
BOOSTER = xgb.Booster()
BOOSTER.load_model(os.path.join(MODEL_DIR, "model.json"))
BOOSTER.set_param({"nthread": 1})
CLEAN = PRE["cleaning"]
MARKERS = set(CLEAN["missing_markers"]) | {""}
FILLS = {f["column"]: f["value"] for f in CLEAN["fill_missing"]}
ORDINALS = {o["column"]: dict(zip(o["labels"], o["values"])) for o in CLEAN["ordinals"]}
COLUMN = {name: j for j, name in enumerate(PRE["feature_names"])}
NUMERIC = PRE["numeric"]
CATEGORICAL = PRE["categorical"]
THRESHOLD = 0.5

app = FastAPI()


def encode(df: pd.DataFrame) -> np.ndarray:
    n = len(df)
    x = np.full((n, len(COLUMN)), np.nan, dtype=np.float32)
    for j, f in enumerate(NUMERIC):
        name = f["name"]
        if name not in df:
            raise HTTPException(status_code=422, detail=f"missing field {name}")
        s = df[name].astype(str)
        s = s.where(~s.isin(MARKERS), FILLS.get(name, None))
        if name in ORDINALS:
            v = s.map(ORDINALS[name])
            if (v.isna() & s.notna()).any():
                raise HTTPException(status_code=422, detail=f"unknown ordinal label in {name}")
        else:
            v = pd.to_numeric(s, errors="raise")
        v = v.astype(float).fillna(f["mean"])
        if f["std"] <= 0:
            continue
        z = ((v.to_numpy() - f["mean"]) / f["std"]).astype(np.float32)
        z[z == 0] = np.nan
        x[:, j] = z
    rows = np.arange(n)
    for f in CATEGORICAL:
        name = f["name"]
        if name not in df:
            raise HTTPException(status_code=422, detail=f"missing field {name}")
        s = df[name].astype(str)
        s = s.where(~s.isin(MARKERS), FILLS.get(name, ""))
        idx = (name + "=" + s).map(COLUMN)
        hit = idx.notna().to_numpy()
        x[rows[hit], idx[hit].astype(int).to_numpy()] = 1.0
    return x


@app.post("/predict")
async def predict(request: Request):
    body = await request.json()
    single = isinstance(body, dict)
    df = pd.DataFrame([body] if single else body)
    p = BOOSTER.predict(xgb.DMatrix(encode(df), missing=math.nan))
    out = [{"probability": float(v), "label": int(v > THRESHOLD)} for v in p]
    return out[0] if single else out


@app.get("/healthz")
def healthz():
    return {"status": "ok"}
