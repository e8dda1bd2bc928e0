"""A short BEGAN probe: does the equilibrium hold at a collapsed generator?

    python benchmarks/began_probe.py --steps 600 [--gamma 0.5 --g-lr 1e-4 --d-lr 1e-4
        --lambda-k 0.001 --filters 32 --hidden-dim 64 --batch-size 16 --g-bias 0
        --grid began_probe.png]

Trains BEGAN on mnist5k:train at 32 px (batch 16, the recipe's shape) and
prints, every 100 steps: L(x), L(G(z)), k_t, M_global, L(black) (the
auto-encoder loss of an all-black image, the output of the collapsed G seen
in every try so far), the samples' std over the batch, and how mnist-cnn reads
256 samples: the share of its most frequent digit ("top") and how many digits
take >= 5 % each ("classes"; real digits: about 0.11 and 10). A G collapsed
to 1-like strokes reads as top ~0.9 of "1". If L(black) stays near gamma
L(x), a blank G satisfies the equilibrium and k_t never rises.
"""

from __future__ import annotations

import argparse
import time

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo.data import load_dataset, sample_real_images
from tfgan_zoo.evaluation.classifiers import load_classifier
from tfgan_zoo.images import save_grid
from tfgan_zoo.models.noise2image.began import BEGAN


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--gamma", type=float, default=0.5)
    parser.add_argument("--lambda-k", type=float, default=0.001)
    parser.add_argument("--g-lr", type=float, default=1e-4)
    parser.add_argument("--d-lr", type=float, default=1e-4)
    parser.add_argument("--filters", type=int, default=32)
    parser.add_argument("--hidden-dim", type=int, default=64, help="D's bottleneck h")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--g-bias", type=float, default=0.0,
                        help="G's initial output level (BEGAN's g_output_bias)")
    parser.add_argument("--grid", default=None, help="write the last samples here (PNG)")
    parser.add_argument("--shares", action="store_true",
                        help="also print every digit's share (0-9) at each report")
    args = parser.parse_args()
    if args.steps < 100:
        parser.error("--steps must be at least 100 (the probe reports every 100 steps)")
    data = load_dataset("mnist5k:train", batch_size=args.batch_size, image_size=32,
                        seed=0)
    model = BEGAN(image_shape=(32, 32, 1), filters=args.filters, hidden_dim=args.hidden_dim,
                  latent_dim=64, gamma=args.gamma, lambda_k=args.lambda_k, g_output_bias=args.g_bias, seed=0)
    model.compile(g_optimizer=keras.optimizers.Adam(args.g_lr, 0.5),
                  d_optimizer=keras.optimizers.Adam(args.d_lr, 0.5))
    model.build_for_training()
    black = -tf.ones((16, 32, 32, 1))
    classifier = load_classifier("mnist-cnn")
    start = time.process_time()
    for block in range(args.steps // 100):
        history = model.fit(data.dataset, steps_per_epoch=100, epochs=1, verbose=0).history
        samples = model.sample(256)
        shares = np.bincount(classifier.predict_logits(samples).argmax(1), minlength=10) / 256
        last = {name: values[-1] for name, values in history.items()}
        print(f"step {(block + 1) * 100}: L(x) {last['real_loss']:.3f} L(G) {last['g_loss']:.3f}"
              f" k {last['k']:.4f} M {last['m_global']:.3f}"
              f" L(black) {float(model.autoencoder_loss(black)):.3f}"
              f" std {samples.std(0).mean():.3f} mean {samples.mean():.2f}"
              f" top {shares.max():.2f} ({shares.argmax()}) classes {(shares >= 0.05).sum()}"
              f" CPU {time.process_time() - start:.0f} s"
              + (" shares " + " ".join(f"{x:.2f}" for x in shares) if args.shares else ""),
              flush=True)
    if args.grid:
        save_grid(args.grid, samples[:64], scale=2)
    # D's L(x) per real digit class and per fake read as that class: which
    # digits the auto-encoder finds cheap, and what G's samples cost.
    real, labels = sample_real_images("mnist5k:train", 1000, image_size=32, seed=1)
    real_l1 = np.abs(model.discriminator(real).numpy() - real).mean(axis=(1, 2, 3))
    fake_l1 = np.abs(model.discriminator(samples).numpy() - samples).mean(axis=(1, 2, 3))
    fake_class = classifier.predict_logits(samples).argmax(1)
    print("L(x) per real class: " + " ".join(
        f"{c}:{real_l1[labels == c].mean():.3f}" for c in range(10))
          + f"; all {real_l1.mean():.3f}; corr(L, ink) {np.corrcoef(real_l1, (real + 1).mean(axis=(1, 2, 3)))[0, 1]:.2f}")
    print("L(G) per read class: " + " ".join(
        f"{c}:{fake_l1[fake_class == c].mean():.3f}({(fake_class == c).sum()})"
        for c in range(10) if (fake_class == c).any()) + f"; all {fake_l1.mean():.3f}")


if __name__ == "__main__":
    main()
