"""REINFORCE with Monte-Carlo rollouts (tfgan_zoo.policy) against hand
computations."""

import math

import numpy as np
import tensorflow as tf

from tfgan_zoo import policy


def test_rollout_rewards_by_hand():
    tokens = tf.constant([[1, 2, 3], [4, 5, 6]])

    def complete(prefix, given, seed):  # finish with zeros: deterministic
        keep = tf.range(3)[None, :] < given[:, None]
        return tf.where(keep, prefix, 0)

    score = lambda t: tf.cast(tf.reduce_sum(t, axis=1), tf.float32) / 100
    q = policy.rollout_rewards(complete, score, tokens, num_rollouts=2, seed=[0, 0])
    # Q_1 = D(y1 0 0), Q_2 = D(y1 y2 0), Q_3 = D(Y): 1/100, 3/100, 6/100 and
    # 4/100, 9/100, 15/100.
    np.testing.assert_allclose(q.numpy(), [[0.01, 0.03, 0.06], [0.04, 0.09, 0.15]], atol=1e-7)


def test_rollout_rewards_average_the_rollouts():
    tokens = tf.constant([[1, 1]])
    # Rollout n (row order n-major) finishes with n: rewards 0 and 1 -> 0.5.
    complete = lambda prefix, given, seed: tf.concat(
        [prefix[:, :1], tf.constant([[0], [1]])], axis=1)
    score = lambda t: tf.cast(t[:, 1], tf.float32)
    q = policy.rollout_rewards(complete, score, tokens, num_rollouts=2, seed=[0, 0])
    np.testing.assert_allclose(q.numpy(), [[0.5, 1.0]])


def test_reinforce_loss_and_its_gradient():
    logits = tf.Variable(tf.zeros([2, 2, 2]))  # log G = log 1/2 everywhere
    tokens = tf.constant([[0, 1], [1, 1]])
    rewards = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        loss = policy.reinforce_loss(logits, tokens, rewards)
    # -(1/2) [log(1/2) (1 + 2) + log(1/2) (3 + 4)] = 5 log 2
    assert abs(float(loss) - 5 * math.log(2)) < 1e-6
    g_logits, g_rewards = tape.gradient(loss, [logits, rewards])
    assert g_rewards is None  # rewards are constants
    # d/dlogit_k of -r log softmax_y / B = r (p_k - [k = y]) / B
    np.testing.assert_allclose(g_logits.numpy()[0, 0], [-0.25, 0.25], atol=1e-7)
    np.testing.assert_allclose(g_logits.numpy()[1, 1], [1.0, -1.0], atol=1e-7)


def test_token_nll_of_a_uniform_model_is_log_v():
    nll = policy.token_nll(tf.zeros([3, 5, 4]), tf.zeros([3, 5], tf.int32))
    assert abs(float(nll) - math.log(4)) < 1e-6
