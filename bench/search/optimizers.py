"""Three ways to run an ask/tell loop on a space: rung (ask-tell subprocess), Optuna, hyperopt.

Every optimizer exposes run(space, f, evals, seed, batch) -> list of values in evaluation order;
batch B means: ask B configurations, evaluate them, tell all B (B=1 is sequential).
"""
import json
import math
import subprocess
import time


class RungAskTell:
    """A long-lived `rung ask-tell` process."""

    def __init__(self, binary, searcher="tpe", extra=()):
        self.proc = subprocess.Popen([binary, "ask-tell", "--searcher", searcher, *extra],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def call(self, req):
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        reply = json.loads(self.proc.stdout.readline())
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply

    def close(self):
        self.proc.stdin.write('{"op":"close"}\n')
        self.proc.stdin.flush()
        self.proc.wait(timeout=10)


def run_rung(binary, space, f, evals, seed, batch, searcher="tpe", extra=()):
    r = RungAskTell(binary, searcher, extra)
    r.call({"op": "init", "space": space, "seed": seed, "mode": "min", "parallel": batch})
    values = []
    while len(values) < evals:
        n = min(batch, evals - len(values))
        asked = [r.call({"op": "ask"}) for _ in range(n)]
        for a in asked:
            v = f(a["params"])
            values.append(v)
            r.call({"op": "tell", "trial": a["trial"], "value": v})
    r.close()
    return values


def optuna_distributions(space):
    import optuna
    d = {}
    for name, p in space.items():
        t = p["type"]
        if t == "uniform":
            d[name] = optuna.distributions.FloatDistribution(p["low"], p["high"])
        elif t == "loguniform":
            d[name] = optuna.distributions.FloatDistribution(p["low"], p["high"], log=True)
        elif t == "int":
            d[name] = optuna.distributions.IntDistribution(p["low"], p["high"], log=p.get("log", False))
        elif t == "choice":
            d[name] = optuna.distributions.CategoricalDistribution(p["choices"])
    return d


def is_conditional(space):
    return any("when" in p for p in space.values())


def active(p, params):
    """Whether parameter spec `p` is active given the parent values chosen so far."""
    for parent, v in p.get("when", {}).items():
        allowed = v if isinstance(v, list) else [v]
        if parent not in params or params[parent] not in allowed:
            return False
    return True


def optuna_suggest(trial, space):
    """Define-by-run suggestions (parents before children, as the space lists them)."""
    params = {}
    for name, p in space.items():
        if not active(p, params):
            continue
        t = p["type"]
        if t == "uniform":
            params[name] = trial.suggest_float(name, p["low"], p["high"])
        elif t == "loguniform":
            params[name] = trial.suggest_float(name, p["low"], p["high"], log=True)
        elif t == "int":
            params[name] = trial.suggest_int(name, p["low"], p["high"], log=p.get("log", False))
        elif t == "choice":
            params[name] = trial.suggest_categorical(name, p["choices"])
    return params


def run_optuna(space, f, evals, seed, batch):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed))
    dists = None if is_conditional(space) else optuna_distributions(space)
    values = []
    while len(values) < evals:
        n = min(batch, evals - len(values))
        if dists is not None:
            trials = [(t, t.params) for t in (study.ask(dists) for _ in range(n))]
        else:
            trials = []
            for _ in range(n):
                t = study.ask()
                trials.append((t, optuna_suggest(t, space)))
        for t, params in trials:
            v = f(params)
            values.append(v)
            study.tell(t, v)
    return values


def _hyperopt_leaf(hp, name, p):
    t = p["type"]
    if t == "uniform":
        return hp.uniform(name, p["low"], p["high"])
    if t == "loguniform":
        return hp.loguniform(name, math.log(p["low"]), math.log(p["high"]))
    if t == "int":
        if p.get("log"):
            return hp.qloguniform(name, math.log(p["low"] - 0.5), math.log(p["high"] + 0.5), 1)
        return hp.quniform(name, p["low"] - 0.5, p["high"] + 0.5, 1)
    if t == "choice":
        return hp.choice(name, p["choices"])
    raise ValueError(t)


def hyperopt_space(space):
    from hyperopt import hp
    if is_conditional(space):
        # One level of conditions on unconditioned choice parents: hp.choice over branches.
        s = {}
        for name, p in space.items():
            if "when" in p:
                continue
            children = {c: {} for c in p.get("choices", [])}
            for cname, cp in space.items():
                for parent, v in cp.get("when", {}).items():
                    if parent == name:
                        for value in (v if isinstance(v, list) else [v]):
                            children[value][cname] = _hyperopt_leaf(hp, cname, cp)
            if p["type"] == "choice" and any(children.values()):
                s[name] = hp.choice(name, [{"__value": c, **children[c]} for c in p["choices"]])
            else:
                s[name] = _hyperopt_leaf(hp, name, p)
        return s
    s = {}
    for name, p in space.items():
        t = p["type"]
        if t == "uniform":
            s[name] = hp.uniform(name, p["low"], p["high"])
        elif t == "loguniform":
            s[name] = hp.loguniform(name, math.log(p["low"]), math.log(p["high"]))
        elif t == "int":
            if p.get("log"):
                s[name] = hp.qloguniform(name, math.log(p["low"] - 0.5), math.log(p["high"] + 0.5), 1)
            else:
                s[name] = hp.quniform(name, p["low"] - 0.5, p["high"] + 0.5, 1)
        elif t == "choice":
            s[name] = hp.choice(name, p["choices"])
    return s


def _clip_ints(space, params):
    out = {}
    for k, v in params.items():
        if isinstance(v, dict):  # a conditional branch: its value and its children
            out[k] = v["__value"]
            out.update({ck: cv for ck, cv in v.items() if ck != "__value"})
        else:
            out[k] = v
    for name, p in space.items():
        if p["type"] == "int" and name in out:
            out[name] = int(min(max(round(out[name]), p["low"]), p["high"]))
    return out


def run_hyperopt(space, f, evals, seed, batch):
    import numpy as np
    from hyperopt import STATUS_OK, Trials, fmin, tpe
    values = []

    def objective(params):
        v = f(_clip_ints(space, params))
        values.append(v)
        return {"loss": v, "status": STATUS_OK}

    fmin(objective, hyperopt_space(space), algo=tpe.suggest, max_evals=evals, trials=Trials(),
         rstate=np.random.default_rng(seed), show_progressbar=False, max_queue_len=batch)
    return values


def rung_ask_times(binary, space, f, checkpoints, repeats, seed=0):
    """Seconds per ask (median of `repeats` ask+tell rounds) once n observations exist."""
    r = RungAskTell(binary)
    r.call({"op": "init", "space": space, "seed": seed, "mode": "min"})
    out = {}
    n = 0
    for cp in checkpoints:
        while n < cp:
            a = r.call({"op": "ask"})
            r.call({"op": "tell", "trial": a["trial"], "value": f(a["params"])})
            n += 1
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            a = r.call({"op": "ask"})
            times.append(time.perf_counter() - t0)
            r.call({"op": "tell", "trial": a["trial"], "value": f(a["params"])})
            n += 1
        times.sort()
        out[cp] = times[len(times) // 2]
    r.close()
    return out


def _random_value(rng, p):
    t = p["type"]
    if t == "choice":
        return rng.choice(p["choices"])
    if t == "int":
        if p.get("log"):
            return int(min(max(round(math.exp(rng.uniform(math.log(p["low"]), math.log(p["high"])))), p["low"]), p["high"]))
        return rng.randint(p["low"], p["high"])
    if t == "loguniform":
        return math.exp(rng.uniform(math.log(p["low"]), math.log(p["high"])))
    return rng.uniform(p["low"], p["high"])


def optuna_ask_times(space, f, checkpoints, repeats, seed=0):
    import optuna
    import random
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    rng = random.Random(seed)
    dists = optuna_distributions(space)
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed))
    out = {}
    n = 0
    for cp in checkpoints:
        fake = []
        while n < cp:
            params = {k: _random_value(rng, p) for k, p in space.items()}
            fake.append(optuna.trial.create_trial(params=params, distributions=dists, value=f(params)))
            n += 1
        study.add_trials(fake)
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            t = study.ask(dists)
            times.append(time.perf_counter() - t0)
            study.tell(t, f(t.params))
            n += 1
        times.sort()
        out[cp] = times[len(times) // 2]
    return out


def hyperopt_ask_times(space, f, checkpoints, repeats, seed=0):
    import numpy as np
    from hyperopt import STATUS_OK, Trials, fmin, rand, tpe
    from hyperopt.base import Domain
    hs = hyperopt_space(space)

    def objective(params):
        return {"loss": f(params), "status": STATUS_OK}

    trials = Trials()
    domain = Domain(objective, hs)
    out = {}
    for cp in checkpoints:
        fmin(objective, hs, algo=rand.suggest, max_evals=cp, trials=trials,
             rstate=np.random.default_rng(seed + cp), show_progressbar=False)
        times = []
        for i in range(repeats):
            t0 = time.perf_counter()
            tpe.suggest([len(trials.trials) + 10_000 + i], domain, trials, seed + i)
            times.append(time.perf_counter() - t0)
        times.sort()
        out[cp] = times[len(times) // 2]
    return out
