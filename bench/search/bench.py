"""Search-quality and speed benchmark: rung ask-tell vs hyperopt TPE vs Optuna TPE.

Usage (see run.sh): python bench.py --rung PATH [--evals 100] [--seeds 20] [--batches 1,8]
       [--functions all] [--optimizers rung,optuna,hyperopt] [--speed 100,1000,3000]
       [--json OUT.json] [--markdown OUT.md] [--command "the command line to record"]
Regret = best value found so far - known minimum; reported as median [q1, q3] over seeds.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from functions import FUNCTIONS, NOISY  # noqa: E402
import optimizers  # noqa: E402


def regret_curve(values, minimum):
    best = np.minimum.accumulate(np.array(values, dtype=float))
    return best - minimum


class Noisy:
    """f + N(0, sd²) with a per-seed stream; remembers the noiseless values in call order."""

    def __init__(self, f, sd, seed):
        self.f, self.sd = f, sd
        self.rng = np.random.default_rng(10_000 + seed)
        self.true = []

    def __call__(self, p):
        v = self.f(p)
        self.true.append(v)
        return v + self.sd * float(self.rng.standard_normal())


def noisy_regret_curve(seen, true, minimum):
    """Regret of the incumbent: the noiseless value of the best configuration by observed value."""
    out, best, inc = [], float("inf"), None
    for s, t in zip(seen, true):
        if s < best:
            best, inc = s, t
        out.append(inc - minimum)
    return np.array(out)


def wilcoxon_p(a, b):
    """Two-sided paired Wilcoxon signed-rank p-value (pairs by seed); 1 when all pairs tie."""
    from scipy.stats import wilcoxon
    d = np.array(a) - np.array(b)
    if np.all(d == 0):
        return 1.0
    try:
        return float(wilcoxon(a, b).pvalue)
    except ValueError:
        return 1.0


def run_task(task):
    """One optimizer run on one function with one seed: ({checkpoint: regret}, seconds)."""
    fname, batch, opt, seed, rung, evals, checkpoints, rung_extra = task
    f, space, minimum = FUNCTIONS[fname]
    t0 = time.time()
    f_run = Noisy(f, NOISY[fname][1], seed) if fname in NOISY else f
    if opt == "rung":
        vals = optimizers.run_rung(rung, space, f_run, evals, seed, batch, extra=rung_extra)
    elif opt == "rung-random":
        vals = optimizers.run_rung(rung, space, f_run, evals, seed, batch, searcher="random")
    elif opt == "optuna":
        vals = optimizers.run_optuna(space, f_run, evals, seed, batch)
    elif opt == "hyperopt":
        vals = optimizers.run_hyperopt(space, f_run, evals, seed, batch)
    else:
        raise SystemExit(f"unknown optimizer {opt}")
    curve = noisy_regret_curve(vals, f_run.true, minimum) if fname in NOISY else regret_curve(vals, minimum)
    return {c: float(curve[c - 1]) for c in checkpoints}, time.time() - t0


def quartiles(xs):
    q1, med, q3 = np.percentile(np.array(xs), [25, 50, 75])
    return float(med), float(q1), float(q3)


def fmt(x):
    if x == 0:
        return "0"
    if abs(x) >= 100 or abs(x) < 1e-3:
        return f"{x:.2e}"
    return f"{x:.4f}"


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "platform": platform.platform(), "python": platform.python_version()}


def versions():
    out = {}
    try:
        import hyperopt
        out["hyperopt"] = hyperopt.__version__
    except Exception:  # noqa: BLE001
        pass
    try:
        import optuna
        out["optuna"] = optuna.__version__
    except Exception:  # noqa: BLE001
        pass
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rung", required=True, help="path of the rung binary (release build)")
    ap.add_argument("--evals", type=int, default=100)
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--seed-offset", type=int, default=0, help="first seed (seeds offset … offset+seeds-1)")
    ap.add_argument("--batches", default="1,8")
    ap.add_argument("--functions", default="all")
    ap.add_argument("--optimizers", default="rung,optuna,hyperopt")
    ap.add_argument("--speed", default="100,1000,3000", help="observation counts for ask timing ('' to skip)")
    ap.add_argument("--speed-repeats", type=int, default=15)
    ap.add_argument("--speed-functions", default="hartmann6,mixed_xgb",
                    help="functions whose spaces the ask timing uses (continuous; mixed with integers)")
    ap.add_argument("--jobs", type=int, default=1, help="runs in parallel (processes)")
    ap.add_argument("--rung-args", default="", help="extra arguments for rung ask-tell")
    ap.add_argument("--json", default=None)
    ap.add_argument("--markdown", default=None)
    ap.add_argument("--command", default=" ".join(sys.argv))
    args = ap.parse_args()

    funcs = list(FUNCTIONS) if args.functions == "all" else [] if args.functions == "none" else args.functions.split(",")
    opts = args.optimizers.split(",")
    batches = [int(b) for b in args.batches.split(",")]
    checkpoints = [c for c in (25, 50, 100) if c <= args.evals] or [args.evals]
    rung_extra = args.rung_args.split() if args.rung_args else []
    started = datetime.datetime.now(datetime.timezone.utc)

    quality = {}  # (func, batch, opt) -> {checkpoint: [regrets]}
    seconds = {}
    tasks = [(fname, batch, opt, seed, args.rung, args.evals, checkpoints, rung_extra)
             for fname in funcs for batch in batches for opt in opts
             for seed in range(args.seed_offset, args.seed_offset + args.seeds)]
    if args.jobs > 1:
        import multiprocessing
        pool = multiprocessing.get_context("fork").Pool(args.jobs)
        results = pool.imap(run_task, tasks)
    else:
        pool = None
        results = map(run_task, tasks)
    for (fname, batch, opt, seed, *_), (regrets_at, secs) in zip(tasks, results):
        cell = quality.setdefault((fname, batch, opt), {c: [] for c in checkpoints})
        for c in checkpoints:
            cell[c].append(regrets_at[c])
        seconds[(fname, batch, opt)] = seconds.get((fname, batch, opt), 0.0) + secs
        if len(cell[checkpoints[-1]]) == args.seeds:
            med = quartiles(cell[checkpoints[-1]])[0]
            print(f"{fname:16s} batch={batch} {opt:10s} median regret@{checkpoints[-1]}={fmt(med)} "
                  f"({seconds[(fname, batch, opt)]:.1f}s)", flush=True)
    if pool is not None:
        pool.close()

    speed = {}
    if args.speed:
        cps = [int(c) for c in args.speed.split(",")]
        for sf in args.speed_functions.split(","):
            f, space, _ = FUNCTIONS[sf]
            for opt in opts:
                if opt == "rung":
                    t = optimizers.rung_ask_times(args.rung, space, f, cps, args.speed_repeats)
                elif opt == "optuna":
                    t = optimizers.optuna_ask_times(space, f, cps, args.speed_repeats)
                elif opt == "hyperopt":
                    t = optimizers.hyperopt_ask_times(space, f, cps, args.speed_repeats)
                else:
                    continue
                key = opt if sf == "hartmann6" else f"{opt} ({sf})"
                speed[key] = t
                print(f"speed {key}: " + ", ".join(f"{k} obs {v * 1000:.2f} ms" for k, v in t.items()), flush=True)

    finished = datetime.datetime.now(datetime.timezone.utc)
    result = {
        "command": args.command, "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"), "machine": machine(), "versions": versions(),
        "evals": args.evals, "seeds": args.seeds, "jobs": args.jobs, "seed_offset": args.seed_offset, "batches": batches, "checkpoints": checkpoints,
        "quality": [{"function": k[0], "batch": k[1], "optimizer": k[2], "regrets": {str(c): v for c, v in r.items()},
                     "seconds": seconds[k]} for k, r in quality.items()],
        "speed_seconds_per_ask": {o: {str(k): v for k, v in s.items()} for o, s in speed.items()},
    }
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as fh:
            json.dump(result, fh, indent=1)
    if args.markdown:
        with open(args.markdown, "w") as fh:
            fh.write(markdown(result, funcs, opts, batches, checkpoints, quality, speed))


def markdown(result, funcs, opts, batches, checkpoints, quality, speed):
    m = result["machine"]
    lines = ["# Search benchmarks: rung TPE vs Optuna TPE vs hyperopt TPE", "",
             f"- Command: `{result['command']}`",
             f"- Date: {result['started']} – {result['finished']} (UTC)",
             f"- Machine: {m['nproc']} CPUs, {m['cpu']}, {m['platform']}, Python {m['python']}",
             f"- Libraries: " + ", ".join(f"{k} {v}" for k, v in result["versions"].items()),
             f"- {result['evals']} evaluations × {result['seeds']} seeds (seeds {result['seed_offset']}…{result['seed_offset'] + result['seeds'] - 1}) per cell; "
             "regret = best value so far − known minimum; median [first quartile, third quartile].",
             "- rung: `rung ask-tell --searcher tpe` (release build, one long-lived process per study, "
             "default settings: multivariate TPE, Optuna's gamma, 10 start-up trials, 24 candidates, constant liar).",
             "- Optuna: `TPESampler(seed=…)` with default settings, ask/tell interface.",
             "- hyperopt: `fmin(algo=tpe.suggest, max_queue_len=batch)` with default settings (20 start-up trials).",
             "- Batch B: ask B configurations, evaluate, tell all B (B = 8 simulates 8 parallel workers).",
             "- Noisy variants (`*_noisy`): the optimizers see f + N(0, sd²) (sd: hartmann6 0.1, branin 1.0, "
             "mixed_xgb 0.05); regret is the noiseless value of the configuration with the best observed value.",
             "- Conditional space: Optuna define-by-run (`suggest_*` only for active parameters), hyperopt "
             "`hp.choice` over branches, rung `when` conditions.", ""]
    for batch in batches:
        lines.append(f"## Regret, {'sequential' if batch == 1 else f'{batch} pending at once'}")
        lines.append("")
        header = "| function | optimizer | " + " | ".join(f"@{c}" for c in checkpoints) + " |"
        lines.append(header)
        lines.append("|" + "---|" * (2 + len(checkpoints)))
        for fname in funcs:
            for opt in opts:
                r = quality.get((fname, batch, opt))
                if r is None:
                    continue
                cells = []
                for c in checkpoints:
                    med, q1, q3 = quartiles(r[c])
                    cells.append(f"{fmt(med)} [{fmt(q1)}, {fmt(q3)}]")
                lines.append(f"| {fname} | {opt} | " + " | ".join(cells) + " |")
        lines.append("")
        c = checkpoints[-1]
        others = [o for o in opts if o != "rung" and o in ("optuna", "hyperopt")]
        if "rung" in opts and others:
            lines.append(f"Regret @{c}, rung against each tool: medians, and the two-sided paired Wilcoxon "
                         "signed-rank test over seeds (pairs = same seed). ✓ rung's median ≤ the tool's; "
                         "≈ rung's median is higher but p ≥ 0.05 (no significant difference); ✗ higher with p < 0.05.")
            lines.append("")
            lines.append("| function | " + " | ".join(f"rung vs {o} (median, p)" for o in others) + " |")
            lines.append("|" + "---|" * (1 + len(others)))
            tally = {o: {"✓": 0, "≈": 0, "✗": 0} for o in others}
            for fname in funcs:
                cells = []
                for o in others:
                    ra, rb = quality[(fname, batch, "rung")][c], quality[(fname, batch, o)][c]
                    a, b = quartiles(ra)[0], quartiles(rb)[0]
                    p = wilcoxon_p(ra, rb)
                    mark = "✓" if a <= b else ("≈" if p >= 0.05 else "✗")
                    tally[o][mark] += 1
                    cells.append(f"{mark} {fmt(a)} vs {fmt(b)}, p={p:.3f}")
                lines.append(f"| {fname} | " + " | ".join(cells) + " |")
            lines.append("")
            for o in others:
                t = tally[o]
                lines.append(f"- against {o}: ✓ {t['✓']}, ≈ {t['≈']}, ✗ {t['✗']} of {len(funcs)} functions")
            lines.append("")
    if speed:
        lines.append("## Time per ask (Hartmann6: 6 continuous parameters; mixed_xgb: 2 integers, 2 log, 1 categorical)")
        lines.append("")
        lines.append("Median of repeated asks once n observations exist; rung's time includes the JSON round trip "
                     "through the pipe; hyperopt's is one `tpe.suggest` call, Optuna's one `study.ask`.")
        lines.append("")
        cps = sorted({int(k) for s in speed.values() for k in s})
        lines.append("| optimizer | " + " | ".join(f"{c} obs" for c in cps) + " |")
        lines.append("|" + "---|" * (1 + len(cps)))
        for opt, s in speed.items():
            lines.append(f"| {opt} | " + " | ".join(f"{s[c] * 1000:.2f} ms" for c in cps) + " |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
