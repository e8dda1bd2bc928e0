"""The domain family's bases: models that learn from labelled source
domains and an unlabelled target domain (`tfgan_zoo.data.digit_domains`).

- `DomainModel`: the data contract. Every batch is `(source_images,
  source_labels, target_images)`: float32 [B, k, H, W, C] in [-1, 1] (k
  source domains), int32 [B, k], and float32 [B, H, W, C] with no labels.
  `source_domains` and `target_domain` come from the data
  (`Data.model_args`), `total_steps` from --steps; none are flags.
- `DomainAdaptationModel`: a classifier adapted to the target domain
  (DANN, ADDA, MDAN). `self.generator` is the feature extractor, the
  player that plays against the domain discriminator(s), `self.classifier`
  the label predictor on its features. It serves and exports that
  classifier: `image` (float32 [B, H, W, C] in [-1, 1]) in, `probabilities`
  (float32 [B, classes]) and `classes` (int32 [B]) out.

Models that start from a classifier trained on the source labels in a
first phase (ADDA's M_s and C, DTN's f) take its directory as
`source_classifier` (`tfgan_zoo.training.classifier`), name the networks
it fills in `pretrained_networks` and the hyperparameters it must share in
`architecture_arguments`.

DTN, which generates across domains, extends `DomainModel` and serves
images like any generator.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tfgan_zoo.core import AdversarialModel, Input
from tfgan_zoo.errors import UserError
from tfgan_zoo.signatures import class_output_spec, class_outputs
from tfgan_zoo.training.classifier import restore_classifier

EXAMPLE = "adapt:mnist>mnistm"


class DomainModel(AdversarialModel):
    """Base of models trained on labelled source domains and an unlabelled
    target domain.

    Args:
        source_domains: the labelled domains; from the data.
        target_domain: the unlabelled domain; from the data.
        total_steps: length of the run, for schedules; from --steps.
    """

    # How many source domains the model needs (MDAN: 2).
    min_sources = 1
    # What a saved source classifier must share with the model to load.
    architecture_arguments = ("image_shape", "num_classes")
    derived_arguments = ("source_domains", "target_domain", "total_steps")
    takes_total_steps = True
    unused_hyperparameters = derived_arguments + ("latent_dim", "n_critic")

    def __init__(self, *, source_domains=("mnist",), target_domain="mnistm",
                 total_steps=None, latent_dim=0, num_classes=10, **kwargs):
        name = type(self).__name__
        if latent_dim:
            raise UserError(f"{name} takes no latent code z: leave --latent-dim at 0")
        super().__init__(latent_dim=0, num_classes=num_classes, total_steps=total_steps,
                         **kwargs)
        self.source_domains = tuple(source_domains)
        self.target_domain = target_domain
        if len(self.source_domains) < self.min_sources:
            raise UserError(
                f"{name} combines k >= {self.min_sources} source domains, got "
                f"{len(self.source_domains)} ({', '.join(self.source_domains)}): pass "
                "e.g. --dataset adapt:mnist,syndigits,ucidigits>mnistm")
        if target_domain in self.source_domains:
            raise UserError(f"the target domain '{target_domain}' is also a source: "
                            f"adapt to another domain (e.g. --dataset {EXAMPLE})")

    def architecture(self):
        """The hyperparameters a source classifier is saved and checked with."""
        return {k: getattr(self, k) for k in self.architecture_arguments}

    def pretrained_networks(self):
        """(encoder, head) that the first phase trains on the source labels."""
        raise NotImplementedError(f"{type(self).__name__} has no source-classifier phase")

    def load_source_classifier(self, directory):
        """Fill `pretrained_networks` from a saved source classifier."""
        return restore_classifier(directory, *self.pretrained_networks(), self.architecture())

    @property
    def num_sources(self):
        return len(self.source_domains)

    def progress(self):
        """p in [0, 1], the fraction of the run done (DANN sec. 5.2.2's
        training progress); 1 when the run's length is unknown."""
        if not self.total_steps:
            return tf.constant(1.0)
        done = tf.cast(self.g_optimizer.iterations, tf.float32) / float(self.total_steps)
        return tf.minimum(done, 1.0)

    # ------------------------------------------------------------- data
    def generator_inputs(self):
        return {"image": Input.image(self.image_shape)}

    def example_data(self, n, seed=0):
        """A training batch of random images and labels, for tests."""
        rng = np.random.default_rng(seed)
        return (rng.uniform(-1, 1, (n, self.num_sources, *self.image_shape)).astype("float32"),
                (np.arange(n * self.num_sources).reshape(n, -1) % self.num_classes
                 ).astype("int32"),
                rng.uniform(-1, 1, (n, *self.image_shape)).astype("float32"))

    def unpack(self, data):
        """(source images [B, k, ...], source labels [B, k], target images)."""
        if (not isinstance(data, (tuple, list)) or len(data) != 3
                or data[0].shape.rank != 5 or data[2].shape.rank != 4):
            raise UserError(f"{type(self).__name__} trains on labelled source domains and "
                            f"an unlabelled target: use --dataset {EXAMPLE} (see "
                            "tfgan_zoo.data.digit_domains)")
        return data[0], data[1], data[2]

    @staticmethod
    def pooled(source_images, source_labels):
        """The k sources of a batch as one batch: [B * k, ...], [B * k]."""
        shape = tf.shape(source_images)
        images = tf.reshape(source_images, tf.concat([[-1], shape[2:]], 0))
        return images, tf.reshape(source_labels, [-1])

    def generate(self, z, labels=None, training=False):
        raise UserError(f"{type(self).__name__} takes images, not noise: call "
                        "generate_from({'image': images})")

    def build_networks(self):
        # Functional networks own their weights from construction; one call
        # through `generate_from` checks that they fit together.
        self.generate_from({"image": tf.convert_to_tensor(
            self.example_inputs(2)["image"])})
        self.build_ema()
        self.built = True


class DomainAdaptationModel(DomainModel):
    """A classifier adapted from the source domains to the target domain:
    the feature extractor `generator` and the label predictor `classifier`,
    served as image -> class probabilities."""

    draws_images = False
    float_output = "probabilities"
    output_docs = {"probabilities": "float32 [B, classes], softmax of the classifier",
                   "classes": "int32 [B], the most probable class"}

    @property
    def sample_shape(self):
        return (self.num_classes,)

    def output_spec(self, batch_size=None):
        return class_output_spec(self.num_classes, batch_size)

    def serving_outputs(self, result):
        return class_outputs(result)

    def classify(self, images, training=False):
        """Class logits (float32 [B, classes]) of images in [-1, 1]."""
        features = self.generator(images, training=training)
        return tf.cast(self.classifier(features, training=training), tf.float32)

    def generate_from(self, inputs, training=False):
        """Class probabilities of `inputs["image"]`."""
        return tf.nn.softmax(self.classify(inputs["image"], training=training))

    def classifier_networks(self):
        """(feature extractor, label predictor) as served and exported."""
        return self.generator, self.classifier

    def export_networks(self):
        return list(self.classifier_networks())
