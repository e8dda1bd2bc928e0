"""Tiny training runs for the reliability tests: a DCGAN on the 8x8
digits at 16 px with widths of 8, a few steps (seconds on a CPU)."""

import os
import subprocess
import sys

from tfgan_zoo.config import Config

TINY = dict(model="dcgan", dataset="digits", image_size=16, batch_size=16,
            model_args={"latent_dim": 8, "ngf": 8, "ndf": 8}, sample_every=2,
            checkpoint_every=2, log_every=1, epoch_steps=2, num_samples=4,
            export=False, report=False)
# The same run as recipe flags.
TINY_FLAGS = ["--image-size", "16", "--ngf", "8", "--ndf", "8", "--latent-dim", "8",
              "--batch-size", "16", "--dataset", "digits", "--sample-every", "2",
              "--checkpoint-every", "2", "--epoch-steps", "2", "--num-samples", "4",
              "--no-report"]


def tiny(out, steps=4, **overrides):
    return Config(**{**TINY, **overrides}, steps=steps, out=str(out))


def environment(**extra):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    env.update(extra)
    return env


def run_cli(*args, timeout=300, env=None):
    """`python -m ARGS` in a fresh interpreter (stdout and stderr as text)."""
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True,
                          timeout=timeout, env=env or environment())


def last_line(text):
    lines = [l for l in text.splitlines() if l.strip()]
    return lines[-1] if lines else ""
