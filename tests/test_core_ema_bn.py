"""The averaged generator's batch-norm statistics, re-estimated on its own
activations (`AdversarialModel.recalibrate_ema`, `--ema-bn-recalibrate`):
they equal the batch moments computed by hand, leave the raw generator and
the training noise alone, and are what a checkpoint holds."""

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo.rundir.checkpoint import CheckpointDir
from tfgan_zoo.training.callbacks import Checkpointer, RunState
from tests.support.models import build, fit


def norms(network):
    return [layer for layer in network._flatten_layers(include_self=False)
            if isinstance(layer, keras.layers.BatchNormalization)]


def test_statistics_are_the_mean_of_the_batch_moments():
    """The first batch norm's input is a function of z alone: its moving
    mean and variance must be the mean over the calibration batches of the
    per-batch mean and biased variance of that input."""
    model = build("dcgan", ema_decay=0.5, ema_bn_recalibrate=3)
    fit(model, steps=1)
    raw = [w.numpy() for w in model.generator.weights]
    seed = model.noise_seed.state.numpy()
    first = norms(model.generator_ema)[0]
    before = keras.Model(model.generator_ema.inputs, first.input)
    means, variances = [], []
    for batch in model.calibration_batches(3):
        x = before(batch["z"], training=True).numpy().astype(np.float64)
        axes = tuple(range(x.ndim - 1))
        means.append(x.mean(axis=axes))
        variances.append(x.var(axis=axes))
    assert model.recalibrate_ema()
    np.testing.assert_allclose(first.moving_mean.numpy(), np.mean(means, 0),
                               rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(first.moving_variance.numpy(), np.mean(variances, 0),
                               rtol=1e-4, atol=1e-7)
    # Every batch norm of the copy changed; G and the training noise did not.
    for average, weight in zip(norms(model.generator_ema), norms(model.generator)):
        assert not np.allclose(average.moving_mean.numpy(), weight.moving_mean.numpy())
        assert average.momentum == weight.momentum and not average.trainable
    for w, w0 in zip(model.generator.weights, raw, strict=True):
        np.testing.assert_array_equal(w.numpy(), w0)
    np.testing.assert_array_equal(model.noise_seed.state.numpy(), seed)
    assert model.inference_generator() is model.generator_ema
    assert model.inference_generator(training=True) is model.generator


def test_off_without_batches_or_ema():
    assert not build("dcgan", ema_decay=0.5, ema_bn_recalibrate=0).recalibrate_ema()
    assert not build("dcgan").recalibrate_ema(batches=2)


def test_a_checkpoint_holds_the_recalibrated_statistics(tmp_path):
    """The trainer's Checkpointer re-estimates before it writes: a restored
    model samples with the statistics of its averaged weights, and
    re-estimating them again changes nothing (deterministic)."""
    model = build("dcgan", ema_decay=0.5, ema_bn_recalibrate=2)
    fit(model, steps=2)
    copied = norms(model.generator_ema)[-1].moving_mean.numpy()
    state = RunState(0, 2, 100)
    state.step = 2
    saver = Checkpointer(state, CheckpointDir(tmp_path, model), every=1)
    saver.set_model(model)
    saver.save()
    fresh = build("dcgan", ema_decay=0.5, ema_bn_recalibrate=2)
    CheckpointDir(tmp_path, fresh).restore(2)
    restored = norms(fresh.generator_ema)[-1].moving_mean.numpy()
    assert not np.allclose(restored, copied)
    np.testing.assert_array_equal(fresh.sample(3, seed=4), model.sample(3, seed=4))
    fresh.recalibrate_ema()
    np.testing.assert_allclose(norms(fresh.generator_ema)[-1].moving_mean.numpy(),
                               restored, rtol=1e-6, atol=1e-7)
    assert tf.is_tensor(fresh.generator_ema(tf.zeros([1, fresh.latent_dim])))


def test_recalibrates_under_two_replicas(mirrored):
    """The Checkpointer calls it outside the replica function, as here."""
    model = build("dcgan", mirrored, ema_decay=0.5, ema_bn_recalibrate=1)
    one = build("dcgan", ema_decay=0.5, ema_bn_recalibrate=1)
    one.set_weights(model.get_weights())
    assert model.recalibrate_ema() and one.recalibrate_ema()
    np.testing.assert_allclose(norms(model.generator_ema)[-1].moving_variance.numpy(),
                               norms(one.generator_ema)[-1].moving_variance.numpy(),
                               rtol=1e-5, atol=1e-7)
