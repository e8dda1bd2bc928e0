"""SeqGAN: the three phases by step count, the delayed rollout copy, and
bad input (a length <= 0, token ids outside the vocabulary) refused in one
line in Python and in the exported graph."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.export.graph import endpoints
from tfgan_zoo.models.sequence.seqgan import SeqGAN
from tests.support.models import build, fit, one_line_error

WORDS = ("<pad>", "a", "red", "blue", "circle", "square", "above")


def test_phases_follow_the_step_counts_and_the_rollout_copy_lags():
    model = build("seqgan", pretrain_steps=2, d_pretrain_steps=1)
    model.run_eagerly = True
    assert model.phase() == "mle"
    fit(model, steps=2)
    # MLE keeps the rollout copy equal to G.
    for r, g in zip(model.rollout.weights, model.generator.weights):
        np.testing.assert_array_equal(r.numpy(), g.numpy())
    assert model.phase() == "discriminator"
    fit(model, steps=1)
    assert model.phase() == "adversarial"
    assert int(model.g_optimizer.iterations) == 2 and int(model.d_optimizer.iterations) == 1
    rollout = [w.numpy() for w in model.rollout.weights]
    fit(model, steps=1)
    assert int(model.g_optimizer.iterations) == 3 and int(model.d_optimizer.iterations) == 2
    # w_roll <- 0.8 w_roll + 0.2 w_G after the policy-gradient step.
    for before, r, g in zip(rollout, model.rollout.weights, model.generator.weights):
        np.testing.assert_allclose(r.numpy(), 0.8 * before + 0.2 * g.numpy(), atol=1e-6)


def test_bad_lengths_and_token_ids_are_one_line_errors():
    with pytest.raises(UserError) as e:
        SeqGAN(seq_length=0, vocab_size=5)
    one_line_error(e, "--seq-length")
    model = SeqGAN(**{**SeqGAN.test_config, "vocab_size": 7, "vocabulary": WORDS})
    model.build_networks()
    assert model.score(np.ones((2, 6))).shape == (2,)
    with pytest.raises(UserError) as e:
        model.score(np.full((1, 6), 7))
    one_line_error(e, "[0, 7)", "vocabulary")
    with pytest.raises(UserError) as e:
        model.score(np.ones((1, 5)))
    one_line_error(e, "[batch, 6]")
    served = {e.name: e for e in endpoints(model)}
    nll = served["score"].function({"tokens": tf.ones([2, 6], tf.int32)})["nll"]
    np.testing.assert_allclose(nll.numpy(), model.score(np.ones((2, 6))), atol=1e-5)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"ids in \[0, 7\)"):
        served["score"].function({"tokens": tf.constant([[0, 1, 2, 3, 4, 9]])})
    z = model.example_inputs(3)["z"]
    text = served["text"].function({"z": tf.constant(z)})
    tokens = model.sample(3, z=z)
    expected = [" ".join(w for w in words.split() if w != "<pad>")
                for words in model.words(tokens)]
    assert [t.decode() for t in text["text"].numpy()] == expected
