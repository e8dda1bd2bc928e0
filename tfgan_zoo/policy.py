"""Policy gradients for generators of discrete tokens (SeqGAN, Yu et al.
2017, §3): the generator is a policy G(y_t | Y_1:t-1), the discriminator's
probability that a finished sequence is real is its reward, and a partial
sequence is valued by Monte-Carlo rollouts.

    Q(Y_1:t-1, y_t) = (1/N) sum_n D(MC_n(Y_1:t))   for t < T      (eq. 4)
                    = D(Y_1:T)                       for t = T
    grad J = E_Y [ sum_t grad log G(y_t | Y_1:t-1) Q(Y_1:t-1, y_t) ]  (eq. 6)

Pure functions: `rollout_rewards` takes the completion and scoring
functions, so any sampler and any reward fit; `reinforce_loss` is the
surrogate whose gradient is eq. 6's estimate."""

from __future__ import annotations

import tensorflow as tf

from tfgan_zoo.losses import global_mean


def rollout_rewards(complete, score, tokens, num_rollouts, seed):
    """Q [B, T] for sequences `tokens` [B, T] (int32), eq. 4.

    `complete(prefix, given, seed)` finishes rows of `prefix` [M, T] after
    their first `given` [M] tokens, drawing with the stateless `seed`
    (SeqGAN's rollout policy, a delayed copy of G); `score(tokens)` [M, T]
    -> [M] is the reward of finished sequences (D's probability of "real").
    All N x (T - 1) rollouts run as one batch of M = N (T - 1) B rows, row
    (n, t, b) completing Y_1:t+1 of sequence b."""
    tokens = tf.cast(tokens, tf.int32)
    batch, length = tf.shape(tokens)[0], tokens.shape[1]
    prefixes = length - 1
    rows = num_rollouts * prefixes
    prefix = tf.tile(tokens, [rows, 1])
    given = tf.repeat(tf.tile(tf.range(1, length), [num_rollouts]), batch)
    finished = complete(prefix, given, seed)
    rewards = tf.reshape(score(finished), [num_rollouts, prefixes, batch])
    partial = tf.transpose(tf.reduce_mean(rewards, axis=0))  # [B, T - 1]
    final = tf.reshape(score(tokens), [batch, 1])
    return tf.concat([partial, final], axis=1)


def reinforce_loss(logits, tokens, rewards, *, reduce=global_mean):
    """REINFORCE surrogate for eq. 6: -sum_t log G(y_t | Y_1:t-1) Q_t per
    sequence, averaged over the batch; rewards are constants (no gradient
    flows into D or the rollouts). `logits` [B, T, V] from the
    teacher-forced pass over `tokens` [B, T]; `rewards` [B, T]."""
    log_probs = tf.nn.log_softmax(tf.cast(logits, tf.float32))
    chosen = tf.gather(log_probs, tf.cast(tokens, tf.int32), batch_dims=2)
    return reduce(-tf.reduce_sum(chosen * tf.stop_gradient(tf.cast(rewards, tf.float32)),
                                 axis=1))


def token_nll(logits, tokens, *, reduce=global_mean):
    """MLE loss: the mean negative log-likelihood per token, nats, of
    `tokens` [B, T] under teacher-forced `logits` [B, T, V]."""
    return reduce(tf.nn.sparse_softmax_cross_entropy_with_logits(
        tf.cast(tokens, tf.int32), tf.cast(logits, tf.float32)))
