#!/usr/bin/env python3
"""Summarises `/usr/bin/time -f "%e %M %U %S"` samples: one "WALL_SECONDS PEAK_RSS_KB
[USER_SECONDS SYSTEM_SECONDS]" line per run.

Usage: stats.py FILE -> JSON {"runs", "wall": {median, min, max}, "rss_mb": {...}, "cpu": {...} | null}
where cpu is user + system seconds (less sensitive to other load on the machine than wall).
"""
import json
import statistics
import sys


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main() -> int:
    walls, rss, cpu = [], [], []
    with open(sys.argv[1], encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) in (2, 4) and parts[0][0].isdigit():
                walls.append(float(parts[0]))
                rss.append(float(parts[1]) / 1024.0)
                if len(parts) == 4:
                    cpu.append(float(parts[2]) + float(parts[3]))
    if not walls:
        print(f"stats.py: no samples in {sys.argv[1]}", file=sys.stderr)
        return 65
    print(json.dumps({"runs": len(walls), "wall": summary(walls), "rss_mb": summary(rss),
                      "cpu": summary(cpu) if len(cpu) == len(walls) else None}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
