"""How far mixed bfloat16 moves InfoGAN's gradients, term by term.

    python benchmarks/infogan_bf16_grads.py [RUN] [--batches 4]

Takes one set of weights (RUN's newest checkpoint, or a fresh model with
the recipe's widths), builds G and D twice, once in float32 and once under
the `mixed_bfloat16` policy, with the same weights, and on the same batches
of z, codes and real digits computes the gradient of each loss term of
`InfoGAN.train_step` with respect to G's and D's weights:

- gan: D's minimax loss (for D) and G's non-saturating loss (for G);
- categorical: Q's cross-entropy of the categorical code (the MI term);
- gaussian: Q's Gaussian NLL of the continuous codes.

It prints, for each term and network, the cosine between the bf16 and the
float32 gradient and the relative error |g_bf16 - g_f32| / |g_f32|, and,
for scale, the cosine between float32 gradients of two different batches
(minibatch noise). If bf16 hurt the mutual-information term more than the
GAN term, its cosine would be lower. Each loss's own inputs (D's logit, Q's logits and means)
are float32 under both policies (float32 heads); the printed dtypes say so.
"""

from __future__ import annotations

import argparse

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.data import sample_real_images
from tfgan_zoo.networks.infogan import infogan_discriminator, infogan_generator
from tfgan_zoo.recipes.infogan import RECIPE
from tfgan_zoo.registry import build_model
from tfgan_zoo.rundir.run import load_run


def build(model_args, policy):
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(policy)
    try:
        g = infogan_generator(model_args["latent_dim"], model_args["image_shape"],
                              model_args["num_categories"], model_args["continuous_codes"],
                              model_args["ngf"])
        d = infogan_discriminator(model_args["image_shape"], model_args["num_categories"],
                                  model_args["continuous_codes"], model_args["ndf"])
    finally:
        keras.mixed_precision.set_global_policy(previous)
    return g, d


def term_gradients(g, d, batch):
    """{(term, net): flat gradient} for one batch, and the loss inputs' dtypes."""
    z, cat, cont, real = batch
    grads = {}
    with tf.GradientTape(persistent=True) as tape:
        fake = g([z, cat, cont], training=True)
        logit_f, cat_logits, means = d(fake, training=True)
        logit_r = d(real, training=True)[0]
        terms = {
            "gan_d": losses.minimax_discriminator_loss(logit_r, logit_f),
            "gan_g": losses.non_saturating_generator_loss(logit_f),
            "categorical": losses.categorical_code_loss(cat_logits, cat),
            "gaussian": losses.gaussian_code_loss(means, cont),
        }
    dtypes = {"fake": fake.dtype.name, "logit": logit_f.dtype.name,
              "cat_logits": cat_logits.dtype.name, "means": means.dtype.name}
    for name, loss in terms.items():
        for net_name, net in (("G", g), ("D", d)):
            if (name, net_name) in (("gan_d", "G"), ("gan_g", "D")):
                continue  # each GAN loss trains one player
            gs = tape.gradient(loss, net.trainable_variables)
            grads[(name, net_name)] = tf.concat(
                [tf.reshape(tf.cast(x, tf.float32), [-1]) for x in gs if x is not None], 0)
    del tape
    return grads, dtypes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", nargs="?", help="an infogan run directory; fresh weights if left out")
    parser.add_argument("--batches", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.run:
        model, _ = load_run(args.run)
    else:
        keras.utils.set_random_seed(args.seed)
        model = build_model("infogan", image_shape=(28, 28, 1), **RECIPE.model_args)
        model.build_networks()
    model_args = {"latent_dim": model.latent_dim, "image_shape": tuple(model.image_shape),
                  "num_categories": model.num_categories,
                  "continuous_codes": model.continuous_codes, "ngf": model.ngf, "ndf": model.ndf}
    weights = (model.generator.get_weights(), model.discriminator.get_weights())
    nets = {}
    for policy in ("float32", "mixed_bfloat16"):
        g, d = build(model_args, policy)
        g.set_weights(weights[0])
        d.set_weights(weights[1])
        nets[policy] = (g, d)
    rng = np.random.default_rng(args.seed)
    real_pool = sample_real_images("mnist5k:train", args.batches * args.batch_size,
                                   seed=args.seed)[0].astype(np.float32)
    sums, previous = {}, None
    for b in range(args.batches):
        n = args.batch_size
        batch = (tf.constant(rng.standard_normal((n, model_args["latent_dim"])), tf.float32),
                 tf.constant(rng.integers(0, model_args["num_categories"], n), tf.int32),
                 tf.constant(rng.uniform(-1, 1, (n, model_args["continuous_codes"])), tf.float32),
                 tf.constant(real_pool[b * n:(b + 1) * n]))
        g32, dt32 = term_gradients(*nets["float32"], batch)
        g16, dt16 = term_gradients(*nets["mixed_bfloat16"], batch)
        for key in g32:
            a, c = g32[key], g16[key]
            cos = float(tf.reduce_sum(a * c) / (tf.norm(a) * tf.norm(c) + 1e-30))
            rel = float(tf.norm(c - a) / (tf.norm(a) + 1e-30))
            # the scale of minibatch noise: float32 against float32 on the previous batch
            p = previous[key] if previous else None
            other = (float(tf.reduce_sum(a * p) / (tf.norm(a) * tf.norm(p) + 1e-30))
                     if p is not None else np.nan)
            sums.setdefault(key, []).append((cos, rel, float(tf.norm(a)), other))
        previous = g32
    print("loss inputs, float32 run:", dt32)
    print("loss inputs, bf16 run:   ", dt16)
    print(f"| term | net | cosine bf16 vs f32 (mean of {args.batches} batches) "
          "| relative error | float32 gradient norm "
          "| cosine float32 vs float32 on another batch |")
    print("|---|---|---|---|---|---|")
    for (term, net), rows in sums.items():
        cos, rel, norm = np.mean(rows, axis=0)[:3]
        other = np.nanmean([r[3] for r in rows])
        print(f"| {term} | {net} | {cos:.4f} | {rel:.3f} | {norm:.3g} | {other:.3f} |")


if __name__ == "__main__":
    main()
