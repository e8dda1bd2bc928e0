"""DTN: Taigman, Polyak & Wolf 2017, "Unsupervised Cross-Domain Image
Generation" (ICLR), the domain transfer network.

G = g o f maps an image of the source domain S into the target domain T.
f is a feature extractor pre-trained on the source task and then *fixed*
(the recipe's first phase: a classifier on the source labels, read from
`source_classifier`); only g learns. D is ternary (sec. 3): its three
classes are G(x) for x in S, G(x) for x in T, and real x in T:

    L_D     = -E_S log D_1(G(x)) - E_T log D_2(G(x)) - E_T log D_3(x)
    L_GANG  = -E_S log D_3(G(x)) - E_T log D_3(G(x))
    L_CONST = alpha E_S d(f(x), f(G(x)))        f-constancy on the source
    L_TID   = beta  E_T d(x, G(x))              G is the identity on T
    L_TV    = gamma TV(G(x)),  x in S           smoothness
    L_G     = L_GANG + L_CONST + L_TID + L_TV

with d the mean squared error, alpha = beta = 15 and gamma = 0 for
SVHN -> MNIST (sec. 5.1; 15.0 on both in the reference port
yunjey/domain-transfer-network, which trains with Adam 3e-4, batch 100).
That port differs in two ways the paper does not: its D is binary (real
target against every fake) and L_CONST also updates f. Both are flags here,
`--binary-discriminator` and `--train-f`, off by default.

G(x) keeps what f reads in x, so it keeps the source digit only as far as
f reads digits drawn in the target's style. The paper trains f on SVHN
alone; the recipe's f also sees greyed, inverted, warped, re-stroked and
elastically bent source digits (`--source-augment`), which lifts its
reading of mnist from 0.55 to about 0.78 (benchmarks/history/domain.md).
`--ema-decay` reads G through an average of g's weights (the core's
generator EMA): which of the shapes f accepts g draws drifts during
training. `--decay-after` (a project option, not the paper's: it trains
with a constant rate) lets every learning rate fall linearly to 0 over the
rest of the run (`tfgan_zoo.optimizers.linear_decay`, CycleGAN's schedule).
`--class-const-weight` (a project option; the paper's L_CONST compares
f's features only) adds f-constancy on f's class posterior, through the
head trained with f: the KL divergence of its posterior on G(x) from its
posterior on x (`--class-const-target posterior`), or its cross-entropy
against the source label (`label`; the source is labelled). Logged as
`class_const` (the posterior KL) whether weighted or not.
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.checks import check_number
from tfgan_zoo.errors import UserError
from tfgan_zoo.losses import class_posterior_divergence, squared_error_loss, total_variation
from tfgan_zoo.models.domain.base import DomainModel
from tfgan_zoo.networks.domain import class_discriminator, content_encoder, feature_decoder, mlp
from tfgan_zoo.optimizers import decay_fraction

# The ternary discriminator's classes (the binary one: fake 0, real 1).
FAKE_FROM_SOURCE, FAKE_FROM_TARGET, REAL_TARGET = 0, 1, 2
# What f's head reads on G(x) is held to, with --class-const-weight.
CLASS_CONST_TARGETS = ("posterior", "label")


@keras.saving.register_keras_serializable("tfgan_zoo")
class DTN(DomainModel):
    """Domain transfer network: G = g o f with f fixed, and a ternary D.

    Args:
        width: width of f's and g's first layer (64).
        feature_dim: size of f's features (128).
        ndf: width of D's first layer (64).
        const_weight: alpha, the f-constancy weight (15).
        identity_weight: beta, the target-identity weight (15).
        tv_weight: gamma, the total-variation weight (0 for digits).
        binary_discriminator: the reference port's real/fake D instead of
            the paper's ternary one.
        train_f: let L_CONST update f, as the reference port does; the
            paper keeps f fixed.
        source_classifier: directory of the source classifier whose encoder
            is f (the recipe's first phase); without one f is untrained
            (only tests do that).
        decay_after: fraction of the run after which the learning rates
            of g and D fall linearly to 0 at its end; None (the paper's)
            keeps them constant.
        class_const_weight: weight of f-constancy on f's class posterior
            (a project option; 0, the paper's, leaves it out).
        class_const_target: what f's head must read on G(x): its posterior
            on x ('posterior', KL) or the source label ('label').
    """

    loss_names = ("d_loss", "g_loss", "g_gan", "const", "tid", "class_const")
    # `--ema-decay` averages g (the core's generator EMA); f is fixed, or
    # with --train-f the raw one.
    supports_ema = True
    test_config = {"width": 4, "feature_dim": 8, "ndf": 4, "latent_dim": 0}
    architecture_arguments = ("image_shape", "num_classes", "width", "feature_dim")

    def __init__(self, *, width=64, feature_dim=128, ndf=64, const_weight=15.0,
                 identity_weight=15.0, tv_weight=0.0, binary_discriminator=False,
                 train_f=False, source_classifier=None, decay_after=None,
                 class_const_weight=0.0, class_const_target="posterior", **kwargs):
        super().__init__(**kwargs)
        if class_const_target not in CLASS_CONST_TARGETS:
            raise UserError(f"--class-const-target must be one of "
                            f"{', '.join(CLASS_CONST_TARGETS)}, got {class_const_target!r}")
        self.class_const_weight = check_number("class_const_weight", class_const_weight, 0)
        self.class_const_target = class_const_target
        self.decay_after = decay_fraction(decay_after)
        self.width, self.feature_dim = int(width), int(feature_dim)
        self.const_weight, self.identity_weight = float(const_weight), float(identity_weight)
        self.tv_weight = float(tv_weight)
        self.binary_discriminator, self.train_f = bool(binary_discriminator), bool(train_f)
        self.source_classifier = source_classifier
        self.encoder = content_encoder(self.image_shape, self.width, self.feature_dim)
        self.source_head = mlp(self.feature_dim, (), self.num_classes, "source_head")
        self.generator = feature_decoder(self.feature_dim, self.image_shape, self.width)
        self.discriminator = class_discriminator(
            self.image_shape, ndf, 2 if self.binary_discriminator else 3)
        self.encoder.trainable = self.train_f
        self.source_head.trainable = False

    def pretrained_networks(self):
        """(f, its classification head): what the first phase trains."""
        return self.encoder, self.source_head

    def player_networks(self):
        return {"generator": [self.generator] + ([self.encoder] if self.train_f else []),
                "discriminator": [self.discriminator]}

    def build_for_training(self):
        super().build_for_training()
        if self.source_classifier:
            self.load_source_classifier(self.source_classifier)

    def export_networks(self):
        return [self.encoder, self.inference_generator()]

    def translate(self, images, training=False):
        """G(x) = g(f(x)), float32 images in [-1, 1]; outside training g is
        its average where `ema_decay` keeps one."""
        features = self.encoder(images, training=training and self.train_f)
        return tf.cast(self.inference_generator(training)(features, training=training),
                       tf.float32)

    def generate_from(self, inputs, training=False):
        return self.translate(inputs["image"], training=training)

    def labels(self, kind):
        """D's class for `kind`; the binary D calls every fake 0, real 1."""
        if self.binary_discriminator:
            return 1 if kind == REAL_TARGET else 0
        return kind

    def train_step(self, data):
        source, labels, target = self.unpack(data)
        source, labels = self.pooled(source, labels)
        fake_source = self.translate(source, training=True)
        fake_target = self.translate(target, training=True)
        with tf.GradientTape() as tape:  # L_D: the three classes
            d_loss = (losses.classification_loss(self.discriminator(fake_source, training=True),
                                                 self.labels(FAKE_FROM_SOURCE))
                      + losses.classification_loss(self.discriminator(fake_target, training=True),
                                                   self.labels(FAKE_FROM_TARGET))
                      + losses.classification_loss(self.discriminator(target, training=True),
                                                   self.labels(REAL_TARGET)))
        self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
        with tf.GradientTape() as tape:
            source_features = self.encoder(source, training=False)
            fake_source = self.translate(source, training=True)
            fake_target = self.translate(target, training=True)
            g_gan = (losses.classification_loss(self.discriminator(fake_source, training=True),
                                                self.labels(REAL_TARGET))
                     + losses.classification_loss(self.discriminator(fake_target, training=True),
                                                  self.labels(REAL_TARGET)))
            fake_features = self.encoder(fake_source, training=False)
            const = squared_error_loss(fake_features, source_features)
            tid = squared_error_loss(fake_target, target)
            g_loss = g_gan + self.const_weight * const + self.identity_weight * tid
            fake_logits = self.source_head(fake_features, training=False)
            class_const = class_posterior_divergence(
                fake_logits, self.source_head(source_features, training=False))
            if self.class_const_weight:
                g_loss += self.class_const_weight * (
                    class_const if self.class_const_target == "posterior"
                    else losses.classification_loss(fake_logits, labels))
            if self.tv_weight:
                g_loss += self.tv_weight * total_variation(fake_source)
        self.minimize(self.g_optimizer, tape, g_loss, self.player_networks()["generator"])
        return self.track(d_loss=d_loss, g_loss=g_loss, g_gan=g_gan, const=const, tid=tid,
                          class_const=class_const)
