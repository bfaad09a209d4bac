#!/usr/bin/env python3
"""Summarises `/usr/bin/time -f "%e %M"` samples: one "WALL_SECONDS PEAK_RSS_KB" pair per line.

Usage: stats.py FILE   -> JSON {"runs", "wall": {median, min, max}, "rss_mb": {median, min, max}}
"""
import json
import statistics
import sys


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main() -> int:
    walls, rss = [], []
    with open(sys.argv[1], encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 2:
                walls.append(float(parts[0]))
                rss.append(float(parts[1]) / 1024.0)
    if not walls:
        print(f"stats.py: no samples in {sys.argv[1]}", file=sys.stderr)
        return 65
    print(json.dumps({"runs": len(walls), "wall": summary(walls), "rss_mb": summary(rss)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
