"""The image-to-image recipes: pix2pix runs from the command line to a
held-out translation report and an export, and the recipes hide the flags
the data and the run decide."""

import json
import os
import subprocess
import sys

import tensorflow as tf

from tfgan_zoo.config import build_parser
from tfgan_zoo.data import photos
from tfgan_zoo.recipes import cyclegan, dualgan, pix2pix


def test_pix2pix_recipe_runs_from_the_command_line(tmp_path):
    out = tmp_path / "run"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run(
        [sys.executable, "-m", "tfgan_zoo.recipes.pix2pix", "--steps", "2",
         "--image-size", "32", "--batch-size", "2", "--epoch-steps", "2",
         "--ngf", "4", "--ndf", "4", "--out", str(out)],
        capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Held-out translation" in done.stdout
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["num_pairs"] == photos.TEST_PATCHES and metrics["split"] == "test"
    assert {"psnr", "ssim", "mae"} <= set(metrics) and metrics["psnr"] > 0
    assert (out / "translations.png").is_file()
    saved = json.loads((out / "model.json").read_text())["config"]
    assert saved["input_shape"] == [32, 32, 1] and saved["total_steps"] == 2
    signature = tf.saved_model.load(str(out / "export")).signatures["serving_default"]
    assert signature.structured_input_signature[1]["image"].shape.as_list() == [
        None, 32, 32, 1]


def test_recipe_flags_hide_what_the_data_and_run_decide():
    shown = {r.RECIPE.model: build_parser(r.RECIPE).format_help()
             for r in (pix2pix, cyclegan, dualgan)}
    assert "--l1-weight" in shown["pix2pix"] and "--pool-size" in shown["cyclegan"]
    assert "--n-critic" in shown["dualgan"] and "--n-critic" not in shown["cyclegan"]
    for text in shown.values():
        for hidden in ("--input-shape", "--paired", "--total-steps", "--latent-dim",
                       "--ema-decay"):
            assert hidden not in text
