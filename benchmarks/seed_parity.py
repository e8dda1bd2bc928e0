"""Same seed, same losses, across two checkouts of tfgan_zoo.

Trains a few models six steps each, with a fixed seed and tiny widths, under
this checkout's tfgan_zoo and under another one (e.g. the code before a
refactoring), each in its own process, and prints the largest difference of
any logged loss at any step (0 means bit-identical):

    git worktree add ../old 272d125          # the code before the move
    python benchmarks/seed_parity.py --other ../old [dcgan cyclegan ...]

Covers DCGAN, WGAN-GP, CGAN, CycleGAN and StackGAN Stage-I by default. Only
public names that both layouts share are used: `tfgan_zoo.config.Config`,
`tfgan_zoo.data.load_dataset` and the trainer's `build`.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

CASES = {
    "dcgan": dict(model="dcgan", dataset="mnist5k", image_size=32, batch_size=16,
                  model_args={"latent_dim": 16, "ngf": 8, "ndf": 8}),
    "wgan_gp": dict(model="wgan_gp", dataset="mnist5k", image_size=32, batch_size=8,
                    model_args={"latent_dim": 16, "ngf": 8, "ndf": 8}),
    "cgan": dict(model="cgan", dataset="mnist5k", batch_size=16,
                 model_args={"latent_dim": 16, "g_hidden": (32, 32), "d_hidden": (32, 16)}),
    "cyclegan": dict(model="cyclegan", dataset="photo2recolor", image_size=32, batch_size=2,
                     model_args={"ngf": 4, "ndf": 8, "n_blocks": 1, "d_layers": 2,
                                 "norm": "batch"}),
    "stackgan": dict(model="stackgan", dataset="shapes_captions", image_size=16, batch_size=8,
                     model_args={"latent_dim": 8, "condition_dim": 8, "embedding_dim": 16,
                                 "word_dim": 8, "text_hidden": 8, "ngf": 8, "ndf": 8,
                                 "stage": 1}),
}
STEPS, SEED = 6, 3


def losses(names):
    """{name: [logs of each step]} with the tfgan_zoo first on sys.path."""
    import numpy as np
    import tensorflow as tf
    import keras
    from tfgan_zoo.config import Config
    from tfgan_zoo.data import load_dataset
    try:
        from tfgan_zoo.training.trainer import build
    except ImportError:  # the layout before 2026-12-04
        from tfgan_zoo.trainer import build

    class Recorder(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.rows = []

        def on_train_batch_end(self, batch, logs=None):
            self.rows.append({k: float(np.asarray(v).reshape(-1)[0])
                              for k, v in (logs or {}).items()})

    found = {}
    for name in names:
        config = Config(**CASES[name], steps=STEPS, seed=SEED)
        tf.keras.utils.set_random_seed(SEED)
        data = load_dataset(config.dataset, batch_size=config.batch_size,
                            image_size=config.image_size, seed=SEED)
        model = build(config, tf.distribute.get_strategy(), data)
        dataset = data.dataset
        if model.n_critic > 1:  # n_critic real batches per step, as the trainer feeds
            merge = lambda t: tf.reshape(t, tf.concat([[-1], tf.shape(t)[2:]], 0))
            dataset = dataset.batch(model.n_critic, drop_remainder=True).map(
                lambda *x: tuple(map(merge, x)) if len(x) > 1 else merge(x[0]))
        recorder = Recorder()
        model.fit(dataset, steps_per_epoch=STEPS, epochs=1, verbose=0, shuffle=False,
                  callbacks=[recorder])
        found[name] = recorder.rows
    return found


def run_in(tree, names):
    env = {**os.environ, "PYTHONPATH": str(Path(tree).resolve()), "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, __file__, "--emit", *names], env=env,
                          capture_output=True, text=True, timeout=1800)
    if done.returncode:
        sys.exit(f"{tree}: {done.stderr.strip().splitlines()[-1]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", default=list(CASES), help="models to compare")
    parser.add_argument("--other", help="the other checkout's root")
    parser.add_argument("--emit", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.emit:
        print(json.dumps(losses(args.names)))
        return
    if not args.other:
        parser.error("--other CHECKOUT is required")
    here = run_in(Path(__file__).resolve().parent.parent, args.names)
    other = run_in(args.other, args.names)
    for name in args.names:
        diff = max(abs(a[k] - b[k]) for a, b in zip(here[name], other[name]) for k in a)
        print(f"{name:10s} {len(here[name])} steps, losses {', '.join(sorted(here[name][0]))}: "
              f"max |this - other| = {diff:.3g}")


if __name__ == "__main__":
    main()
