"""The health-predict study as our users run it today: Ray Tune 2.x with ASHAScheduler and
HyperOptSearch, on the same prepared splits, search spaces and budgets as
Config/health-predict.yaml (40 trials per family, max 20 epochs, grace 2, eta 3, 2 concurrent
trials).

    python ray_tune_study.py PREPARED_DIR [--families xgboost,random_forest,sgd] [--trials 40]

Prints one JSON document: per family wall seconds, best validation AUC, and the share of
slot time spent inside training and evaluation.
"""
import argparse
import json
import os
import time

os.environ.setdefault("OMP_WAIT_POLICY", "passive")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd
import ray
from hyperopt import hp
from ray import tune
from ray.tune.schedulers import ASHAScheduler
from ray.tune.search import ConcurrencyLimiter
from ray.tune.search.hyperopt import HyperOptSearch
from sklearn.compose import ColumnTransformer
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import OneHotEncoder, StandardScaler

MAX_EPOCHS, GRACE, ETA, CONCURRENT = 20, 2, 3, 2


def load(prepared):
    pre = json.load(open(os.path.join(prepared, "preprocessor.json")))
    manifest = json.load(open(os.path.join(prepared, "manifest.json")))
    categorical = [c["name"] for c in pre["categorical"]]
    numeric = [c["name"] if isinstance(c, dict) else c for c in pre["numeric"]]
    target = manifest["target"]
    dtypes = {c: str for c in categorical}
    train = pd.read_csv(os.path.join(prepared, "train.csv"), dtype=dtypes, keep_default_na=False)
    val = pd.read_csv(os.path.join(prepared, "validation.csv"), dtype=dtypes, keep_default_na=False)
    enc = ColumnTransformer([("num", StandardScaler(), numeric),
                             ("cat", OneHotEncoder(handle_unknown="ignore"), categorical)],
                            sparse_threshold=1.0)
    x_train = enc.fit_transform(train[numeric + categorical]).tocsr().astype(np.float32)
    x_val = enc.transform(val[numeric + categorical]).tocsr().astype(np.float32)
    return x_train, train[target].to_numpy(), x_val, val[target].to_numpy()


def xgboost_trainable(config, data):
    import xgboost as xgb
    x_train, y_train, x_val, y_val = data
    dtrain, dval = xgb.DMatrix(x_train, label=y_train), xgb.DMatrix(x_val, label=y_val)
    params = dict(config, objective="binary:logistic", tree_method="hist", nthread=1, seed=42)
    params["max_depth"] = int(params["max_depth"])
    booster = None
    for epoch in range(1, MAX_EPOCHS + 1):
        t0 = time.perf_counter()
        booster = xgb.train(params, dtrain, num_boost_round=10, xgb_model=booster)
        auc = roc_auc_score(y_val, booster.predict(dval))
        tune.report({"val_auc": auc, "epoch": epoch, "train_seconds": time.perf_counter() - t0})


def random_forest_trainable(config, data):
    from sklearn.ensemble import RandomForestClassifier
    x_train, y_train, x_val, y_val = data
    model = RandomForestClassifier(n_estimators=0, warm_start=True, n_jobs=1, random_state=42,
                                   max_depth=int(config["max_depth"]),
                                   min_samples_leaf=max(1, int(round(config["min_child_weight"]))),
                                   max_samples=config["subsample"], max_features=config["colsample_bynode"])
    for epoch in range(1, MAX_EPOCHS + 1):
        t0 = time.perf_counter()
        model.n_estimators += 10
        model.fit(x_train, y_train)
        auc = roc_auc_score(y_val, model.predict_proba(x_val)[:, 1])
        tune.report({"val_auc": auc, "epoch": epoch, "train_seconds": time.perf_counter() - t0})


def sgd_trainable(config, data):
    from sklearn.linear_model import SGDClassifier
    x_train, y_train, x_val, y_val = data
    alpha = config["reg_alpha"] + config["reg_lambda"]
    model = SGDClassifier(loss="log_loss", penalty="elasticnet", alpha=alpha,
                          l1_ratio=config["reg_alpha"] / alpha, learning_rate="invscaling",
                          eta0=config["learning_rate"], random_state=42)
    for epoch in range(1, MAX_EPOCHS + 1):
        t0 = time.perf_counter()
        model.partial_fit(x_train, y_train, classes=np.array([0, 1]))
        auc = roc_auc_score(y_val, model.predict_proba(x_val)[:, 1])
        tune.report({"val_auc": auc, "epoch": epoch, "train_seconds": time.perf_counter() - t0})


FAMILIES = {
    "xgboost": (xgboost_trainable, {
        "max_depth": hp.quniform("max_depth", 3, 10, 1),
        "learning_rate": hp.loguniform("learning_rate", np.log(0.01), np.log(0.3)),
        "reg_alpha": hp.loguniform("reg_alpha", np.log(0.001), np.log(10)),
        "reg_lambda": hp.loguniform("reg_lambda", np.log(0.001), np.log(10)),
        "gamma": hp.uniform("gamma", 0, 5),
        "subsample": hp.uniform("subsample", 0.5, 1.0),
        "colsample_bytree": hp.uniform("colsample_bytree", 0.5, 1.0),
        "min_child_weight": hp.loguniform("min_child_weight", np.log(1), np.log(20)),
    }),
    "random_forest": (random_forest_trainable, {
        "max_depth": hp.quniform("max_depth", 4, 20, 1),
        "min_child_weight": hp.loguniform("min_child_weight", np.log(1), np.log(20)),
        "subsample": hp.uniform("subsample", 0.5, 0.95),
        "colsample_bynode": hp.uniform("colsample_bynode", 0.1, 0.8),
    }),
    "logistic_regression": (sgd_trainable, {
        "reg_alpha": hp.loguniform("reg_alpha", np.log(1e-5), np.log(1)),
        "reg_lambda": hp.loguniform("reg_lambda", np.log(1e-5), np.log(10)),
        "learning_rate": hp.loguniform("learning_rate", np.log(0.01), np.log(1)),
    }),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("prepared")
    parser.add_argument("--families", default="xgboost,random_forest,logistic_regression")
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--storage", default=os.path.abspath("bench/results/ray"))
    args = parser.parse_args()
    ray.init(num_cpus=CONCURRENT, include_dashboard=False, log_to_driver=False)
    data = load(args.prepared)
    results = {"families": {}}
    total_start = time.perf_counter()
    for name in args.families.split(","):
        trainable, space = FAMILIES[name]
        search = ConcurrencyLimiter(HyperOptSearch(space=space, metric="val_auc", mode="max",
                                                   n_initial_points=10, random_state_seed=42),
                                    max_concurrent=CONCURRENT)
        scheduler = ASHAScheduler(time_attr="training_iteration", max_t=MAX_EPOCHS, grace_period=GRACE,
                                  reduction_factor=ETA)
        tuner = tune.Tuner(
            tune.with_resources(tune.with_parameters(trainable, data=data), {"cpu": 1}),
            tune_config=tune.TuneConfig(metric="val_auc", mode="max", search_alg=search,
                                        scheduler=scheduler, num_samples=args.trials),
            run_config=tune.RunConfig(name=f"health-predict-{name}", storage_path=args.storage, verbose=0))
        start = time.perf_counter()
        grid = tuner.fit()
        wall = time.perf_counter() - start
        frames = [r.metrics_dataframe for r in grid if r.metrics_dataframe is not None]
        history = pd.concat(frames) if frames else pd.DataFrame()
        train_seconds = float(history["train_seconds"].sum()) if len(history) else 0.0
        results["families"][name] = {
            "wall_seconds": wall,
            "best_val_auc": float(history["val_auc"].max()) if len(history) else None,
            "trials": len(grid),
            "epochs": int(len(history)),
            "train_seconds": train_seconds,
            "train_share": train_seconds / (wall * CONCURRENT),
        }
        print(json.dumps({name: results["families"][name]}), flush=True)
    results["total_wall_seconds"] = time.perf_counter() - total_start
    results["versions"] = {"ray": ray.__version__, "xgboost": __import__("xgboost").__version__,
                           "scikit-learn": __import__("sklearn").__version__,
                           "hyperopt": __import__("hyperopt").__version__}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
