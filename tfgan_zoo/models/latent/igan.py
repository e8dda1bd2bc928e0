"""iGAN: Zhu, Krähenbühl, Shechtman & Efros 2016, "Generative Visual
Manipulation on the Natural Image Manifold".

The manifold is a DCGAN's range. A predictive network P (here `encoder`)
is trained on real images against the frozen G to reconstruct them (§3.1
eq. 3, train_predict_z.py: min_P ||x - G(P(x))||^2), and a real image is
projected by the hybrid of §3.1: z0 = P(x), then Adam steps on z
(z = 3 tanh(w), `tfgan_zoo.latent.project`) minimising ||x - G(z)||^2.
The user's edits are constraints on the image (§4, eq. 5):

    z* = argmin_z  sum_g ||f_g(G(z)) - v_g||^2 + lambda ||z - z0||^2,

colour strokes (f = the masked pixels, v = the stroke colours) and sketch
strokes (f = an edge map on the masked region, weight 0.2), solved by a
fixed number of Adam steps in the graph (`tfgan_zoo.latent.edit_latent`),
so `edit` is a SavedModel signature. Morphing interpolates z linearly
between two projections (§4, "interpolation").

Deviations, named: the paper optimises the edit with L-BFGS-B over 32
random restarts and shows the best few; here one Adam search per image
starts from its projection (deterministic, one output per request). The
projection and P use pixel L2 only: the paper adds an AlexNet conv4
feature loss, which would need a download (`--izif-feature-weight` adds
the discriminator's features instead). The sketch constraint compares
Sobel edge maps, not HOG. P takes its step after every GAN step (one
run, one budget), not after the GAN. Not built: the warping brush and
the motion + colour flow that transfers the edit onto the original photo
(§5); the served output is G(z*).
"""

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.latent import edit_latent, project
from tfgan_zoo.models.latent.inverted import InvertedDCGAN
from tfgan_zoo.signatures import Endpoint, image_outputs, serving_outputs

PROJECTION_METHODS = ("hybrid", "optimization", "encoder")
CONSTRAINTS = ("color", "color_mask", "edge", "edge_mask")
MORPH_STEPS = 8


@keras.saving.register_keras_serializable("tfgan_zoo")
class IGAN(InvertedDCGAN):
    """DCGAN with a projection network P, hybrid projection and
    constrained latent editing.

    Args:
        ngf, ndf, nef: widths of the generator, discriminator and P.
        projection_steps: Adam steps of the hybrid projection after P(x).
        projection_lr: Adam step size of the projection (0.1, def_invert).
        edit_steps: Adam steps of the constrained edit.
        edit_lr: Adam step size of the edit.
        pull_weight: lambda, the weight of ||z - z0||^2 / nz in the edit.
        edge_weight: the weight of the sketch (edge) constraint (0.2).
        izif_feature_weight: weight of a discriminator-feature term in P's
            loss (0: pixel L2 only, as iGAN's eq. 3 without AlexNet).
    """

    test_config = {"ngf": 4, "ndf": 4, "nef": 4, "projection_steps": 2, "edit_steps": 2}

    def __init__(self, *, ngf=64, ndf=64, nef=64, projection_steps=100, projection_lr=0.1,
                 edit_steps=100, edit_lr=0.05, pull_weight=0.1, edge_weight=0.2,
                 izif_feature_weight=0.0, **kwargs):
        super().__init__(ngf=ngf, ndf=ndf, nef=nef,
                         izif_feature_weight=izif_feature_weight, **kwargs)
        if projection_steps < 0 or edit_steps < 1:
            raise UserError(f"--projection-steps must be >= 0 and --edit-steps >= 1, got "
                            f"{projection_steps} and {edit_steps}")
        self.projection_steps, self.projection_lr = int(projection_steps), projection_lr
        self.edit_steps, self.edit_lr = int(edit_steps), edit_lr
        self.pull_weight, self.edge_weight = pull_weight, edge_weight

    # -------------------------------------------------------- projection
    def project(self, images, method="hybrid", steps=None, seed=0):
        """{"z", "images", "loss" (per-example MSE)} of images projected by
        P then optimisation ("hybrid", the paper's), optimisation from a
        seeded random z ("optimization") or P alone ("encoder")."""
        if method not in PROJECTION_METHODS:
            raise UserError(f"unknown projection method '{method}': choose "
                            f"{', '.join(PROJECTION_METHODS)}")
        steps = self.projection_steps if steps is None else int(steps)
        if method == "encoder":
            steps = 0
        elif steps < 1 and method == "optimization":
            raise UserError(f"optimization needs steps >= 1, got {steps}")
        return self._project(self.check_images(images), steps, method != "optimization",
                             seed)

    @tf.function(reduce_retracing=True)
    def _project(self, images, steps, from_encoder, seed):
        return project(self.generate, images, latent_dim=self.latent_dim, steps=steps,
                       lr=self.projection_lr, loss="pixel", distance="l2",
                       encoder=lambda x: self.encoder(x, training=False),
                       init="encoder" if from_encoder else "random", seed=seed)

    # ----------------------------------------------------------- editing
    def check_constraints(self, constraints, batch):
        """The four constraint tensors as float32, or a one-line error."""
        height, width, channels = self.image_shape
        shapes = {"color": (batch, height, width, channels), "color_mask": (batch, height, width),
                  "edge": (batch, height, width), "edge_mask": (batch, height, width)}
        missing = sorted(set(CONSTRAINTS) - set(constraints))
        if missing:
            raise UserError(f"an edit needs {', '.join(CONSTRAINTS)}; missing "
                            f"{', '.join(missing)} (an all-zero mask switches one off)")
        checked = {}
        for name in CONSTRAINTS:
            value = constraints[name]
            shape = tuple(value.shape if hasattr(value, "shape") else np.shape(value))
            if len(shape) != len(shapes[name]) or any(
                    a is not None and b is not None and a != b
                    for a, b in zip(shape, shapes[name])):
                raise UserError(f"edit constraint '{name}' must have shape "
                                f"{list(shapes[name])}, got {list(shape)}")
            checked[name] = tf.cast(constraints[name], tf.float32)
        return checked

    def edit_codes(self, z, constraints):
        """G(z*) edited from codes z [B, latent_dim]: {"z", "images", "loss"}."""
        z = tf.convert_to_tensor(z, tf.float32)
        return self._edit(z, self.check_constraints(constraints, z.shape[0]))

    def edit(self, images, constraints):
        """Project each image (hybrid), then edit its code under the
        constraints: {"z", "images" (G(z*)), "loss", "projection"}."""
        images = self.check_images(images)
        start = self.project(images)
        found = self.edit_codes(start["z"], constraints)
        return {**found, "projection": start["images"]}

    @tf.function(reduce_retracing=True)
    def _edit(self, z, constraints):
        return edit_latent(self.generate, z, constraints, steps=self.edit_steps,
                           lr=self.edit_lr, pull_weight=self.pull_weight,
                           edge_weight=self.edge_weight)

    def morph(self, images, images_end, steps=MORPH_STEPS):
        """`steps` frames from each projected image to its partner,
        G((1 - t) z_a + t z_b), pair-major: [B * steps, H, W, C]."""
        za = self.project(images)["z"]
        zb = self.project(images_end)["z"]
        t = tf.linspace(0.0, 1.0, steps)[None, :, None]
        path = (1.0 - t) * za[:, None] + t * zb[:, None]
        return self.generate(tf.reshape(path, [-1, self.latent_dim]))

    # ------------------------------------------------------------- export
    def constraint_specs(self, batch_size=None):
        b, (h, w, c) = batch_size, self.image_shape
        return {"color": tf.TensorSpec([b, h, w, c], tf.float32, name="color"),
                **{name: tf.TensorSpec([b, h, w], tf.float32, name=name)
                   for name in ("color_mask", "edge", "edge_mask")}}

    def constraint_example(self, images):
        """A valid request's constraints: a bright stroke down the middle
        column and an edge stroke along the middle row."""
        n, (h, w, _) = len(images), self.image_shape
        color_mask = np.zeros((n, h, w), np.float32)
        color_mask[:, :, w // 2] = 1.0
        edge_mask = np.zeros((n, h, w), np.float32)
        edge_mask[:, h // 2, :] = 1.0
        return {"color": np.ones_like(images, dtype=np.float32), "color_mask": color_mask,
                "edge": edge_mask.copy(), "edge_mask": edge_mask}

    def latent_endpoints(self, batch_size=None):
        encode = super().latent_endpoints(batch_size)[0]
        b, z_spec = batch_size, tf.TensorSpec([batch_size, self.latent_dim], tf.float32,
                                              name="z")
        example = {**encode.example, **self.constraint_example(encode.example["image"])}

        def project_images(inputs):
            found = self.project(inputs["image"])
            return {"z": found["z"], "images_float": found["images"], "loss": found["loss"]}

        def edit(inputs):
            found = self.edit(inputs["image"], inputs)
            return {**serving_outputs(found["images"]), "z": found["z"]}

        steps = f"{self.projection_steps} Adam steps"
        return [encode,
                Endpoint("project", project_images, encode.inputs,
                         {"z": z_spec, "loss": tf.TensorSpec([b], tf.float32, name="loss"),
                          "images_float": tf.TensorSpec([b, *self.image_shape], tf.float32,
                                                        name="images_float")},
                         encode.example, f"image -> z = P(x) refined by {steps} on "
                                         "||x - G(z)||^2 (iGAN's hybrid projection), G(z), "
                                         "its MSE"),
                Endpoint("edit", edit, {**encode.inputs, **self.constraint_specs(b)},
                         {**image_outputs(self.image_shape, b), "z": z_spec}, example,
                         f"image, colour strokes (color in [-1, 1] where color_mask is 1), "
                         f"sketch strokes (edge in [0, 1] where edge_mask is 1) -> G(z*): "
                         f"hybrid projection, then {self.edit_steps} Adam steps of the "
                         f"constrained edit (iGAN eq. 5)")]

    def export_endpoints(self, batch_size=None):
        b = batch_size
        image_spec = self.image_input().spec("image", b)
        example = self.image_input().example(2, 0)
        z_example = np.random.default_rng(0).standard_normal(
            (2, self.latent_dim)).astype(np.float32)

        def edit_z(inputs):
            found = self.edit_codes(inputs["z"], inputs)
            return {**serving_outputs(found["images"]), "z": found["z"]}

        def morph(inputs):
            return serving_outputs(self.morph(inputs["image"], inputs["image_end"]))

        return super().export_endpoints(batch_size) + [
            Endpoint("edit_z", edit_z,
                     {"z": tf.TensorSpec([b, self.latent_dim], tf.float32, name="z"),
                      **self.constraint_specs(b)},
                     {**image_outputs(self.image_shape, b),
                      "z": tf.TensorSpec([b, self.latent_dim], tf.float32, name="z")},
                     {"z": z_example, **self.constraint_example(example)},
                     "as edit, from codes z (e.g. an earlier edit's z) instead of an image"),
            Endpoint("morph", morph,
                     {"image": image_spec,
                      "image_end": tf.TensorSpec(image_spec.shape, image_spec.dtype,
                                                 name="image_end")},
                     image_outputs(self.image_shape, None),
                     {"image": example, "image_end": example[::-1].copy()},
                     f"image, image_end in [-1, 1] -> {MORPH_STEPS} frames per pair, "
                     "G of the linear path between their projections, pair-major")]
