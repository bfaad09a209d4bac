#!/usr/bin/env python3
"""Writes the synthetic seed corpus of the fuzz harnesses (fuzz/corpus/<harness>/).

Run from anywhere: `python3 fuzz/make-seeds.py`. The wire seeds follow the frame layout of
docs/protocol.md (Sources/RungWire/WireFormat.swift); the others are small hand-written
files. Nothing here is third-party data.
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(harness, name, data):
    folder = os.path.join(HERE, "corpus", harness)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# --- wire frames: "RG", version 2, type byte, fields (little-endian) --------------------
def u8(v): return struct.pack("<B", v)
def u32(v): return struct.pack("<I", v)
def u64(v): return struct.pack("<Q", v)
def f64(v): return struct.pack("<d", v)
def s(text):
    b = text.encode("utf-8")
    return u32(len(b)) + b
def strings(items): return u32(len(items)) + b"".join(s(x) for x in items)
def ids(items): return u32(len(items)) + b"".join(u64(x) for x in items)
def metrics(items): return u32(len(items)) + b"".join(s(n) + f64(v) for n, v in items)
def frame(code, body=b""): return b"RG" + u8(2) + u8(code) + body


write("wire", "hello", frame(1, s("worker-1") + s("node-a") + u32(2) + strings(["xgboost", "random_forest"]) + ids([3, 4])))
write("wire", "welcome", frame(2, u32(1000) + u32(5000) + s("file:///srv/rung/artifacts")))
write("wire", "heartbeat", frame(3, ids([1, 2, 3])))
write("wire", "assign", frame(4, u64(7) + u64(1) + s("xgboost") + strings(["python3", "train.py"]) + s('{"max_depth":4}')
                              + u64(42) + u32(0) + u32(20) + u32(3) + u32(2) + u32(6) + u32(18)
                              + s("file:///data/s1") + s("sha256:ab") + s("file:///ckpt/7")))
write("wire", "epoch-report", frame(5, u64(7) + u32(3) + f64(1.5) + metrics([("val_auc", 0.71), ("val_logloss", float("nan"))]) + u8(1) + u64(5)))
write("wire", "decision", frame(6, u64(7) + u32(3) + u8(2)))
write("wire", "done", frame(7, u64(7) + u32(20) + metrics([("val_auc", 0.73)]) + s("file:///ckpt/7") + u64(6)))
write("wire", "failed", frame(8, u64(7) + s("trainer exited with status 1") + u64(7)))
write("wire", "cancel", frame(9, u64(7)))
write("wire", "drain", frame(10))
write("wire", "ack", frame(11, u32(2) + u64(7) + u64(6) + u64(9) + u64(1)))
write("wire", "control", frame(20, s('{"op":"status","v":1}')))
write("wire", "control-reply", frame(21, s('{"ok":true,"sweep":3}')))

# --- control requests and replies (JSON) ------------------------------------------------
requests = {
    "submit": {"op": "submit", "v": 1, "config": "name: s\n", "path": "sweep.yaml", "data": "file:///d"},
    "cancel": {"op": "cancel", "v": 1, "sweep": 3},
    "status": {"op": "status"},
    "top": {"op": "top", "sweep": 3, "family": "xgboost", "sort": "metric", "limit": 20},
    "sweep": {"op": "sweep", "sweep": 3},
    "drain": {"op": "drain", "worker": "worker-1"},
    "workers": {"op": "workers", "v": 1},
    "records": {"op": "records", "sweep": 3, "details": False},
    "reply-error": {"error": "there is no sweep 9", "kind": "badInput"},
    "reply-id": {"ok": True, "sweep": 3},
    "reply-state": {"ok": True, "sweep": 3, "name": "s", "status": "running", "message": "",
                    "progress": {"trials": 4, "finished": 1, "best": "nan"}},
}
for name, obj in requests.items():
    write("control", name, json.dumps(obj))
write("control", "nested", '{"op":"top","sweep":1e300,"limit":-1,"family":"\\u00e9\\ud83d\\ude00"}')

# --- CSV files ---------------------------------------------------------------------------
write("csv", "plain", "id,a,b,label\n1,0.5,x,1\n2,1.5,y,0\n3,,x,1\n")
write("csv", "quoted", 'id,text,n,label\r\n1,"a, ""quoted"" field",3,1\r\n2,"multi\nline",4,0\r\n')
write("csv", "bom-cr", "\ufeffa,b,label\r1,2,0\r\r3,4,1\r")
write("csv", "ragged", "a,b,label\n1,2\n3,4,1\n5,6,7,0\n")
write("csv", "numbers", "x,y,label\n1e308,-0,1\ninf,nan,0\n0x10,1_000,1\n")

# --- sweep configs -----------------------------------------------------------------------
write("sweep-config", "builtin", """name: fuzz
seed: 7
data: {source: synthetic, recipe: recipe.yaml, through_batch: latest}
metric: {name: val_auc, mode: max}
searcher: {type: tpe, startup_trials: 5}
scheduler: {type: asha, max_epochs: 9, grace_period: 1, reduction_factor: 3}
warm_start: production
families:
  xgboost:
    trials: 4
    epoch: {rounds: 10}
    space:
      max_depth: {type: int, low: 3, high: 10}
      learning_rate: {type: loguniform, low: 0.01, high: 0.3}
      booster: {type: choice, values: [gbtree, dart]}
register: {metric: test_auc, min_improvement: 0.002}
""")
write("sweep-config", "command", """name: cmd
data: {source: synthetic, recipe: recipe.yaml, through_batch: 2}
metric: {name: loss, mode: min}
searcher: {type: random}
scheduler: {type: hyperband, max_epochs: 27}
families:
  my_script:
    trials: 3
    command: [python3, train.py]
    warm_start: none
    space:
      lr: {type: uniform, low: 0, high: 1}
""")
write("sweep-config", "tpe-space", """name: space
data: {prepared: file:///srv/prepared}
metric: {name: val_logloss, mode: min}
searcher: {type: tpe, startup_trials: 1}
scheduler: {type: fifo, max_epochs: 3}
families:
  xgboost:
    trials: 9
    space:
      booster: {type: choice, choices: [gbtree, dart, 3, 0.5, true]}
      rate_drop: {type: uniform, low: 0, high: 1, when: {booster: dart}}
      depth: {type: int, low: 1, high: 9223372036854775807, log: true}
      wide: {type: int, low: -9223372036854775808, high: 9223372036854775807}
      step: {type: quniform, low: -1e300, high: 1e300, q: 1e299}
      lr: {type: loguniform, low: 1e-300, high: 1e300}
      fixed: {type: const, value: 4}
""")
write("sweep-config", "anchors", "name: &n x\nseed: *n\nfamilies: {}\n")

# --- recipes -----------------------------------------------------------------------------
write("recipe", "full", """name: synthetic
description: A synthetic table.
source: synthetic
csv: {delimiter: ";", missing: ["?", ""]}
drop_columns: [b]
fill_missing: {a: "0"}
drop_rows:
  - {column: a, in: [1, 2]}
target: {name: y, from: label, negative: ["0"]}
ordinal:
  size: [small, medium, large]
id_columns: [id]
categorical: [a]
numeric: [b]
split: {initial_fraction: 0.2, train: 0.7, validation: 0.15, future_batches: 2}
""")
write("recipe", "minimal", "name: m\nsource: s\ntarget: {name: label}\n")
