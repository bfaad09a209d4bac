"""Reference log-densities of Optuna's Parzen estimator (TPE), used as literals in
Tests/RungCoreTests/ParzenEstimatorTests.swift. Run with a venv that has optuna (5.0.0 used):
    python bench/search/parzen_reference.py
"""
import warnings

import numpy as np
from optuna.distributions import CategoricalDistribution, FloatDistribution
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_weights

warnings.filterwarnings("ignore")
p = _ParzenEstimatorParameters(prior_weight=1.0, consider_magic_clip=True, consider_endpoints=False,
                               weights=default_weights, multivariate=True)
obs = {"a": np.array([0.1, 0.35, 0.4, 0.8, 0.95, 0.5]), "u": np.array([-2.0, 3.5, 1.0, 4.0, -1.0, 0.2]),
       "c": np.array([0, 2, 1, 1, 0, 2.0])}
space = {"a": FloatDistribution(0, 1), "u": FloatDistribution(-3, 5), "c": CategoricalDistribution(["x", "y", "z"])}
pts = {"a": np.array([0.2, 0.6, 0.9]), "u": np.array([-2.5, 0.0, 4.5]), "c": np.array([0, 1, 2.0])}
print("joint", _ParzenEstimator(obs, space, p).log_pdf(pts).tolist())
print("a", _ParzenEstimator({"a": obs["a"]}, {"a": space["a"]}, p).log_pdf({"a": pts["a"]}).tolist())
o30 = np.random.RandomState(0).rand(30).round(6)
print("o30", o30.tolist())
print("a30", _ParzenEstimator({"a": o30}, {"a": space["a"]}, p).log_pdf({"a": np.array([0.05, 0.5, 0.77])}).tolist())
