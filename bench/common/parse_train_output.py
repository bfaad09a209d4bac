#!/usr/bin/env python3
"""Normalises the stdout of `rung train ... --json` (or of bench/train/train_xgboost.py) into
one JSON object:

    {"format": "object" | "json-lines",
     "epochs": [{"epoch": 1, "seconds": 0.04, "val_auc": 0.68, "cpu_seconds": 0.04 | null}, ...],
     "median_epoch_seconds": 0.04 | null, "median_epoch_cpu_seconds": 0.04 | null,
     "final_val_auc": 0.69 | null}

ASSUMPTIONS about `rung train --json` (the Swift side was not written when this was; adapt
here if it differs, the run scripts only use this normalised form):
  1. stdout is either ONE JSON document (an object; pretty-printed or not), or JSON lines (one
     object per line; non-JSON lines are ignored).
  2. Per-epoch records are objects with an "epoch" number, found either in an array under
     "epochs" (also accepted: "history", "reports", "metrics" when it is an array; searched
     one level down too, e.g. {"trial": {"epochs": [...]}}), or as JSON lines of their own.
     If both appear, the last record for each epoch number wins.
  3. The validation AUC of a record is the first of: "val_auc"; "metrics"."val_auc";
     "validation"."auc" (RungTraining's EpochResult carries a MetricSet named "validation";
     a number or {"value": x}); "auc".
  4. Time, first of: "seconds" (also "epoch_seconds", "duration_seconds", "duration"): the
     duration of that epoch; "train_seconds" plus "evaluation_seconds" / "eval_seconds"
     (camelCase "trainSeconds" / "evaluationSeconds" too, as EpochResult's Swift names);
     "elapsed" (also "elapsed_seconds"): cumulative since training started, differenced unless
     --elapsed-per-epoch says it is already per epoch. Records without any time give
     "seconds": null (run.sh then falls back to whole-process wall time / epochs).
  5. Optional: "cpu_seconds" (process CPU time of the epoch) gives median_epoch_cpu_seconds.

Usage: parse_train_output.py [FILE]   (stdin when FILE is absent or '-')
Exit status 65 with a one-line message when no epoch records are found.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys

EPOCH_ARRAY_KEYS = ("epochs", "history", "reports", "metrics")
SECONDS_KEYS = ("seconds", "epoch_seconds", "duration_seconds", "duration")
ELAPSED_KEYS = ("elapsed", "elapsed_seconds")
TRAIN_KEYS = ("train_seconds", "trainSeconds", "training_seconds")
CPU_KEYS = ("cpu_seconds", "cpuSeconds")
EVAL_KEYS = ("evaluation_seconds", "evaluationSeconds", "eval_seconds", "evalSeconds")


def epoch_array(doc) -> list | None:
    if isinstance(doc, list) and doc and all(isinstance(r, dict) and "epoch" in r for r in doc):
        return doc
    if not isinstance(doc, dict):
        return None
    for key in EPOCH_ARRAY_KEYS:
        value = doc.get(key)
        if isinstance(value, list) and all(isinstance(r, dict) and "epoch" in r for r in value) and value:
            return value
    for value in doc.values():
        if isinstance(value, dict):
            found = epoch_array(value)
            if found:
                return found
    return None


def records_from_text(text: str) -> tuple[str, list[dict]]:
    stripped = text.strip()
    try:
        doc = json.loads(stripped)
        found = epoch_array(doc)
        if found is not None:
            return "object", found
        if isinstance(doc, dict) and "epoch" in doc:
            return "object", [doc]
    except json.JSONDecodeError:
        pass
    records: list[dict] = []
    for line in stripped.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError:
            continue
        found = epoch_array(doc)
        if found is not None:
            records.extend(found)
        elif isinstance(doc, dict) and "epoch" in doc:
            records.append(doc)
    return "json-lines", records


def first_number(record: dict, keys) -> float | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, dict) and set(value) == {"value"}:
            value = value["value"]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None


def validation_auc(record: dict) -> float | None:
    auc = first_number(record, ("val_auc",))
    for nested in ("metrics", "validation"):
        if auc is None and isinstance(record.get(nested), dict):
            auc = first_number(record[nested], ("val_auc", "auc"))
    return auc if auc is not None else first_number(record, ("auc",))


def normalise(text: str, elapsed_per_epoch: bool = False) -> dict:
    fmt, records = records_from_text(text)
    by_epoch: dict[int, dict] = {}
    for record in records:
        by_epoch[int(record["epoch"])] = record
    epochs = []
    previous_elapsed = 0.0
    for number in sorted(by_epoch):
        record = by_epoch[number]
        seconds = first_number(record, SECONDS_KEYS)
        if seconds is None and first_number(record, TRAIN_KEYS) is not None:
            seconds = first_number(record, TRAIN_KEYS) + (first_number(record, EVAL_KEYS) or 0.0)
        elapsed = first_number(record, ELAPSED_KEYS)
        if seconds is None and elapsed is not None:
            seconds = elapsed if elapsed_per_epoch else elapsed - previous_elapsed
        if elapsed is not None:
            previous_elapsed = elapsed
        auc = validation_auc(record)
        epochs.append({"epoch": number, "seconds": seconds, "val_auc": auc,
                       "cpu_seconds": first_number(record, CPU_KEYS)})
    times = [e["seconds"] for e in epochs if e["seconds"] is not None]
    cpu = [e["cpu_seconds"] for e in epochs if e["cpu_seconds"] is not None]
    return {
        "format": fmt,
        "epochs": epochs,
        "median_epoch_seconds": statistics.median(times) if times else None,
        "median_epoch_cpu_seconds": statistics.median(cpu) if cpu and len(cpu) == len(epochs) else None,
        "final_val_auc": epochs[-1]["val_auc"] if epochs else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="Normalise `rung train --json` output.")
    parser.add_argument("file", nargs="?", default="-")
    parser.add_argument("--elapsed-per-epoch", action="store_true",
                        help="treat 'elapsed' as the duration of each epoch, not cumulative")
    args = parser.parse_args()
    text = sys.stdin.read() if args.file == "-" else open(args.file, encoding="utf-8").read()
    result = normalise(text, args.elapsed_per_epoch)
    if not result["epochs"]:
        snippet = " ".join(text.split())[:200]
        print(f"parse_train_output.py: no epoch records found in {args.file}: {snippet!r}", file=sys.stderr)
        return 65
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
