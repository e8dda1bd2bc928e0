"""What an exported generator computes: its SavedModel signatures.

Every model gets the same endpoints, built from its `generator_inputs`:

- `serving_default`: the generator's named inputs (`z`, plus `label`,
  `image` or `text` where the model takes them) -> `images` (uint8 NHWC,
  ready to encode) and `images_float` (float32 in [-1, 1]); a classifier
  (a domain-adapted one) serves `probabilities` and `classes` instead: every
  endpoint returns the model's `output_spec`.
- `sample` (models that take noise `z`): `seed` and `num_images`; the noise
  is drawn server-side, so a client needs nothing but two integers. Returns
  the images and the `z` it drew.
- `interpolate` (models that take `z`): `z_start`, `z_end` and `steps`;
  the images along the spherical path between each pair of latents.

Only the generator's variables and stock TensorFlow ops are saved, so the
directory loads with plain `tf.saved_model.load`, and in TF Serving, without
tfgan_zoo (or any Python) installed.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import latent
from tfgan_zoo.signatures import DEFAULT_SIGNATURE, SERVING_METHOD, Endpoint


SAMPLE_DOC = ("seed and num_images (scalars or one-element lists){extra} -> num_images "
              "images from z = tf.random.stateless_normal([num_images, latent_dim], "
              "seed=[seed, 0]), and that z")
INTERPOLATE_DOC = ("z_start [B, latent_dim], z_end [B, latent_dim], steps (scalar){extra} "
                   "-> B * steps images along the spherical path from each z_start to its "
                   "z_end (pair-major), and the latents")


def _batch_spec(spec, batch_size, name=None):
    return tf.TensorSpec([batch_size] + spec.shape.as_list()[1:], spec.dtype,
                         name=name or spec.name)


def _scalar(x):
    # Accepts a scalar (TF Serving's columnar `inputs`) or a one-element
    # tensor (one row of `instances`).
    return tf.reshape(x, [])


def _broadcast_batch(x, n):
    """A batch-1 conditioning input repeated n times; a batch of n is kept."""
    return tf.broadcast_to(x, tf.concat([[n], tf.shape(x)[1:]], 0))


def endpoints(model, batch_size=None, names=None):
    """The endpoints exported for `model`, `serving_default` first.

    `batch_size` fixes the batch dimension (TFLite needs 1); `names`
    selects endpoints. `sample` and `interpolate` exist only for models
    whose generator takes noise `z`."""
    spec = model.generator_input_spec()
    example = model.example_inputs(2, seed=0)
    conditioning = {k: v for k, v in spec.items() if k != "z"}
    outputs = model.output_spec(batch_size)
    with_z = {**outputs, "z": tf.TensorSpec([batch_size, model.latent_dim],
                                            tf.float32, name="z")}

    def serve(inputs):
        return model.serving_outputs(model.generate_from(inputs, training=False))

    found = [Endpoint(
        DEFAULT_SIGNATURE, serve,
        {k: _batch_spec(v, batch_size) for k, v in spec.items()}, outputs, example,
        "generator inputs " + ", ".join(spec) + " -> " + " and ".join(
            f"{k} ({v})" for k, v in model.output_docs.items()))]

    if "z" in spec:
        def sample(inputs):
            n = tf.cast(_scalar(inputs["num_images"]), tf.int32)
            seed = tf.cast(_scalar(inputs["seed"]), tf.int64)
            z = tf.random.stateless_normal(
                [n, model.latent_dim], tf.stack([seed, tf.constant(0, tf.int64)]))
            batch = {k: _broadcast_batch(inputs[k], n) for k in conditioning}
            batch["z"] = z
            return {**serve(batch), "z": z}

        sample_inputs = {"seed": tf.TensorSpec(None, tf.int64, name="seed"),
                         "num_images": tf.TensorSpec(None, tf.int32, name="num_images"),
                         **{k: _batch_spec(v, None) for k, v in conditioning.items()}}
        one_row = {k: v[:1] for k, v in example.items() if k != "z"}
        sample_example = {"seed": np.int64(7), "num_images": np.int32(2), **one_row}
        found.append(Endpoint("sample", sample, sample_inputs, with_z, sample_example,
                              SAMPLE_DOC.format(extra="".join(
                                  f", {k} (batch 1 or num_images)" for k in conditioning))))

        def interpolate(inputs):
            steps = tf.cast(_scalar(inputs["steps"]), tf.int32)
            z = latent.slerp(inputs["z_start"], inputs["z_end"], steps)
            batch = {k: tf.repeat(inputs[k], steps, axis=0) for k in conditioning}
            batch["z"] = z
            return {**serve(batch), "z": z}

        z_spec = spec["z"]
        interp_inputs = {"z_start": _batch_spec(z_spec, None, "z_start"),
                         "z_end": _batch_spec(z_spec, None, "z_end"),
                         "steps": tf.TensorSpec(None, tf.int32, name="steps"),
                         **{k: _batch_spec(v, None) for k, v in conditioning.items()}}
        interp_example = {"z_start": example["z"][:1], "z_end": example["z"][1:2],
                          "steps": np.int32(3), **one_row}
        found.append(Endpoint("interpolate", interpolate, interp_inputs, with_z,
                              interp_example, INTERPOLATE_DOC.format(
                                  extra="".join(f", {k} [B]" for k in conditioning))))

    # Signatures only some models have, e.g. a text model's `interpolate_text`.
    found += getattr(model, "export_endpoints", lambda batch_size: [])(batch_size)
    if names is not None:
        found = [e for e in found if e.name in set(names)]
    return found


def build_archive(model, batch_size=None, names=None):
    """A `keras.export.ExportArchive` holding the generator's networks and
    the chosen endpoints. Returns (archive, endpoints)."""
    chosen = endpoints(model, batch_size=batch_size, names=names)
    archive = keras.export.ExportArchive()
    for network in model.export_networks():
        # Weights are tracked through the endpoints that read them; tracking a
        # network with weights as well stores each weight twice (Keras 3.15),
        # doubling the SavedModel. A network without weights (a tokenizer)
        # holds other resources, its lookup tables, which must be tracked.
        if not network.weights:
            archive.track(network)
    for endpoint in chosen:
        archive.add_endpoint(endpoint.name, endpoint.function,
                             input_signature=[endpoint.inputs])
    return archive, chosen


def write_graph(model, directory, batch_size=None, names=None):
    """Write the SavedModel (no extras) into `directory`, which must not
    exist or be empty. Returns the endpoints written."""
    archive, chosen = build_archive(model, batch_size=batch_size, names=names)
    archive.write_out(str(directory), verbose=False)
    return chosen


def describe_specs(specs):
    """{name: {dtype, shape}} with shapes as lists (None: any size; a null
    shape: any rank, e.g. a scalar or a one-element list)."""
    return {k: {"dtype": v.dtype.name,
                "shape": None if v.shape.rank is None else v.shape.as_list()}
            for k, v in specs.items()}


def signature_summary(endpoint_list):
    """{signature: {method_name, description, inputs, outputs}} for cards."""
    return {e.name: {"method_name": SERVING_METHOD, "description": e.description,
                     "inputs": describe_specs(e.inputs),
                     "outputs": describe_specs(e.outputs)}
            for e in endpoint_list}


