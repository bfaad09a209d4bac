#!/usr/bin/env python3
"""Tests for parse_train_output.py: python3 bench/common/test_parse_train_output.py"""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from parse_train_output import normalise  # noqa: E402


class NormaliseTests(unittest.TestCase):
    def test_object_with_epochs_array_and_per_epoch_seconds(self):
        text = json.dumps({"family": "xgboost", "epochs": [
            {"epoch": 1, "seconds": 0.5, "val_auc": 0.60},
            {"epoch": 2, "seconds": 0.3, "val_auc": 0.65},
            {"epoch": 3, "seconds": 0.4, "val_auc": 0.66}]}, indent=2)
        out = normalise(text)
        self.assertEqual(out["format"], "object")
        self.assertEqual([e["epoch"] for e in out["epochs"]], [1, 2, 3])
        self.assertAlmostEqual(out["median_epoch_seconds"], 0.4)
        self.assertAlmostEqual(out["final_val_auc"], 0.66)

    def test_cumulative_elapsed_is_differenced(self):
        text = "\n".join(json.dumps({"epoch": k, "elapsed": t, "metrics": {"val_auc": a}})
                         for k, t, a in [(1, 1.0, 0.6), (2, 1.5, 0.7), (3, 2.5, 0.71)])
        out = normalise("log line that is not JSON\n" + text)
        self.assertEqual(out["format"], "json-lines")
        self.assertEqual([e["seconds"] for e in out["epochs"]], [1.0, 0.5, 1.0])
        self.assertEqual(normalise(text, elapsed_per_epoch=True)["epochs"][2]["seconds"], 2.5)

    def test_epoch_result_shape_nested_one_level(self):
        text = json.dumps({"trial": {"epochs": [
            {"epoch": 1, "validation": {"auc": {"value": 0.61}}, "trainSeconds": 0.25, "evaluationSeconds": 0.05},
            {"epoch": 2, "validation": {"auc": 0.63}, "train_seconds": 0.2}]}})
        out = normalise(text)
        self.assertAlmostEqual(out["epochs"][0]["seconds"], 0.30)
        self.assertAlmostEqual(out["epochs"][1]["seconds"], 0.2)
        self.assertAlmostEqual(out["final_val_auc"], 0.63)

    def test_last_record_per_epoch_wins_and_missing_times_are_null(self):
        text = '{"epoch": 1, "val_auc": 0.5}\n{"epochs": [{"epoch": 1, "val_auc": 0.55}]}\n'
        out = normalise(text)
        self.assertEqual(len(out["epochs"]), 1)
        self.assertEqual(out["final_val_auc"], 0.55)
        self.assertIsNone(out["median_epoch_seconds"])

    def test_cpu_seconds_give_a_cpu_median_only_when_every_epoch_has_one(self):
        full = "\n".join(json.dumps({"epoch": k, "seconds": 1.0, "cpu_seconds": c, "val_auc": 0.6})
                         for k, c in [(1, 0.2), (2, 0.4), (3, 0.3)])
        self.assertAlmostEqual(normalise(full)["median_epoch_cpu_seconds"], 0.3)
        partial = full + "\n" + json.dumps({"epoch": 4, "seconds": 1.0, "val_auc": 0.6})
        self.assertIsNone(normalise(partial)["median_epoch_cpu_seconds"])

    def test_no_epochs_exits_65(self):
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "parse_train_output.py")
        run = subprocess.run([sys.executable, script], input='{"ok": true}', text=True, capture_output=True)
        self.assertEqual(run.returncode, 65)
        self.assertIn("no epoch records", run.stderr)


if __name__ == "__main__":
    unittest.main()
