"""Writes the request bodies of bench/serve from the raw diabetes CSV: single.json (one
row) and batch100.json (100 rows), every value a string exactly as in the CSV (the target
column left out), taken from the test part of the file."""
import csv
import json
import sys

source, out_dir = sys.argv[1:3]
with open(source, newline="") as f:
    reader = csv.DictReader(f)
    rows = []
    for i, row in enumerate(reader):
        if i >= 20000:
            row.pop("readmitted", None)
            rows.append(row)
        if len(rows) == 100:
            break
json.dump(rows[0], open(f"{out_dir}/single.json", "w"))
json.dump(rows, open(f"{out_dir}/batch100.json", "w"))
