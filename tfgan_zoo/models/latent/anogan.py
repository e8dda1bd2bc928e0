"""AnoGAN: Schlegl et al. 2017, "Unsupervised Anomaly Detection with
Generative Adversarial Networks to Guide Marker Discovery", with f-AnoGAN's
encoder (Schlegl et al. 2019, "f-AnoGAN: Fast unsupervised anomaly
detection with generative adversarial networks") as the one-pass path.

A DCGAN learns the manifold of *normal* images only. To score a query x,
AnoGAN searches z for Gamma steps (`tfgan_zoo.latent.project`, BN in
inference mode, every query its own z) minimising

    L(z) = (1 - lambda) |x - G(z)| + lambda |f(x) - f(G(z))|    (eq. 5)

with f an intermediate discriminator layer and lambda = 0.1; the anomaly
score is L(z_Gamma) and |x - G(z_Gamma)| is the residual map that locates
the anomaly. f-AnoGAN replaces the search with an encoder E trained
"izif" (image -> z -> image) against the frozen G and D:

    L_izif(x) = 1/n ||x - G(E(x))||^2 + kappa / n_d ||f(x) - f(G(E(x)))||^2,

whose value is also its anomaly score (kappa = 1). Deviations, both named
here: the paper trains E after the GAN, here E takes its izif step after
every GAN step (one run, one budget), and the GAN is DCGAN (AnoGAN's),
not f-AnoGAN's WGAN-GP, so both paths score with the same G and D.
"""

import keras
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.latent import project
from tfgan_zoo.models.latent.inverted import InvertedDCGAN
from tfgan_zoo.signatures import Endpoint

SCORE_METHODS = ("search", "encoder")


@keras.saving.register_keras_serializable("tfgan_zoo")
class AnoGAN(InvertedDCGAN):
    """DCGAN on normal data, anomaly scores by latent search or encoder.

    Args:
        ngf, ndf, nef: widths of the generator, discriminator and encoder.
        search_steps: Gamma, the z-search steps per query (500 in the paper).
        search_lr: Adam step size of the z search.
        feature_weight: lambda, the feature share of the search loss (0.1).
        izif_feature_weight: kappa, the feature weight of the izif encoder
            loss and score (1).
    """

    test_config = {"ngf": 4, "ndf": 4, "nef": 4, "search_steps": 2}

    def __init__(self, *, ngf=64, ndf=64, nef=64, search_steps=500, search_lr=0.1,
                 feature_weight=0.1, izif_feature_weight=1.0, **kwargs):
        super().__init__(ngf=ngf, ndf=ndf, nef=nef,
                         izif_feature_weight=izif_feature_weight, **kwargs)
        if search_steps < 1:
            raise UserError(f"--search-steps (Gamma) must be at least 1, got {search_steps}")
        if feature_weight > 1:
            raise UserError(f"--feature-weight (lambda) must be in [0, 1], got "
                            f"{feature_weight}")
        self.search_steps, self.search_lr = int(search_steps), search_lr
        self.feature_weight = feature_weight

    def search(self, images, steps=None, seed=0):
        """AnoGAN's Gamma-step z search from a seeded random z (eq. 5)."""
        return self._search(tf.convert_to_tensor(images, tf.float32),
                            self.search_steps if steps is None else int(steps), seed)

    @tf.function(reduce_retracing=True)
    def _search(self, images, steps, seed):
        return project(self.generate, images, latent_dim=self.latent_dim,
                       steps=steps,
                       lr=self.search_lr, loss="both", features=self.features,
                       feature_weight=self.feature_weight, seed=seed)

    def anomaly_score(self, images, method="search", steps=None):
        """{"score": [B], "residual": |x - G(z)| [B, H, W, C], "z"} by the
        Gamma search ("search", AnoGAN) or one encoder pass ("encoder",
        f-AnoGAN). Higher scores are more anomalous."""
        if method not in SCORE_METHODS:
            raise UserError(f"unknown scoring method '{method}': choose "
                            f"{', '.join(SCORE_METHODS)}")
        if steps is not None and steps < 1:
            raise UserError(f"Gamma (search steps) must be at least 1, got {steps}")
        images = self.check_images(images)
        if method == "search":
            found = self.search(images, steps)
            score, z = found["loss"], found["z"]
            reconstruction = found["images"]
        else:
            z = self.encode(images)
            reconstruction = self.generate(z)
            score = self.izif_scores(images)
        return {"score": score, "residual": tf.abs(images - reconstruction), "z": z}

    # ------------------------------------------------------------- export
    def export_networks(self):
        return [*super().export_networks(), self.features]

    def latent_endpoints(self, batch_size=None):
        found = super().latent_endpoints(batch_size)
        encode = found[0]
        b, latent = batch_size, self.latent_dim
        z_spec = tf.TensorSpec([b, latent], tf.float32, name="z")
        score_outputs = {"score": tf.TensorSpec([b], tf.float32, name="score"),
                         "residual": tf.TensorSpec([b, *self.image_shape], tf.float32,
                                                   name="residual"), "z": z_spec}

        def project_images(inputs):
            found = self.search(inputs["image"])
            return {"z": found["z"], "images_float": found["images"],
                    "loss": found["loss"]}

        def score(method):
            return lambda inputs: self.anomaly_score(inputs["image"], method)

        steps = f"{self.search_steps} Adam steps of z (the model's search_steps, Gamma)"
        return found + [
            Endpoint("project", project_images, encode.inputs,
                     {"z": z_spec, "loss": score_outputs["score"],
                      "images_float": tf.TensorSpec([b, *self.image_shape], tf.float32,
                                                    name="images_float")},
                     encode.example, f"image -> z, G(z) and the search loss after {steps} "
                                     "from a seeded random z (AnoGAN eq. 5)"),
            Endpoint("anomaly_score", score("search"), encode.inputs, score_outputs,
                     encode.example, f"image -> AnoGAN score, residual |x - G(z)| and z "
                                     f"after {steps}"),
            Endpoint("anomaly_score_encoder", score("encoder"), encode.inputs,
                     score_outputs, encode.example,
                     "image -> f-AnoGAN izif score, residual |x - G(E(x))| and z = E(x), "
                     "one pass (no search)")]
