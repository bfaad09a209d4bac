"""The server's own view of one load-generator run: the difference of two /metrics scrapes
(before and after) of `rung serve`. Prints one JSON object: for /predict, the request count,
the share answered within 1 ms and 2 ms and the histogram bucket holding p50 and p99; for each
phase of a /predict request (read, clean, model, answer) the mean and the p99 bucket.

    python server_side.py BEFORE.txt AFTER.txt
"""
import json
import re
import sys

LINE = re.compile(r'^(\w+)\{([^}]*)\}\s+(\S+)$')


def parse(path):
    values = {}
    for line in open(path):
        m = LINE.match(line.strip())
        if m:
            labels = tuple(sorted(re.findall(r'(\w+)="([^"]*)"', m.group(2))))
            values[(m.group(1), labels)] = float(m.group(3))
    return values


def histogram(delta, name, **want):
    buckets, total, count = [], 0.0, 0.0
    for (metric, labels), v in delta.items():
        d = dict(labels)
        if any(d.get(k) != w for k, w in want.items()):
            continue
        if metric == name + "_bucket":
            buckets.append((float("inf") if d["le"] == "+Inf" else float(d["le"]), v))
        elif metric == name + "_sum":
            total = v
        elif metric == name + "_count":
            count = v
    buckets.sort()
    return buckets, total, count


def quantile_bucket(buckets, count, q):
    for le, cumulative in buckets:
        if cumulative >= q * count:
            return le
    return None


def main():
    before, after = parse(sys.argv[1]), parse(sys.argv[2])
    delta = {k: v - before.get(k, 0.0) for k, v in after.items()}
    buckets, total, count = histogram(delta, "rung_serve_request_duration_seconds", route="/predict")
    within = lambda s: next((c for le, c in buckets if abs(le - s) < 1e-12), 0.0) / count if count else None
    out = {"requests": count, "mean_ms": total / count * 1000 if count else None,
           "share_within_1ms": within(0.001), "share_within_2ms": within(0.002),
           "p50_bucket_ms": (quantile_bucket(buckets, count, 0.5) or 0) * 1000,
           "p99_bucket_ms": (quantile_bucket(buckets, count, 0.99) or 0) * 1000, "phases": {}}
    for phase in ("read", "clean", "model", "answer"):
        b, t, c = histogram(delta, "rung_serve_predict_phase_seconds", phase=phase)
        if c:
            out["phases"][phase] = {"mean_us": t / c * 1e6, "p99_bucket_us": (quantile_bucket(b, c, 0.99) or 0) * 1e6}
    print(json.dumps(out))


main()
