"""Every registered model, at its `test_config`'s tiny widths: the contract
the trainer, the export and the user rely on. A new model is covered by its
registry line; each test builds the model once and costs seconds.

- the contract: generator inputs (one table) agree with the spec and the
  examples, sampling is seeded and in [-1, 1], the config round-trips, two
  compiled training steps on two replicas (MirroredStrategy) give finite
  losses and move the generator, and a checkpoint restores the whole
  training state into a fresh single-device model (one compiled training
  step a model: tracing it is most of a test's cost);
- mixed float16 (loss scaling) for every model, bfloat16 for one per family
  (float32 weights, float32 losses and images, low-precision compute), and
  the float32 twin a bfloat16 model's export writes (same weights).
"""

import numpy as np
import pytest
import tensorflow as tf
import keras

from tfgan_zoo import registry
from tfgan_zoo.core import ConditionalModel
from tfgan_zoo.export.graph import float32_model
from tfgan_zoo.rundir.checkpoint import CheckpointDir
from tests.support.models import (assert_finite_losses, build, fit, images, policy,
                                  state, tensors)

NAMES = registry.model_names()
BFLOAT16 = ("dcgan", "pix2pix", "stackgan")


@pytest.mark.parametrize("name", NAMES)
def test_model_contract(name, tmp_path, mirrored):
    model = build(name, mirrored)
    # One table of generator inputs drives the spec and the examples.
    table = model.generator_inputs()
    spec, example = model.generator_input_spec(), model.example_inputs(3, seed=2)
    assert list(spec) == list(table) == list(example)
    for key, value in example.items():
        assert spec[key].shape[1:].is_compatible_with(value.shape[1:]), key
    assert ("z" in spec) == bool(model.latent_dim)
    assert ("label" in spec) == isinstance(model, ConditionalModel)
    # Sampling: seeded, float32 in [-1, 1] (a classifier's: probabilities;
    # tokens: whole ids in [0, vocab_size)).
    sampled = model.sample(5, seed=3)
    assert sampled.shape == (5,) + model.sample_shape and sampled.dtype == np.float32
    if model.sample_kind == "tokens":
        assert sampled.min() >= 0 and sampled.max() < model.vocab_size
        np.testing.assert_array_equal(sampled, np.round(sampled))
    else:
        assert sampled.min() >= -1 and sampled.max() <= 1
    np.testing.assert_array_equal(sampled, model.sample(5, seed=3))
    # The config rebuilds the same generator.
    clone = type(model).from_config(model.get_config())
    clone.build_networks()
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(images(clone, example), images(model, example), atol=1e-6)
    # Two compiled steps on two replicas: finite losses, a generator that learns.
    before = [w.numpy().copy() for w in model.generator.trainable_weights]
    assert_finite_losses(fit(model), model)
    assert any(not np.allclose(b, a.numpy())
               for b, a in zip(before, model.generator.trainable_weights))
    # A checkpoint restores every variable of the run into a fresh model
    # (built without a strategy, as `evaluate` and `export` build it).
    CheckpointDir(tmp_path, model).save(2)
    fresh = build(name)
    assert CheckpointDir(tmp_path, fresh).restore(2)["step"] == 2  # every object matched
    for a, b in zip(state(model), state(fresh), strict=True):
        np.testing.assert_array_equal(a, b)
    assert int(fresh.g_optimizer.iterations) == 2
    np.testing.assert_array_equal(images(fresh, example), images(model, example))


@pytest.mark.parametrize("name, precision",
                         [(n, "float16") for n in NAMES] + [(n, "bfloat16") for n in BFLOAT16])
def test_mixed_precision(name, precision):
    with policy(f"mixed_{precision}"):
        model = build(name, mixed_precision=precision)
        for optimizer in model.player_optimizers.values():
            # bfloat16 has float32's exponent range and needs no loss scaling.
            assert isinstance(optimizer, keras.optimizers.LossScaleOptimizer) == (
                precision == "float16")
        generator_nets = model.player_networks()["generator"]
        assert precision in {layer.compute_dtype for net in generator_nets
                             for layer in net.layers}
        for player in model.players:
            for net in model.player_networks()[player]:
                assert all(w.dtype not in ("float16", "bfloat16") for w in net.weights)
        # Scores leave the discriminator in float32.
        outputs = getattr(model.discriminator, "outputs", None)
        assert not outputs or {o.dtype for o in tf.nest.flatten(outputs)} == {"float32"}
        # Eagerly: the dtypes are those of a compiled step, at a fraction of
        # the cost (tests/training/test_precision.py compiles).
        model.run_eagerly = True
        assert_finite_losses(fit(model), model)
        for tracker in model.trackers.values():
            assert tracker.result().dtype == tf.float32
        out = model.generate_from(tensors(model.example_inputs(4)), training=True)
        assert out.dtype == tf.float32 and np.all(np.isfinite(out.numpy()))
    if precision == "bfloat16":
        # What every export writes: a float32 twin holding the same weights,
        # computing what the mixed model computes, to bfloat16's precision.
        twin = float32_model(model)
        assert twin is not model and twin.compute_dtype == "float32"
        assert {layer.compute_dtype for net in twin.player_networks()["generator"]
                for layer in net.layers} == {"float32"}
        for mine, its in zip(model.player_networks()["generator"],
                             twin.player_networks()["generator"]):
            for a, b in zip(mine.weights, its.weights, strict=True):
                np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)
        inputs = tensors(model.example_inputs(4, seed=3))
        mixed = model.generate_from(inputs).numpy()
        assert np.abs(twin.generate_from(inputs).numpy() - mixed).mean() < 0.02
        assert float32_model(twin) is twin
