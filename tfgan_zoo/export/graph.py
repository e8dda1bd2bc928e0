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

Every signature refuses a malformed request with an error (TF Serving
answers 400 with the message), never a garbage image. The signature itself
refuses a wrong dtype or shape; asserts in the graph (`request_checks`),
built from the model's `Input` table, refuse the rest: a non-finite float,
a value outside its input's range (a label outside the classes, an image
outside [-1, 1]), an empty caption or one longer than the text encoder
reads, an image of no pixels or over `MAX_SIDE` on a side, and more than
`MAX_IMAGES` images in one request (`num_images` and `steps` must be 1 to
`MAX_IMAGES`, and so must the images an `interpolate` returns). The LiteRT
graph (batch 1) carries no asserts: the phone app owns its inputs.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import latent
from tfgan_zoo.signatures import DEFAULT_SIGNATURE, SERVING_METHOD, Endpoint


# The most images one request may ask for (batch, num_images, steps, or
# batch x steps), and the longest side of a free-size image input.
MAX_IMAGES = 256
MAX_SIDE = 4096
MAX_TEXT_BYTES = 2000
# Inputs that count images.
COUNTS = ("num_images", "steps")
# TextVectorization's "lower_and_strip_punctuation", to count a caption's words.
PUNCTUATION = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'

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


# --------------------------------------------------------- request checks
def table_input(table, name):
    """The `Input` that endpoint input `name` is a form of: the same name,
    or a `_start` / `_end` of one (`z_start`, `text_end`)."""
    for suffix in ("", "_start", "_end"):
        if name.endswith(suffix) and name[:len(name) - len(suffix)] in table:
            return table[name[:len(name) - len(suffix)]]
    return None


def _value_checks(name, value, inp):
    checks = []
    if value.dtype.is_floating:
        checks.append(tf.debugging.assert_all_finite(
            value, f"{name} must be finite (no NaN or Inf)"))
    if inp is None:
        return checks
    # The range is the table's dtype's: another form of the input (an
    # image as uint8 pixels, `serving_uint8`) has its own.
    ranged = value.dtype == tf.as_dtype(inp.dtype)
    if ranged and inp.minimum is not None:
        checks.append(tf.debugging.assert_greater_equal(
            value, tf.cast(inp.minimum, value.dtype),
            message=f"{name} must be at least {inp.minimum:g}"))
    if ranged and inp.maximum is not None:
        checks.append(tf.debugging.assert_less_equal(
            value, tf.cast(inp.maximum, value.dtype),
            message=f"{name} must be at most {inp.maximum:g}"))
    if value.dtype == tf.string:
        text = tf.reshape(value, [-1])
        checks.append(tf.debugging.assert_positive(
            tf.strings.length(tf.strings.strip(text)),
            message=f"{name} must not be empty: send a caption in words"))
        checks.append(tf.debugging.assert_less_equal(
            tf.strings.length(text), MAX_TEXT_BYTES,
            message=f"{name} must be at most {MAX_TEXT_BYTES} bytes"))
        if inp.max_words is not None:
            words = tf.strings.split(tf.strings.regex_replace(
                tf.strings.lower(text), PUNCTUATION, "")).row_lengths()
            checks.append(tf.debugging.assert_less_equal(
                words, tf.cast(inp.max_words, words.dtype),
                message=f"{name} must be at most {inp.max_words} words (the text encoder "
                        "reads no more): shorten the caption"))
    free = [i + 1 for i, d in enumerate(inp.shape) if d is None]
    for axis in free:  # a size the generator takes at any value (SRGAN's tiles)
        side = tf.shape(value)[axis]
        checks.append(tf.debugging.assert_positive(
            side, message=f"{name} must have at least one pixel on each side"))
        checks.append(tf.debugging.assert_less_equal(
            side, MAX_SIDE, message=f"{name} must be at most {MAX_SIDE} pixels a side"))
    return checks


def _shape_checks(name, value, spec):
    """A served tensor's sizes are not checked against its signature at run
    time (a loaded signature, TF Serving): assert each fixed size. (A wrong
    rank cannot be asserted, the graph folds it to the signature's; it
    fails in the generator's first op instead.)"""
    if spec.shape.rank is None:
        return []
    shape = tf.shape(value)
    want = "[" + ", ".join("B" if i == 0 and d is None else "any" if d is None else str(d)
                           for i, d in enumerate(spec.shape.as_list())) + "]"
    return [tf.debugging.assert_equal(shape[axis], size,
                                      message=f"{name} must have shape {want}")
            for axis, size in enumerate(spec.shape.as_list()) if size is not None]


def request_checks(model, inputs, specs):
    """Assert ops that refuse a malformed request to an endpoint: every
    input checked by its `Input` (see the module doc), counts in 1 to
    MAX_IMAGES, batches of one size and of at most MAX_IMAGES images."""
    table = model.generator_inputs()
    checks, batches = [], []
    for name, value in inputs.items():
        if name in COUNTS:
            count = tf.reshape(value, [])
            checks += [tf.debugging.assert_positive(
                count, message=f"{name} must be at least 1"),
                tf.debugging.assert_less_equal(
                count, tf.cast(MAX_IMAGES, count.dtype),
                message=f"{name} must be at most {MAX_IMAGES} per request")]
        checks += _shape_checks(name, value, specs[name])
        checks += _value_checks(name, value, table_input(table, name))
        if specs[name].shape.rank and name not in COUNTS:
            batches.append((name, tf.shape(value, out_type=tf.int64)[0]))
    for name, batch in batches:
        checks.append(tf.debugging.assert_less_equal(
            batch, tf.constant(MAX_IMAGES, tf.int64),
            message=f"{name}: at most {MAX_IMAGES} rows per request"))
    if "num_images" not in inputs:  # else a batch of 1 is broadcast
        for name, batch in batches[1:]:
            checks.append(tf.debugging.assert_equal(
                batch, batches[0][1], message=f"{name} must have as many rows as "
                                              f"{batches[0][0]}"))
    if "steps" in inputs and batches:
        total = batches[0][1] * tf.cast(tf.reshape(inputs["steps"], []), tf.int64)
        checks.append(tf.debugging.assert_less_equal(
            total, tf.constant(MAX_IMAGES, tf.int64),
            message=f"rows x steps must be at most {MAX_IMAGES} images per request"))
    return checks


def checked(model, endpoint):
    """`endpoint` whose function first asserts `request_checks`."""
    function, specs = endpoint.function, endpoint.inputs

    def run(inputs):
        with tf.control_dependencies(request_checks(model, inputs, specs)):
            inputs = {k: tf.identity(v) for k, v in inputs.items()}
        return function(inputs)

    return dataclasses.replace(endpoint, function=run)


# -------------------------------------------------------------- endpoints
def endpoints(model, batch_size=None, names=None, checks=True):
    """The endpoints exported for `model`, `serving_default` first.

    `batch_size` fixes the batch dimension (TFLite needs 1); `names`
    selects endpoints; `checks` adds the request checks (the LiteRT graph
    goes without). `sample` and `interpolate` exist only for models whose
    generator takes noise `z`."""
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
    return [checked(model, e) for e in found] if checks else found


def float32_model(model):
    """`model` itself when it computes in float32; otherwise its float32 twin:
    the same class and config built under the float32 policy, holding the
    same weights. A model trained under a mixed policy keeps bfloat16 (or
    float16) kernels, which no LiteRT built-in runs and which a CPU without
    native bf16 serves slowly, so every export writes the twin: the graph a
    run directory's export (`load_run`, always float32) would write.

    The weights travel through an in-memory checkpoint of the model's object
    graph (variables are float32 under a mixed policy), matched by name as a
    resume matches them; every weight of the twin must be found."""
    if getattr(model, "compute_dtype", "float32") == "float32":
        return model
    policy = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy("float32")
    try:
        twin = type(model).from_config(model.get_config())
        twin.build_networks()
    finally:
        keras.mixed_precision.set_global_policy(policy)
    with tempfile.TemporaryDirectory(prefix="tfgan_zoo-float32-") as tmp:
        path = tf.train.Checkpoint(model=model).write(os.path.join(tmp, "ckpt"))
        status = tf.train.Checkpoint(model=twin).read(path)
        status.assert_existing_objects_matched().expect_partial()
    twin.step = getattr(model, "step", 0)
    return twin


def build_archive(model, batch_size=None, names=None, checks=True):
    """A `keras.export.ExportArchive` holding the generator's networks and
    the chosen endpoints (of `model`'s float32 twin, `float32_model`).
    Returns (archive, endpoints)."""
    model = float32_model(model)
    chosen = endpoints(model, batch_size=batch_size, names=names, checks=checks)
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


def write_graph(model, directory, batch_size=None, names=None, checks=True):
    """Write the SavedModel (no extras) into `directory`, which must not
    exist or be empty. Returns the endpoints written."""
    archive, chosen = build_archive(model, batch_size=batch_size, names=names,
                                    checks=checks)
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


