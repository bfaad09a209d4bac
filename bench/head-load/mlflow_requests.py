# How many trials per second an MLflow tracking server takes when each costs the three
# requests rung's export sends for an ended trial (runs/create with tags, one runs/log-batch
# with params, metrics and end tags, runs/update), sequentially and with N in flight.
#   python bench/head-load/mlflow_requests.py PORT TRIALS IN_FLIGHT
# (a running `mlflow server` on 127.0.0.1:PORT; prints trials/s, requests/s and the mean
# time of each request kind). Used to profile the export's catch-up (docs/benchmarks.md).
import http.client, json, time, sys, threading
port = int(sys.argv[1]); n = int(sys.argv[2]); par = int(sys.argv[3])
def conn(): return http.client.HTTPConnection("127.0.0.1", port)
def call(c, path, body):
    c.request("POST", "/api/2.0/mlflow/" + path, json.dumps(body), {"Content-Type": "application/json"})
    r = c.getresponse(); d = r.read()
    assert r.status == 200, d
    return json.loads(d)
c = conn()
try:
    exp = call(c, "experiments/create", {"name": f"probe-{time.time()}"})["experiment_id"]
except Exception as e:
    print(e); raise
times = {"create": [], "log": [], "update": []}
lock = threading.Lock()
def trial(c, i):
    t0 = time.perf_counter()
    rid = call(c, "runs/create", {"experiment_id": exp, "run_name": f"t{i}", "start_time": 1, "tags": [{"key": "rung.trial_id", "value": str(i)}, {"key":"rung.family","value":"xgboost"}]})["run"]["info"]["run_id"]
    t1 = time.perf_counter()
    call(c, "runs/log-batch", {"run_id": rid, "params": [{"key": "max_depth", "value": "3"}, {"key":"learning_rate","value":"0.1"}],
        "metrics": [{"key": k, "value": 0.5, "timestamp": 1000 + e, "step": e} for e in range(1, 4) for k in ("val_auc", "val_logloss", "train_auc")],
        "tags": [{"key": "rung.status", "value": "finished"}]})
    t2 = time.perf_counter()
    call(c, "runs/update", {"run_id": rid, "status": "FINISHED", "end_time": 2})
    t3 = time.perf_counter()
    with lock:
        times["create"].append(t1 - t0); times["log"].append(t2 - t1); times["update"].append(t3 - t2)
start = time.perf_counter()
idx = iter(range(n)); il = threading.Lock()
def worker():
    c = conn()
    while True:
        with il:
            i = next(idx, None)
        if i is None: return
        trial(c, i)
ts = [threading.Thread(target=worker) for _ in range(par)]
[t.start() for t in ts]; [t.join() for t in ts]
total = time.perf_counter() - start
print(f"{n} trials ({n / total:.1f} trials/s), {par} in flight: {total:.2f} s, {3*n/total:.1f} req/s; mean ms create {1000*sum(times['create'])/n:.0f} log {1000*sum(times['log'])/n:.0f} update {1000*sum(times['update'])/n:.0f}")
