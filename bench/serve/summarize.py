"""Prints bench/serve's results.jsonl as the markdown tables of docs/benchmarks.md."""
import json
import sys

lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
runs = [l for l in lines if "mode" in l]
rss = {l["server"]: l["rss_kib"] for l in lines if "rss_kib" in l}
agreement = next((l for l in lines if "agreement_rows" in l), None)
servers = sorted({r["server"] for r in runs}, key=lambda s: (s != "rung", s))
print("| server | body | saturation req/s | rows/s | p50 ms @1000/s | p99 ms @1000/s | answered @1000/s (unsent) | non-2xx | RSS MiB |")
print("|---|---|---|---|---|---|---|---|---|")
best = {}
for s in servers:
    for body in ["single", "batch100"]:
        sat = next(r["result"] for r in runs if r["server"] == s and r["body"] == body and r["mode"] == "saturation")
        fixed = next(r["result"] for r in runs if r["server"] == s and r["body"] == body and r["mode"] == "rate1000")
        rows = 1 if body == "single" else 100
        ms = lambda v: "—" if v is None else f"{v:.2f}"
        print(f"| {s} | {body} | {sat['requests_per_second']:.0f} | {sat['requests_per_second'] * rows:.0f} | "
              f"{ms(fixed['p50_ms'])} | {ms(fixed['p99_ms'])} | {fixed['requests']} ({fixed.get('unsent', 0)}) | "
              f"{sat['non_2xx'] + fixed['non_2xx']} | {rss.get(s, 0) / 1024:.0f} |")
        if s != "rung":
            best[body] = max(best.get(body, 0), sat["requests_per_second"])
print()
for body in ["single", "batch100"]:
    rung = next(r["result"] for r in runs if r["server"] == "rung" and r["body"] == body and r["mode"] == "saturation")
    if best.get(body):
        print(f"- {body}: rung serve {rung['requests_per_second']:.0f} req/s vs FastAPI's best {best[body]:.0f} req/s: "
              f"{rung['requests_per_second'] / best[body]:.1f}x")
if agreement:
    print(f"- agreement on {agreement['agreement_rows']} raw rows: max |p_rung - p_fastapi| = {agreement['max_abs_diff']:.3g}")
for r in runs:
    if r["mode"] == "rate1000-server-side":
        v = r["result"]
        fixed = next(x["result"] for x in runs if x["server"] == "rung" and x["body"] == r["body"] and x["mode"] == "rate1000")
        phases = ", ".join(f"{k} {p['mean_us']:.0f} µs (p99 ≤ {p['p99_bucket_us']:.0f})" for k, p in v["phases"].items())
        share2 = v['share_within_2ms']
        print(f"- {r['body']} at 1,000/s, server side: {v['requests']:.0f} requests, mean {v['mean_ms']:.3f} ms, "
              f"{'—' if share2 is None else f'{share2 * 100:.2f}'} % within 2 ms, p99 bucket ≤ {v['p99_bucket_ms']:g} ms; phases: {phases}. "
              f"Client: send delay p50/p99 {fixed.get('send_delay_p50_ms') or 0:.2f}/{fixed.get('send_delay_p99_ms') or 0:.2f} ms, "
              f"send→answer p50/p99 {fixed.get('service_p50_ms') or 0:.2f}/{fixed.get('service_p99_ms') or 0:.2f} ms")
