"""Every registered GAN builds, trains a step with finite losses under the
default strategy and under 2 replicas, samples, round-trips its config and
resumes from a checkpoint.

Parametrized over the registry: a new model is covered by adding its line
there. A model too big for these settings sets a `test_config` class dict.
"""

import numpy as np
import pytest
import tensorflow as tf
import keras

from tfgan_zoo import registry
from tfgan_zoo.training.checkpoint import CheckpointDir
from tfgan_zoo.core import ConditionalModel
from tfgan_zoo.models.text2image.base import TextConditionalModel

SHAPE = (16, 16, 1)
CLASSES = 10


@pytest.fixture(scope="module")
def mirrored():
    # One strategy per process: a second MirroredStrategy over the same
    # devices clashes with the first one's collective instance keys.
    return tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])


def build(name, strategy, lr=1e-3, **extra):
    cls = registry.get_model_class(name)
    kwargs = dict(image_shape=SHAPE, num_classes=CLASSES, latent_dim=8, seed=1)
    kwargs.update(getattr(cls, "test_config", {}), **extra)
    with strategy.scope():
        model = cls(**kwargs)
        model.compile(g_optimizer=keras.optimizers.Adam(lr),
                      d_optimizer=keras.optimizers.Adam(lr),
                      **{f"{p}_optimizer": keras.optimizers.Adam(lr)
                         for p in model.players[2:]})
        model.build_for_training()
    return model


def dataset(model, batch=8, n=64):
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (n,) + SHAPE).astype("float32")
    labels = (np.arange(n) % CLASSES).astype("int32")
    # Models that train on something else (e.g. image-to-image (source,
    # target) pairs) describe a batch with `example_data`.
    element = model.example_data(n) if hasattr(model, "example_data") else (images, labels)
    return (tf.data.Dataset.from_tensor_slices(element)
            .batch(batch * model.n_critic, drop_remainder=True).repeat())


def assert_finite_losses(history, model):
    assert set(history) == set(model.loss_names)
    for name, values in history.items():
        assert np.all(np.isfinite(values[-1])), f"{name} = {values[-1]}"


@pytest.mark.parametrize("name", registry.model_names())
def test_train_step_default_strategy(name):
    model = build(name, tf.distribute.get_strategy())
    before = [w.numpy().copy() for w in model.generator.trainable_weights]
    history = model.fit(dataset(model), steps_per_epoch=2, epochs=1, verbose=0).history
    assert_finite_losses(history, model)
    after = model.generator.trainable_weights
    assert any(not np.allclose(b, a.numpy()) for b, a in zip(before, after))


@pytest.mark.parametrize("name", registry.model_names())
def test_train_step_two_replicas(name, mirrored):
    model = build(name, mirrored)
    history = model.fit(dataset(model), steps_per_epoch=2, epochs=1, verbose=0).history
    assert_finite_losses(history, model)


TEXT_MODELS = [n for n in registry.model_names()
               if issubclass(registry.get_model_class(n), TextConditionalModel)]


@pytest.mark.parametrize("name", TEXT_MODELS)
def test_text_models_over_a_sentence_encoder_on_two_replicas(name, mirrored, tmp_path):
    from test_sentence import make_model_folder  # a tiny random BERT folder
    folder, _ = make_model_folder(tmp_path / "bert")
    model = build(name, mirrored, sentence_encoder=str(folder))
    assert model.embedding_dim == 8  # the sentence model's size
    history = model.fit(dataset(model), steps_per_epoch=2, epochs=1, verbose=0).history
    assert_finite_losses(history, model)


@pytest.mark.parametrize("name", registry.model_names())
def test_sample_and_spec(name):
    model = build(name, tf.distribute.get_strategy())
    images = model.sample(5, seed=3)  # a classifier's: class probabilities
    assert images.shape == (5,) + model.sample_shape and images.dtype == np.float32
    assert images.min() >= -1 and images.max() <= 1
    np.testing.assert_array_equal(images, model.sample(5, seed=3))
    spec = model.generator_input_spec()
    if model.latent_dim:
        assert spec["z"].shape.as_list() == [None, model.latent_dim]
    else:  # e.g. pix2pix: dropout is its only noise
        assert "z" not in spec
    assert ("label" in spec) == isinstance(model, ConditionalModel)
    assert set(model.example_inputs(2)) == set(spec)


@pytest.mark.parametrize("name", registry.model_names())
def test_config_round_trip(name):
    model = build(name, tf.distribute.get_strategy())
    clone = type(model).from_config(model.get_config())
    clone.build_networks()
    clone.set_weights(model.get_weights())
    inputs = {k: tf.convert_to_tensor(v) for k, v in model.example_inputs(3).items()}
    np.testing.assert_allclose(clone.generate_from(inputs), model.generate_from(inputs),
                               atol=1e-6)


def _state(model):
    """Every variable a resumed run depends on: network weights (frozen
    ones such as a text encoder included), each player's optimizer slots and
    step count, and the noise seed."""
    values = [w.numpy() for w in model.weights]
    for optimizer in model.player_optimizers.values():
        values += [v.numpy() for v in optimizer.variables]
    return values + [model.noise_seed.state.numpy()]


@pytest.mark.parametrize("name", registry.model_names())
def test_checkpoint_restores_the_whole_training_state(name, tmp_path):
    trained = build(name, tf.distribute.get_strategy())
    trained.fit(dataset(trained), steps_per_epoch=2, epochs=1, verbose=0)
    CheckpointDir(tmp_path, trained).save(2)
    fresh = build(name, tf.distribute.get_strategy())
    assert CheckpointDir(tmp_path, fresh).restore(2)["step"] == 2  # every object matched
    before, after = _state(trained), _state(fresh)
    assert len(before) == len(after)
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)
    assert int(fresh.g_optimizer.iterations) == 2
    inputs = {k: tf.convert_to_tensor(v) for k, v in trained.example_inputs(3).items()}
    np.testing.assert_array_equal(fresh.generate_from(inputs), trained.generate_from(inputs))

def test_noise_differs_between_replicas(mirrored):
    model = build("dcgan", mirrored)

    def draw():
        return model.sample_noise(4)

    per_replica = mirrored.experimental_local_results(mirrored.run(draw))
    assert not np.allclose(per_replica[0], per_replica[1])


def test_critic_batches_are_fresh():
    model = build("wgan", tf.distribute.get_strategy())
    assert model.n_critic == 5
    data = tf.reshape(tf.range(10, dtype=tf.float32), [10, 1])
    batches = [b[0].numpy().ravel().tolist() for b in model.critic_batches(data)]
    assert batches == [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]


def test_wgan_clips_critic_weights():
    model = build("wgan", tf.distribute.get_strategy(), lr=0.5)
    model.fit(dataset(model), steps_per_epoch=1, epochs=1, verbose=0)
    for w in model.discriminator.trainable_weights:
        assert np.abs(w.numpy()).max() <= model.clip + 1e-7


def test_conditional_model_refuses_unlabelled_data():
    from tfgan_zoo.errors import UserError
    model = build("cgan", tf.distribute.get_strategy())
    with pytest.raises(UserError, match="labelled dataset"):
        model.unpack(tf.zeros((2,) + SHAPE))
