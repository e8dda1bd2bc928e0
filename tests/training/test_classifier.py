"""Adversarial training of the domain recipes' source classifier
(`tfgan_zoo.training.classifier`, `--source-adversarial`): the perturbation
by hand, that the first phase trains on it, the flags' round trip and bad
input."""

import dataclasses
import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.models.domain.dtn import DTN
from tfgan_zoo.networks.domain import content_encoder, mlp
from tfgan_zoo.recipes import _domain, dtn
from tfgan_zoo.training import classifier
from tfgan_zoo.training.classifier import adversarial_images, classifier_info, fit_classifier

RNG = np.random.default_rng(0)
# A linear classifier of 2x2 single-channel images: logits = flatten(x) W.
W = RNG.normal(size=(4, 3)).astype(np.float32)
# Pixels at and near both ends of the range, so the clip to [-1, 1] bites.
IMAGES = np.array([[1.0, -1.0, 0.95, -0.9], [0.0, 0.5, -0.98, 0.2]],
                  np.float32).reshape(2, 2, 2, 1)
LABELS = np.array([2, 0])


def linear(x):
    return tf.reshape(x, [-1, 4]) @ W


def input_gradient(x):
    """d/dx of the summed softmax cross-entropy of the linear classifier, by hand."""
    logits = x.reshape(-1, 4) @ W
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    p[np.arange(len(p)), LABELS] -= 1
    return (p @ W.T).reshape(x.shape)


def test_fgsm_is_eps_times_the_gradient_sign_clipped_to_the_image_range():
    eps = 0.1
    expected = np.clip(IMAGES + eps * np.sign(input_gradient(IMAGES)), -1, 1)
    got = adversarial_images(linear, IMAGES, LABELS, eps).numpy()
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert not np.allclose(got, IMAGES + eps * np.sign(input_gradient(IMAGES)))  # clipped
    np.testing.assert_array_equal(adversarial_images(linear, IMAGES, LABELS, 0.0), IMAGES)


def test_pgd_steps_from_a_random_start_and_stays_in_the_ball():
    eps, steps, seed = 0.2, 3, tf.constant([5, 1])
    x = IMAGES + tf.random.stateless_uniform(IMAGES.shape, seed, -eps, eps).numpy()
    low, high = np.maximum(IMAGES - eps, -1), np.minimum(IMAGES + eps, 1)
    for _ in range(steps):
        x = np.clip(x + 2.5 * eps / steps * np.sign(input_gradient(x)), low, high)
    got = adversarial_images(linear, IMAGES, LABELS, eps, steps, seed).numpy()
    np.testing.assert_allclose(got, x, atol=1e-5)
    assert np.abs(got - IMAGES).max() <= eps + 1e-6


def test_the_first_phase_trains_on_clean_and_adversarial_batches(monkeypatch):
    calls = []

    def crafted(classify, images, labels, eps, steps, seed):
        calls.append((eps, steps))
        return images * 0 + 1  # a batch f never sees otherwise: all white

    monkeypatch.setattr(classifier, "adversarial_images", crafted)
    encoder = content_encoder((8, 8, 3), width=2, feature_dim=4)
    head = mlp(4, (), 10, "head")
    start = encoder.get_weights() + head.get_weights()

    def fit(**options):
        count = len(encoder.get_weights())
        encoder.set_weights(start[:count])
        head.set_weights(start[count:])
        fit_classifier(encoder, head, ["ucidigits"], steps=2, batch_size=4,
                       optimizer=keras.optimizers.Adam(1e-3), **options)
        return encoder.get_weights() + head.get_weights()

    plain = fit()
    assert calls == []  # off by default
    for a, b in zip(plain, fit()):
        np.testing.assert_array_equal(a, b)
    trained = fit(adversarial=0.25, adversarial_steps=2)
    assert calls and set(calls) == {(0.25, 2)}  # with the option's values
    assert any(not np.array_equal(a, b) for a, b in zip(plain, trained))


def test_the_option_round_trips_into_the_saved_classifier(tmp_path):
    parser = dtn.build_parser()
    config, phase = _domain.parse(parser, dtn.RECIPE, ["--out", str(tmp_path)])
    assert (phase["source_adversarial"], phase["source_adversarial_steps"]) == (0.0, 1)
    argv = ["--out", str(tmp_path), "--source-adversarial", "0.3",
            "--source-adversarial-steps=2", "--source-steps", "2", "--source-batch-size", "4"]
    config, phase = _domain.parse(parser, dtn.RECIPE, argv)
    assert (phase["source_adversarial"], phase["source_adversarial_steps"]) == (0.3, 2)
    config = dataclasses.replace(config, model_args={**config.model_args, **DTN.test_config})
    info = _domain.train_source_classifier(config, phase, tmp_path / "source")
    saved = classifier_info(tmp_path / "source")
    assert saved == json.loads(json.dumps(info))
    assert (saved["source_adversarial"], saved["source_adversarial_steps"]) == (0.3, 2)


@pytest.mark.parametrize("argv, message", [
    (["--source-adversarial", "-0.1"], "--source-adversarial must be a finite number in [0, 1]"),
    (["--source-adversarial", "8"], "--source-adversarial must be a finite number in [0, 1]"),
    (["--source-adversarial", "nan"], "--source-adversarial must be a finite number"),
    (["--source-adversarial", "big"], "could not convert string to float"),
    (["--source-adversarial-steps", "0"], "must be a positive integer, got 0"),
])
def test_bad_eps_or_steps_is_one_line(argv, message, capsys):
    with pytest.raises(SystemExit) as done:
        dtn.build_parser().parse_args(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_fit_classifier_checks_eps_and_steps():
    encoder, head = content_encoder((8, 8, 3), width=2, feature_dim=4), mlp(4, (), 10, "head")
    for eps, steps, message in [(-1, 1, "--source-adversarial must be"),
                                (1.5, 1, "--source-adversarial must be"),
                                (0.1, 0, "--source-adversarial-steps must be"),
                                (0.1, 1.5, "--source-adversarial-steps must be")]:
        with pytest.raises(UserError, match=message):
            fit_classifier(encoder, head, ["ucidigits"], steps=1, batch_size=4,
                           optimizer=keras.optimizers.Adam(1e-3), adversarial=eps,
                           adversarial_steps=steps)
