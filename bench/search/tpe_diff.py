"""Step-by-step differential test of rung's TPE against Optuna's TPESampler.

rung's `ask-tell` answers {"op":"ask","trace":true} with every intermediate quantity of the
suggestion (Sources/RungCore/Search/TPETrace.swift): the history it saw, the below/above
split, both Parzen estimators' kernels (weights, centres, bandwidths, category
probabilities), the candidates it drew and log l(x), log g(x) of each. This script rebuilds
the same history as an Optuna study, asks Optuna's own code for the same quantities (the
split by `_split_trials`, the estimators by `TPESampler._build_parzen_estimator`, the
densities of rung's candidates by `_ParzenEstimator.log_pdf`) and reports the first quantity
that differs.

Two modes:
  python tpe_diff.py --check TRACES.jsonl
      Each line {"case": name, "space": {...}, "trace": {...}} (the Swift test writes these).
      Prints a JSON report; exit status 1 if any deterministic quantity differs.
  python tpe_diff.py --rung BIN [--draws 4000] [--cases a,b] [--out report.json]
      Drives `BIN ask-tell` through the built-in cases (continuous, log, integer,
      categorical, conditional, mixed; sequential and with pending trials), compares every
      traced ask, and also compares the candidate distribution: `draws` extra samples from
      rung's l(x) against as many from Optuna's l(x) (two-sample Kolmogorov-Smirnov per
      numeric parameter, chi-square per discrete one; needs scipy).
Needs optuna (5.x); written against 5.1's sampler internals.
"""
import argparse
import json
import math
import subprocess
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore")

import optuna  # noqa: E402
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution  # noqa: E402
from optuna.samplers import TPESampler  # noqa: E402
from optuna.samplers._tpe.probability_distributions import _BatchedCategoricalDistributions  # noqa: E402
from optuna.samplers._tpe.sampler import _split_trials, default_gamma  # noqa: E402
from optuna.trial import TrialState, create_trial  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)


class _StableArgsortNumpy:
    """numpy, except that argsort is stable. Optuna's bandwidth rule gives equal observations
    different bandwidths (the outer ones the gap to the next distinct value, the inner ones
    the magic-clip minimum), and which equal observation gets which depends on the order
    `np.argsort` leaves ties in: its default introsort keeps input order for arrays of up to
    16 elements (insertion sort) and not beyond, so for larger histories Optuna's assignment
    is an accident of the sort. rung keeps ties in trial order (a stable sort). With
    --numpy-tie-order unset, Optuna's estimator module sees a stable argsort, so the rest of
    the pipeline can be compared kernel by kernel; the bandwidths are also compared as
    multisets, which holds either way."""

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def argsort(a, *args, **kwargs):
        kwargs.setdefault("kind", "stable")
        return np.argsort(a, *args, **kwargs)


def use_stable_tie_order(stable=True):
    import optuna.samplers._tpe.parzen_estimator as pe
    pe.np = _StableArgsortNumpy() if stable else np

# Tolerances: exact arithmetic on the same inputs agrees to rounding.
TOL = {"weights": 1e-12, "mus": 1e-9, "sigmas": 1e-9, "probs": 1e-12, "log_l": 1e-7, "log_g": 1e-7}


def distributions(space):
    out = {}
    for name, p in space.items():
        t = p["type"]
        if t == "uniform":
            out[name] = FloatDistribution(p["low"], p["high"])
        elif t == "loguniform":
            out[name] = FloatDistribution(p["low"], p["high"], log=True)
        elif t == "quniform":
            steps = math.floor((p["high"] - p["low"]) / p["q"] + 1e-9)
            out[name] = FloatDistribution(p["low"], p["low"] + steps * p["q"], step=p["q"])
        elif t == "int":
            out[name] = IntDistribution(p["low"], p["high"], log=p.get("log", False))
        elif t == "choice":
            out[name] = CategoricalDistribution(p["choices"])
        # const: a single value, which Optuna leaves out of the search as well
    return out


def study_from_history(history, dists):
    study = optuna.create_study(direction="minimize", sampler=TPESampler(seed=0))
    states = {"complete": TrialState.COMPLETE, "running": TrialState.RUNNING, "fail": TrialState.FAIL}
    trials = []
    for h in history:
        params = {k: v for k, v in h["params"].items() if k in dists}
        kw = {"params": params, "distributions": {k: dists[k] for k in params}, "state": states[h["state"]]}
        if h["state"] == "complete":
            kw["value"] = h["value"]
        trials.append(create_trial(**kw))
    study.add_trials(trials)
    return study


def to_optuna(dist, x):
    """rung's internal coordinate (log for log parameters, index for choices) -> Optuna's repr."""
    if isinstance(dist, CategoricalDistribution):
        return float(int(round(x)))
    v = math.exp(x) if dist.log else x
    if isinstance(dist, IntDistribution):
        return float(int(round(v)))
    return v


def to_rung(dist, v):
    if isinstance(dist, CategoricalDistribution):
        return float(v)
    return math.log(v) if dist.log else float(v)


def kernels(mpe, names, dists):
    mix = mpe._mixture_distribution
    out = {"weights": np.asarray(mix.weights, dtype=float), "mus": [], "sigmas": [], "probs": []}
    for name, d in zip(names, mix.distributions):
        if isinstance(d, _BatchedCategoricalDistributions):
            out["mus"].append(np.array([]))
            out["sigmas"].append(np.array([]))
            out["probs"].append(np.asarray(d.weights, dtype=float).ravel())
        else:
            out["mus"].append(np.asarray(d.mu, dtype=float))
            out["sigmas"].append(np.asarray(d.sigma, dtype=float))
            out["probs"].append(np.array([]))
    return out


def maxdiff(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return float("inf")
    if a.size == 0:
        return 0.0
    both_inf = np.isneginf(a) & np.isneginf(b)
    return float(np.max(np.where(both_inf, 0.0, np.abs(a - b))))


def compare_estimator(tag, rung_e, opt_e, opt_trials, findings):
    def add(q, d, note=""):
        findings.append({"quantity": f"{tag}.{q}", "max_abs_diff": d, "ok": d <= TOL.get(q, 0), "note": note})

    add("trials", 0.0 if rung_e["trials"] == opt_trials else float("inf"),
        "" if rung_e["trials"] == opt_trials else f"rung {rung_e['trials']} optuna {opt_trials}")
    add("weights", maxdiff(rung_e["weights"], opt_e["weights"]))
    for a in range(len(opt_e["mus"])):
        add("mus", maxdiff(rung_e["mus"][a], opt_e["mus"][a]))
        d = maxdiff(rung_e["sigmas"][a], opt_e["sigmas"][a])
        note = ""
        if d > TOL["sigmas"] and len(opt_e["mus"][a]):
            # Equal observations: which of them gets which neighbour gap depends on the sort's
            # tie order (numpy's argsort is not stable). Compare (centre, bandwidth, weight) as multisets.
            def key(mus, sigmas, weights):
                return sorted((round(m, 9), s, w) for m, s, w in zip(mus, sigmas, weights))
            ka = key(rung_e["mus"][a], rung_e["sigmas"][a], rung_e["weights"])
            kb = key(opt_e["mus"][a], opt_e["sigmas"][a], opt_e["weights"])
            md = maxdiff(ka, kb)
            if md <= TOL["sigmas"]:
                note = f"tie order only (per-kernel diff {d:.3g}; as multisets {md:.3g})"
                d = md
        add("sigmas", d, note)
        add("probs", maxdiff(rung_e["probs"][a], opt_e["probs"][a]))


def check_trace(case, space, trace, draws_test=False):
    """Compare one traced suggestion; returns a list of findings in the order of the pipeline."""
    dists = distributions(space)
    study = study_from_history(trace["history"], dists)
    sampler = study.sampler
    trials = study._get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING),
                               use_cache=False)
    n = sum(t.state != TrialState.RUNNING for t in trials)
    below, above = _split_trials(study, trials, default_gamma(n))
    findings = []
    ok_split = [t.number for t in below] == trace["below"] and [t.number for t in above] == trace["above"]
    findings.append({"quantity": "split", "max_abs_diff": 0.0 if ok_split else float("inf"), "ok": ok_split,
                     "note": "" if ok_split else f"rung below {trace['below']} optuna {[t.number for t in below]}"})
    findings.append({"quantity": "observed", "max_abs_diff": abs(n - trace["observed"]), "ok": n == trace["observed"],
                     "note": ""})
    extra = {}
    for gi, g in enumerate(trace["groups"]):
        names = g["params"]
        ss = {k: dists[k] for k in names}
        mb = sampler._build_parzen_estimator(study, ss, below, handle_below=True)
        ma = sampler._build_parzen_estimator(study, ss, above, handle_below=False)
        used_b = [t.number for t in below if set(names) <= set(t.params)]
        used_a = [t.number for t in above if set(names) <= set(t.params)]
        tag = f"group{gi}({','.join(names)})"
        compare_estimator(tag + ".below", g["below"], kernels(mb, names, dists), used_b, findings)
        compare_estimator(tag + ".above", g["above"], kernels(ma, names, dists), used_a, findings)
        cands = np.asarray(g["candidates"], dtype=float)
        samples = {k: np.array([to_optuna(dists[k], x) for x in cands[:, a]]) for a, k in enumerate(names)}
        ll, lg = mb.log_pdf(samples), ma.log_pdf(samples)
        findings.append({"quantity": f"{tag}.log_l", "max_abs_diff": maxdiff(g["log_l"], ll),
                         "ok": maxdiff(g["log_l"], ll) <= TOL["log_l"], "note": ""})
        findings.append({"quantity": f"{tag}.log_g", "max_abs_diff": maxdiff(g["log_g"], lg),
                         "ok": maxdiff(g["log_g"], lg) <= TOL["log_g"], "note": ""})
        acq = ll - lg
        best = int(np.argmax(acq))
        # A different argmax only counts when Optuna's acquisition separates the two candidates.
        same = best == g["chosen"] or abs(acq[best] - acq[g["chosen"]]) <= 1e-9
        findings.append({"quantity": f"{tag}.chosen", "max_abs_diff": 0.0 if same else float(acq[best] - acq[g["chosen"]]),
                         "ok": same, "note": "" if same else f"rung chose {g['chosen']}, optuna's argmax {best}"})
        if draws_test and g.get("draws"):
            extra[tag] = compare_draws(g["draws"], mb, names, dists)
    # Which parameters Optuna would model jointly (its intersection search space) vs rung's group.
    joint = sorted(k for k, d in sampler.infer_relative_search_space(study, trials[-1]).items())
    rung_joint = sorted(next((g["params"] for g in trace["groups"] if len(g["params"]) > 1), []))
    return findings, extra, {"optuna_joint": joint, "rung_joint": rung_joint}


def compare_draws(rung_draws, mpe, names, dists, seed=12345):
    from scipy import stats
    rd = np.asarray(rung_draws, dtype=float)
    od = mpe.sample(np.random.RandomState(seed), len(rd))
    out = {}
    for a, k in enumerate(names):
        d = dists[k]
        o = np.array([to_rung(d, v) for v in od[k]])
        r = rd[:, a]
        if isinstance(d, (CategoricalDistribution, IntDistribution)) or d.step is not None:
            values = sorted(set(np.round(o, 9)) | set(np.round(r, 9)))
            table = np.array([[np.sum(np.isclose(r, v)), np.sum(np.isclose(o, v))] for v in values]) + 0.5
            p = float(stats.chi2_contingency(table.T)[1]) if len(values) > 1 else 1.0
            out[k] = {"test": "chi2", "p": p}
        else:
            out[k] = {"test": "ks", "p": float(stats.ks_2samp(r, o).pvalue),
                      "rung_mean": float(r.mean()), "optuna_mean": float(o.mean()),
                      "rung_sd": float(r.std()), "optuna_sd": float(o.std())}
    return out


# ---- the built-in cases of the harness mode ----

def _sphere(p, space):
    v = 0.0
    for k, s in space.items():
        x = p.get(k)
        if x is None:
            continue
        if s["type"] == "choice":
            v += 0.3 * s["choices"].index(x)
        elif s["type"] == "loguniform" or s.get("log"):
            v += (math.log(x) - math.log(s["low"]) - 0.3 * (math.log(s["high"]) - math.log(s["low"]))) ** 2
        else:
            v += ((x - s["low"]) / (s["high"] - s["low"]) - 0.3) ** 2
    return v


CASES = {
    "continuous": {"x": {"type": "uniform", "low": -5, "high": 10}, "y": {"type": "uniform", "low": 0, "high": 15},
                   "z": {"type": "uniform", "low": 0, "high": 1}},
    "log": {"lr": {"type": "loguniform", "low": 1e-5, "high": 1.0}, "l2": {"type": "loguniform", "low": 1e-3, "high": 100}},
    "integer": {"a": {"type": "int", "low": -5, "high": 5}, "b": {"type": "int", "low": 1, "high": 200, "log": True},
                "c": {"type": "int", "low": 0, "high": 3}},
    "quantised": {"q": {"type": "quniform", "low": 0, "high": 1, "q": 0.1}, "x": {"type": "uniform", "low": 0, "high": 1}},
    "categorical": {"k": {"type": "choice", "choices": ["a", "b", "c", "d"]}, "m": {"type": "choice", "choices": [1, 2, 3]}},
    "conditional": {"model": {"type": "choice", "choices": ["lin", "tree"]},
                    "alpha": {"type": "loguniform", "low": 1e-4, "high": 10, "when": {"model": "lin"}},
                    "depth": {"type": "int", "low": 1, "high": 12, "when": {"model": "tree"}},
                    "eta": {"type": "uniform", "low": 0, "high": 1}},
    "mixed": {"learning_rate": {"type": "loguniform", "low": 1e-4, "high": 1.0},
              "max_depth": {"type": "int", "low": 1, "high": 15},
              "n_estimators": {"type": "int", "low": 10, "high": 2000, "log": True},
              "booster": {"type": "choice", "choices": ["gbtree", "dart", "gblinear"]},
              "subsample": {"type": "uniform", "low": 0.3, "high": 1.0}},
}


def run_case(binary, name, space, batch, checkpoints, draws, seed=7):
    proc = subprocess.Popen([binary, "ask-tell"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def call(req):
        proc.stdin.write(json.dumps(req) + "\n")
        proc.stdin.flush()
        reply = json.loads(proc.stdout.readline())
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply

    call({"op": "init", "space": space, "seed": seed, "mode": "min", "parallel": batch})
    traces = []
    told = 0
    while told <= max(checkpoints):
        asked = []
        for _ in range(batch):
            want = told + len(asked) in checkpoints
            r = call({"op": "ask", "trace": True, "draws": draws} if want else {"op": "ask"})
            if want and r.get("trace"):
                traces.append(r["trace"])
            asked.append(r)
        for r in asked:
            call({"op": "tell", "trial": r["trial"], "value": _sphere(r["params"], space)})
            told += 1
    proc.stdin.write('{"op":"close"}\n')
    proc.stdin.flush()
    proc.wait(timeout=10)
    return traces


def summarise(results):
    first = None
    worst = {}
    for r in results:
        for f in r["findings"]:
            q = f["quantity"].split(".")[-1] if "." in f["quantity"] else f["quantity"]
            worst[q] = max(worst.get(q, 0.0), f["max_abs_diff"])
            if not f["ok"] and first is None:
                first = {"case": r["case"], **f}
    return {"first_difference": first, "max_abs_diff_by_quantity": worst,
            "traces": len(results), "all_ok": first is None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", help="JSON-lines file of {case, space, trace}")
    ap.add_argument("--rung", help="rung binary: run the built-in cases through its ask-tell")
    ap.add_argument("--cases", default="all")
    ap.add_argument("--draws", type=int, default=4000)
    ap.add_argument("--out", default=None)
    ap.add_argument("--numpy-tie-order", action="store_true",
                    help="leave Optuna's argsort unstable (tied observations then get bandwidths in numpy's order)")
    args = ap.parse_args()
    use_stable_tie_order(not args.numpy_tie_order)
    results = []
    if args.check:
        with open(args.check) as fh:
            for line in fh:
                if line.strip():
                    rec = json.loads(line)
                    findings, _, joint = check_trace(rec["case"], rec["space"], rec["trace"])
                    results.append({"case": rec["case"], "findings": findings, **joint})
    elif args.rung:
        names = list(CASES) if args.cases == "all" else args.cases.split(",")
        for name in names:
            for batch in (1, 8):
                traces = run_case(args.rung, name, CASES[name], batch, {12, 30, 60, 100}, args.draws)
                for t in traces:
                    findings, draws, joint = check_trace(name, CASES[name], t, draws_test=args.draws > 0)
                    case = f"{name}/batch{batch}/n{len(t['history'])}"
                    results.append({"case": case, "findings": findings, "draws": draws, **joint})
                    bad = [f for f in findings if not f["ok"]]
                    low_p = {g: {k: v["p"] for k, v in d.items()} for g, d in draws.items()}
                    print(f"{case:36s} {'ok' if not bad else 'DIFF ' + bad[0]['quantity'] + ' ' + str(bad[0]['max_abs_diff'])}"
                          f"  draws p={low_p}", flush=True)
    else:
        ap.error("give --check FILE or --rung BIN")
    report = {"summary": summarise(results), "results": results}
    text = json.dumps(report, indent=1, default=float)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text)
    print(json.dumps(report["summary"], default=float))
    sys.exit(0 if report["summary"]["all_ok"] else 1)


if __name__ == "__main__":
    main()
