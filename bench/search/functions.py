"""Test functions for the search-quality benchmark (all minimised).

Each function has a space in rung's ask-tell format (names -> {"type", ...}) and a known
global minimum, so regret = best value found - minimum.
"""
import math

import numpy as np


def branin(p):
    x1, x2 = p["x1"], p["x2"]
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


_H3_A = np.array([[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]])
_H3_P = 1e-4 * np.array([[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]])
_H6_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                  [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
_H6_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                         [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])
_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann3(p):
    x = np.array([p[f"x{i}"] for i in range(1, 4)])
    return float(-np.sum(_ALPHA * np.exp(-np.sum(_H3_A * (x - _H3_P) ** 2, axis=1))))


def hartmann6(p):
    x = np.array([p[f"x{i}"] for i in range(1, 7)])
    return float(-np.sum(_ALPHA * np.exp(-np.sum(_H6_A * (x - _H6_P) ** 2, axis=1))))


def rosenbrock4(p):
    x = [p[f"x{i}"] for i in range(1, 5)]
    return float(sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(3)))


def styblinski_int4(p):
    return float(sum(0.5 * (v ** 4 - 16 * v ** 2 + 5 * v) for v in (p[f"n{i}"] for i in range(1, 5))))


_BOOSTER = {"gbtree": 0.0, "dart": 0.15, "gblinear": 0.6}


def mixed_xgb(p):
    """A smooth stand-in for tuning a boosted model: log-scale learning rate and tree count,
    integer depth, a categorical booster and a real subsample. Minimum 0."""
    lr = math.log10(p["learning_rate"]) + 1.5
    depth = (p["max_depth"] - 6) / 5
    trees = (math.log10(p["n_estimators"]) - math.log10(316)) / 1.5
    sub = (p["subsample"] - 0.8) / 0.5
    return lr ** 2 + depth ** 2 + trees ** 2 + sub ** 2 + _BOOSTER[p["booster"]] + 0.5 * lr * depth


def levy(p):
    x = np.array([p[f"x{i}"] for i in range(1, len(p) + 1)])
    w = 1 + (x - 1) / 4
    term = np.sin(math.pi * w[0]) ** 2 + (w[-1] - 1) ** 2 * (1 + np.sin(2 * math.pi * w[-1]) ** 2)
    term += np.sum((w[:-1] - 1) ** 2 * (1 + 10 * np.sin(math.pi * w[:-1] + 1) ** 2))
    return float(term)


def ackley(p):
    x = np.array([p[f"x{i}"] for i in range(1, len(p) + 1)])
    d = len(x)
    return float(-20 * math.exp(-0.2 * math.sqrt(np.sum(x ** 2) / d)) - math.exp(np.sum(np.cos(2 * math.pi * x)) / d)
                 + 20 + math.e)


def michalewicz(p):
    x = np.array([p[f"x{i}"] for i in range(1, len(p) + 1)])
    i = np.arange(1, len(x) + 1)
    return float(-np.sum(np.sin(x) * np.sin(i * x ** 2 / math.pi) ** 20))


def rastrigin(p):
    x = np.array([p[f"x{i}"] for i in range(1, len(p) + 1)])
    return float(10 * len(x) + np.sum(x ** 2 - 10 * np.cos(2 * math.pi * x)))


def schwefel(p):
    x = np.array([p[f"x{i}"] for i in range(1, len(p) + 1)])
    return float(418.9828872724338 * len(x) - np.sum(x * np.sin(np.sqrt(np.abs(x)))))


def rosenbrock(p):
    x = [p[f"x{i}"] for i in range(1, len(p) + 1)]
    return float(sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1)))


def conditional_models(p):
    """A conditional space standing in for choosing a model family and its own settings:
    a linear model (log regularisation), a tree ensemble (int depth, log learning rate) or
    k-NN (int neighbours, categorical weighting). Minimum 0 (tree branch)."""
    m = p["model"]
    if m == "linear":
        return 0.25 + (math.log10(p["alpha"]) + 2) ** 2 / 4
    if m == "trees":
        return ((p["depth"] - 7) / 4) ** 2 + (math.log10(p["eta"]) + 1.3) ** 2 + 0.1 * (p["subsample"] - 0.8) ** 2 / 0.25
    return 0.4 + ((p["k"] - 12) / 10) ** 2 + (0 if p["weights"] == "distance" else 0.15)


def _u(lo, hi):
    return {"type": "uniform", "low": lo, "high": hi}


FUNCTIONS = {
    "branin": (branin, {"x1": _u(-5, 10), "x2": _u(0, 15)}, 0.397887),
    "hartmann3": (hartmann3, {f"x{i}": _u(0, 1) for i in range(1, 4)}, -3.86278),
    "hartmann6": (hartmann6, {f"x{i}": _u(0, 1) for i in range(1, 7)}, -3.32237),
    "rosenbrock4": (rosenbrock4, {f"x{i}": _u(-2, 2) for i in range(1, 5)}, 0.0),
    "styblinski_int4": (styblinski_int4, {f"n{i}": {"type": "int", "low": -5, "high": 5} for i in range(1, 5)}, -156.0),
    "mixed_xgb": (mixed_xgb, {
        "learning_rate": {"type": "loguniform", "low": 1e-4, "high": 1.0},
        "max_depth": {"type": "int", "low": 1, "high": 15},
        "n_estimators": {"type": "int", "low": 10, "high": 2000, "log": True},
        "booster": {"type": "choice", "choices": ["gbtree", "dart", "gblinear"]},
        "subsample": _u(0.3, 1.0),
    }, 0.0),
    "levy5": (levy, {f"x{i}": _u(-10, 10) for i in range(1, 6)}, 0.0),
    "ackley5": (ackley, {f"x{i}": _u(-32.768, 32.768) for i in range(1, 6)}, 0.0),
    "michalewicz5": (michalewicz, {f"x{i}": _u(0, math.pi) for i in range(1, 6)}, -4.687658),
    "rastrigin5": (rastrigin, {f"x{i}": _u(-5.12, 5.12) for i in range(1, 6)}, 0.0),
    "schwefel5": (schwefel, {f"x{i}": _u(-500, 500) for i in range(1, 6)}, 0.0),
    "rosenbrock10": (rosenbrock, {f"x{i}": _u(-2, 2) for i in range(1, 11)}, 0.0),
    "conditional": (conditional_models, {
        "model": {"type": "choice", "choices": ["linear", "trees", "knn"]},
        "alpha": {"type": "loguniform", "low": 1e-5, "high": 10.0, "when": {"model": "linear"}},
        "depth": {"type": "int", "low": 1, "high": 16, "when": {"model": "trees"}},
        "eta": {"type": "loguniform", "low": 1e-3, "high": 1.0, "when": {"model": "trees"}},
        "subsample": {"type": "uniform", "low": 0.3, "high": 1.0, "when": {"model": "trees"}},
        "k": {"type": "int", "low": 1, "high": 50, "when": {"model": "knn"}},
        "weights": {"type": "choice", "choices": ["uniform", "distance"], "when": {"model": "knn"}},
    }, 0.0),
}

# Noisy variants: the optimizer sees f + N(0, sd²); regret is the noiseless value of the
# configuration the optimizer would pick (best noisy value so far) minus the minimum.
NOISY = {
    "hartmann6_noisy": ("hartmann6", 0.1),
    "branin_noisy": ("branin", 1.0),
    "mixed_xgb_noisy": ("mixed_xgb", 0.05),
}
for _name, (_base, _sd) in NOISY.items():
    FUNCTIONS[_name] = FUNCTIONS[_base]
