"""A Stage-II change that was measured and not kept (benchmarks/history/stackgan.md,
"Stage-II tries of 2026-11-29"), applied to the StackGAN code for one run of
stackgan_stage2.py, so its result there can be re-run:

    python benchmarks/stackgan_stage2_variants.py matching -- \
        OUT --stage1-run runs/stackgan/stage1 --text-encoder runs/stackgan/encoder \
        --no-stage2-film --stage2-discriminator matching --stage2-auxiliary-weight 0 \
        --stage2-steps 2000

(the last two lines give the paper's Stage-II, which it was measured over).

    matching     G also pays the DS-SJE image-term hinge of the run's joint
                 embedding on its images (AttnGAN's DAMSM loss in spirit):
                 the encoder's frozen image CNN must score each image's own
                 caption above the batch's captions of other scenes and
                 above D's wrong caption. Weight 1.

The two other changes tried there, `film` and `projection`, are StackGAN
options now (--stage2-film, --stage2-discriminator projection) and the
recipe's Stage-II default.
"""

import json
import sys
from pathlib import Path

import keras
import tensorflow as tf

import stackgan_stage2
from tfgan_zoo import losses
from tfgan_zoo.rundir.checkpoint import CheckpointDir
from tfgan_zoo.models.text2image import stackgan as S
from tfgan_zoo.text import encoder as E


# ------------------------------------------------------------------ matching
def image_encoder_of(encoder_dir):
    """The frozen image CNN of the joint embedding trained in `encoder_dir`
    (restored from its last checkpoint)."""
    config = E.encoder_config(encoder_dir)
    run = Path(encoder_dir) / "run.json"
    size = int(json.loads(run.read_text())["image_size"])
    joint = E.JointEmbedding(image_shape=(size, size, 3), vocabulary=config["vocabulary"],
                             **{k: config[k] for k in E.ENCODER_ARGS if k != "vocabulary"})
    joint.compile(optimizer=keras.optimizers.Adam())
    joint.build_networks()
    checkpoints = CheckpointDir(Path(encoder_dir) / "checkpoints", joint)
    checkpoints.restore(checkpoints.latest(), partial=True)
    joint.image_encoder.trainable = False
    return joint.image_encoder, size


def matching_loss(model, images, text, classes, image_encoder, size):
    """The DS-SJE image term for generated images (see the module doc)."""
    factor = images.shape[1] // size
    if factor > 1:
        images = tf.nn.avg_pool2d(images, factor, factor, "VALID")
    elif images.shape[1] != size:
        images = tf.image.resize(images, [size, size], "bilinear")
    v = image_encoder(images, training=False)
    scores = tf.matmul(v, text.right, transpose_b=True)
    right = tf.linalg.diag_part(scores)
    other = 1.0 - tf.cast(tf.equal(classes[:, None], classes[None, :]), tf.float32)
    n = tf.cast(tf.shape(scores)[0] - 1, tf.float32)
    term = tf.reduce_sum(other * tf.nn.relu(1.0 + scores - right[:, None]), 1) / n
    # D's wrong caption, where it really describes another scene.
    wrong, _ = E.contrast_loss(v, text.right, text.wrong,
                               reduce=lambda t: model.reduce(text.mismatch * t))
    return model.reduce(term) + wrong


def use_matching(encoder_dir):
    image_encoder, size = image_encoder_of(encoder_dir)

    def train_step(self, data):  # StackGAN.train_step plus the matching term
        real, features = self.unpack(data)
        text = self.captions(features)
        batch = tf.shape(real)[0]
        z = self.sample_noise(batch)
        low = self.stage1_images(text.right, z, self._eps(batch, self.next_seed()))
        with tf.GradientTape() as g_tape:
            fake, mu, logvar = self.generator(
                [low, text.right, self._eps(batch, self.next_seed())], training=True)
        d_loss = self.matching_discriminator_step(real, fake, text)
        with g_tape:
            kl = losses.gaussian_kl(mu, logvar, per_dimension=True, reduce=self.reduce)
            match = matching_loss(self, fake, text, tf.reshape(features["class"], [-1]),
                                  image_encoder, size)
            g_loss = (self.generator_adversarial_loss(
                self.discriminator([fake, text.right], training=True))
                + self.kl_weight * kl + match)
        self.minimize(self.g_optimizer, g_tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss, kl=kl)

    S.StackGAN.train_step = train_step


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--" not in argv:
        sys.exit(__doc__)
    split = argv.index("--")
    variants, rest = argv[:split], argv[split + 1:]
    if variants != ["matching"]:
        sys.exit(f"unknown variant(s) {variants}: the one variant is `matching`\n{__doc__}")
    if "--text-encoder" not in rest:
        sys.exit("the matching variant needs --text-encoder DIR (a trained joint embedding)")
    use_matching(rest[rest.index("--text-encoder") + 1])
    stackgan_stage2.main(rest)


if __name__ == "__main__":
    main()
