"""Adversarial losses as pure functions of discriminator logits (after TF-GAN's losses_impl).

Convention: every loss takes logits or scores of shape [B] or [B, ...] (a PatchGAN gives [B, H, W, 1]),
computes a per-example value (the mean over the non-batch axes), and hands that [B] vector to `reduce`.
`reduce` defaults to `tf.reduce_mean`; models pass `global_mean`, which divides each replica's sum by the
*global* batch, so that under tf.distribute the gradients summed across replicas are the gradient of the
global-batch mean whatever the replica count (a per-replica mean would be scaled by the replica count).
Everything is computed in float32: under mixed precision the logits may arrive as float16.
"""

import tensorflow as tf

from tfgan_zoo.errors import UserError


def global_mean(per_example):
    """Average per-example values over the global batch: sum / (local batch * replicas in sync).

    Wraps `tf.nn.compute_average_loss`. Outside a tf.distribute strategy this is the plain mean; inside one,
    each replica returns its sum divided by the global batch, so a SUM across replicas is the global mean.
    Input of shape [B, ...] is first averaged over its non-batch axes.
    """
    return tf.nn.compute_average_loss(_per_example(per_example))


def _per_example(values):
    """[B, ...] -> [B] float32: the mean over the non-batch axes (identity on [B])."""
    values = tf.cast(values, tf.float32)
    return tf.reduce_mean(values, axis=tf.range(1, tf.rank(values)))


def _sigmoid_xent(labels, logits):
    """-[y log sigmoid(l) + (1 - y) log(1 - sigmoid(l))] per example, computed stably."""
    logits = tf.cast(logits, tf.float32)
    labels = tf.fill(tf.shape(logits), tf.cast(labels, tf.float32))
    return _per_example(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits))


def minimax_discriminator_loss(real_logits, fake_logits, *, real_label=1.0, reduce=tf.reduce_mean):
    """Discriminator loss of the original GAN (Goodfellow et al. 2014, eq. 1).

        L_D = -[log D(x) + log(1 - D(G(z)))],  D = sigmoid(logits)

    With `real_label` < 1 the real term becomes the cross-entropy against that soft target, i.e. one-sided
    label smoothing (Salimans et al. 2016, "Improved Techniques for Training GANs", sec. 3.4):
    -[real_label log D(x) + (1 - real_label) log(1 - D(x))]. Fake labels stay at 0.
    """
    return reduce(_sigmoid_xent(real_label, real_logits) + _sigmoid_xent(0.0, fake_logits))


def minimax_generator_loss(fake_logits, *, reduce=tf.reduce_mean):
    """The saturating generator loss of the original minimax game (Goodfellow et al. 2014, eq. 1).

        L_G = log(1 - D(G(z)))  = -softplus(logits)

    Its gradient vanishes when D confidently rejects the fakes (early in training); see
    `non_saturating_generator_loss`.
    """
    return reduce(-_sigmoid_xent(0.0, fake_logits))


def non_saturating_generator_loss(fake_logits, *, reduce=tf.reduce_mean):
    """The non-saturating generator loss (Goodfellow et al. 2014, sec. 3).

        L_G = -log D(G(z))  = softplus(-logits)

    Same fixed point as the minimax loss, but strong gradients when D rejects the fakes.
    """
    return reduce(_sigmoid_xent(1.0, fake_logits))


def wasserstein_discriminator_loss(real_scores, fake_scores, *, reduce=tf.reduce_mean):
    """WGAN critic loss, which the critic minimises (Arjovsky et al. 2017, "Wasserstein GAN", Algorithm 1).

        L_D = D(G(z)) - D(x)

    Its negation estimates the Wasserstein-1 distance when D is 1-Lipschitz.
    """
    return reduce(_per_example(fake_scores) - _per_example(real_scores))


def wasserstein_generator_loss(fake_scores, *, reduce=tf.reduce_mean):
    """WGAN generator loss (Arjovsky et al. 2017):  L_G = -D(G(z))."""
    return reduce(-_per_example(fake_scores))


def gradient_penalty(critic, real, fake, *, alpha=None, seed=None, target=1.0, reduce=tf.reduce_mean):
    """WGAN-GP gradient penalty (Gulrajani et al. 2017, "Improved Training of Wasserstein GANs", eq. 3).

        GP = (||grad_xhat D(xhat)||_2 - target)^2,   xhat = alpha * x + (1 - alpha) * G(z),  alpha ~ U[0, 1]

    alpha is drawn once per example (shape [B, 1, ..., 1]), as in Algorithm 1, not once per pixel.
    A given `alpha` of shape [B] is reshaped to that; other shapes must broadcast against `real`. Otherwise
    alpha is drawn with `tf.random.stateless_uniform(seed=seed)` when `seed` (shape [2], int) is given, else
    `tf.random.uniform`. `critic` maps xhat to scores [B] or [B, ...]; the norm is over all non-batch axes.
    Returns the reduced penalty; the caller multiplies by lambda (10 in the paper).
    """
    real = tf.cast(real, tf.float32)
    fake = tf.cast(fake, tf.float32)
    rank = real.shape.rank
    alpha_shape = tf.concat([tf.shape(real)[:1], tf.ones([rank - 1], tf.int32)], axis=0)
    if alpha is None:
        if seed is None:
            alpha = tf.random.uniform(alpha_shape)
        else:
            alpha = tf.random.stateless_uniform(alpha_shape, seed=seed)
    else:
        alpha = tf.cast(alpha, tf.float32)
        if alpha.shape.rank == 1:
            alpha = tf.reshape(alpha, alpha_shape)
    xhat = alpha * real + (1.0 - alpha) * fake
    with tf.GradientTape() as tape:
        tape.watch(xhat)
        # Examples are independent, so the gradient of the total is each example's own gradient.
        scores = tf.reduce_sum(tf.cast(critic(xhat), tf.float32))
    grads = tf.cast(tape.gradient(scores, xhat), tf.float32)
    # The epsilon keeps the sqrt differentiable where the gradient is exactly zero.
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=tf.range(1, rank)) + 1e-12)
    return reduce(tf.square(norms - target))


def least_squares_discriminator_loss(real_logits, fake_logits, *, a=0.0, b=1.0, reduce=tf.reduce_mean):
    """LSGAN discriminator loss (Mao et al. 2017, "Least Squares GANs", eq. 2), on raw outputs (no sigmoid).

        L_D = 0.5 (D(x) - b)^2 + 0.5 (D(G(z)) - a)^2
    """
    real = tf.cast(real_logits, tf.float32)
    fake = tf.cast(fake_logits, tf.float32)
    return reduce(0.5 * _per_example(tf.square(real - b)) + 0.5 * _per_example(tf.square(fake - a)))


def least_squares_generator_loss(fake_logits, *, c=1.0, reduce=tf.reduce_mean):
    """LSGAN generator loss (Mao et al. 2017, eq. 2):  L_G = 0.5 (D(G(z)) - c)^2."""
    fake = tf.cast(fake_logits, tf.float32)
    return reduce(0.5 * _per_example(tf.square(fake - c)))


def hinge_discriminator_loss(real_logits, fake_logits, *, reduce=tf.reduce_mean):
    """Hinge discriminator loss (Lim & Ye 2017, "Geometric GAN"; Miyato et al. 2018, "SN-GAN", sec. 4).

        L_D = relu(1 - D(x)) + relu(1 + D(G(z)))
    """
    real = tf.cast(real_logits, tf.float32)
    fake = tf.cast(fake_logits, tf.float32)
    return reduce(_per_example(tf.nn.relu(1.0 - real)) + _per_example(tf.nn.relu(1.0 + fake)))


def hinge_generator_loss(fake_logits, *, reduce=tf.reduce_mean):
    """Hinge generator loss (Lim & Ye 2017; Miyato et al. 2018, sec. 4):  L_G = -D(G(z))."""
    return reduce(-_per_example(fake_logits))



def gaussian_kl(mu, log_var, *, per_dimension=False, reduce=tf.reduce_mean):
    """KL(N(mu, exp(log_var)) || N(0, I)) per example (Kingma & Welling 2014,
    appendix B): -1/2 sum_j (1 + log_var_j - mu_j^2 - exp(log_var_j)).

    `per_dimension=True` averages over the code's dimensions instead of
    summing, as StackGAN's authors' code does (their lambda = 1 weighs this
    mean); BicycleGAN and VAEs use the sum."""
    mu, log_var = tf.cast(mu, tf.float32), tf.cast(log_var, tf.float32)
    terms = -0.5 * (1.0 + log_var - tf.square(mu) - tf.exp(log_var))
    return reduce(tf.reduce_mean(terms, -1) if per_dimension else tf.reduce_sum(terms, -1))

ADVERSARIAL_LOSSES = {
    "minimax": (minimax_discriminator_loss, minimax_generator_loss),
    "non_saturating": (minimax_discriminator_loss, non_saturating_generator_loss),
    "wasserstein": (wasserstein_discriminator_loss, wasserstein_generator_loss),
    "least_squares": (least_squares_discriminator_loss, least_squares_generator_loss),
    "hinge": (hinge_discriminator_loss, hinge_generator_loss),
}


def adversarial_loss(name):
    """(discriminator_loss, generator_loss) for a name in ADVERSARIAL_LOSSES."""
    try:
        return ADVERSARIAL_LOSSES[name]
    except KeyError:
        raise UserError(f"unknown adversarial loss {name!r}; choose one of: "
                        f"{', '.join(sorted(ADVERSARIAL_LOSSES))}") from None
