"""The tag GAN's tags along a run: trains the `tag_gan` recipe (any of its
flags after the script's own) and, every --every steps, reads the hair and
eye colour of 300 faces generated for the tags of 300 real test faces (one
fixed z per face) with the tag classifier (`cartoon-tags-cnn`), in
inference mode (the averaged G, its batch norm re-estimated, where
--ema-decay asks for one; then also the raw G) and with batch statistics
(the raw G), and with D's own tag head; D's
head on the real faces; the pixel spread over the faces; and the running
losses. At the end the recipe's report (`RUN/report/`) as the recipe writes it.

    PYTHONPATH=. python benchmarks/tag_gan_curve.py [--every 250] --out RUN [recipe flags]

Prints one `PROBE step N:` line per reading. The readings add CPU time to
the run (a few seconds each).
"""

import argparse
import resource

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo.config import parse_args
from tfgan_zoo.data import cartoon_faces as faces
from tfgan_zoo.evaluation.tags import (cached_tag_classifier, read_tags, tag_accuracy,
                                      tags_from_logits)
from tfgan_zoo.recipes.tag_gan import RECIPE, after
from tfgan_zoo.training.trainer import train


class TagCurve(keras.callbacks.Callback):
    def __init__(self, every, num=300):
        super().__init__()
        self.every, self.step = every, 0
        self.classifier = cached_tag_classifier(32)
        real, self.tags = faces.generate(num, 32, "test")
        self.real = (real / 127.5 - 1.0).astype("float32")

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if self.step % self.every:
            return
        model, tags = self.model, self.tags
        z = tf.random.stateless_normal([len(tags), model.latent_dim], [1, 2])
        # With an EMA, the averaged G is read with its batch-norm statistics
        # re-estimated, as checkpoints, samples and the report read it (the
        # next EMA update overwrites them, so training is unchanged), and
        # the raw G in inference mode beside it.
        raw = ""
        if model.ema_decay:
            model.recalibrate_ema()
            images = tf.cast(model.generator([z, tf.constant(tags)], training=False),
                             tf.float32).numpy()
            clf = tag_accuracy(read_tags(self.classifier, images), tags)
            raw = f"raw G infer {clf['hair colour']:.3f}/{clf['eye colour']:.3f} | "
        out = {}
        for training in (False, True):
            images = model.generate(z, tf.constant(tags), training=training).numpy()
            clf = tag_accuracy(read_tags(self.classifier, images), tags)
            heads = model.discriminator(images)[1:]
            own = tag_accuracy(tags_from_logits(heads[0].numpy()), tags)
            # With g_tag_head="real": the real-only head, the one G reads.
            only = tag_accuracy(tags_from_logits(heads[-1].numpy()), tags)
            out[training] = (clf["hair colour"], clf["eye colour"], own["hair colour"],
                             own["eye colour"], float(images.std(0).mean()),
                             only["hair colour"], only["eye colour"])
        real = tag_accuracy(tags_from_logits(model.discriminator(self.real)[1].numpy()), tags)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        infer, batch_stats = out[False], out[True]
        print(f"PROBE step {self.step}: clf(hair,eye) infer {infer[0]:.3f}/{infer[1]:.3f} "
              f"trainBN {batch_stats[0]:.3f}/{batch_stats[1]:.3f} | {raw}D-head on fakes infer "
              f"{infer[2]:.3f}/{infer[3]:.3f} "
              + (f"real-only head {infer[5]:.3f}/{infer[6]:.3f} "
                 if getattr(model, "g_tag_head", "shared") == "real" else "")
              + f"| D-head on real {real['hair colour']:.3f}/"
              f"{real['eye colour']:.3f} | pix std over z {infer[4]:.3f}/{batch_stats[4]:.3f} "
              "| logs " + " ".join(f"{k}={float(np.ravel(v)[0]):.3f}"
                                   for k, v in (logs or {}).items())
              + f" | cpu {usage.ru_utime + usage.ru_stime:.0f}s", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=50, help="steps between readings")
    args, recipe_flags = parser.parse_known_args()
    config = parse_args(RECIPE, recipe_flags)
    model = train(config, verbose=0, callbacks=[TagCurve(args.every)])
    if config.report:
        after(model, config)
    print("Done")


if __name__ == "__main__":
    main()
