"""The domain family's losses (tfgan_zoo.losses) against hand-computed numbers."""

import math

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import losses


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def test_classification_loss_and_a_constant_label():
    logits = tf.constant([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    z = [math.log(math.exp(2) + 2), math.log(math.e + 2)]
    hand = ((z[0] - 2.0) + (z[1] - 1.0)) / 2
    assert float(losses.classification_loss(logits, [0, 1])) == pytest.approx(hand, 1e-6)
    assert float(losses.classification_loss(logits, 2)) == pytest.approx(
        (z[0] + z[1]) / 2, 1e-6)


def test_domain_classifier_loss_averages_the_two_halves():
    source, target = [1.0, -1.0], [0.5]
    hand = 0.5 * (-(math.log(sigmoid(1.0)) + math.log(sigmoid(-1.0))) / 2
                  - math.log(1 - sigmoid(0.5)))
    assert float(losses.domain_classifier_loss(source, target)) == pytest.approx(hand, 1e-6)
    assert float(losses.binary_cross_entropy([0.5], 0.0)) == pytest.approx(
        -math.log(1 - sigmoid(0.5)), 1e-6)



def test_class_posterior_divergence_is_kl_from_the_reference():
    """KL(softmax(ref) || softmax(logits)): p_ref = (3/4, 1/4) against
    p = (1/2, 1/2) on the first example, equal posteriors on the second."""
    logits = tf.constant([[0.0, 0.0], [1.0, -1.0]])
    reference = tf.constant([[math.log(3.0), 0.0], [1.0, -1.0]])
    hand = 0.75 * math.log(0.75 / 0.5) + 0.25 * math.log(0.25 / 0.5)
    assert float(losses.class_posterior_divergence(logits, reference)) == pytest.approx(
        hand / 2, 1e-6)
    assert float(losses.class_posterior_divergence(reference, logits)) != pytest.approx(
        hand / 2, 1e-3)  # not symmetric: the reference weighs the log ratio

def test_pose_mask_l1_weights_the_body_twice():
    prediction = tf.zeros([1, 1, 2, 1])
    target = tf.constant([[[[1.0], [1.0]]]])
    mask = tf.constant([[[[1.0], [0.0]]]])
    assert float(losses.pose_mask_l1(prediction, target, mask)) == pytest.approx(1.5)


def test_smoothed_max_has_the_log_sum_exp_gradient():
    values = tf.Variable([0.3, 1.2, 0.7])
    gamma = 10.0
    with tf.GradientTape(persistent=True) as tape:
        surrogate, weights = losses.smoothed_max_combination(values, gamma)
        exact = tf.reduce_logsumexp(gamma * values) / gamma
    np.testing.assert_allclose(tape.gradient(surrogate, values), tape.gradient(exact, values),
                               rtol=1e-5)
    np.testing.assert_allclose(weights.numpy().sum(), 1.0, rtol=1e-6)


def test_hard_max_picks_the_worst_class_loss_and_the_closest_domain():
    loss, worst, closest = losses.hard_max_combination([0.2, 0.9, 0.4], [0.6, 0.7, 0.1],
                                                       mu=0.5)
    assert (int(worst), int(closest)) == (1, 2)
    assert float(loss) == pytest.approx(0.9 + 0.5 * 0.1)


def test_combination_weights_agree_across_replicas(mirrored):
    """Each replica holds its share of the global batch's losses; the
    weights come from their sum, so both replicas weight alike."""
    strategy = mirrored

    def step():
        replica = tf.distribute.get_replica_context().replica_id_in_sync_group
        share = tf.where(replica == 0, tf.constant([0.1, 0.5]), tf.constant([0.4, 0.1]))
        return losses.smoothed_max_combination(share, 10.0)[1]

    weights = strategy.experimental_local_results(strategy.run(step))
    np.testing.assert_allclose(weights[0], weights[1])
    total = np.array([0.5, 0.6])
    np.testing.assert_allclose(weights[0], np.exp(10 * total) / np.exp(10 * total).sum(),
                               rtol=1e-5)
