"""Every loss of the zoo, as pure functions (after TF-GAN's losses_impl).

Convention: a loss takes logits, scores or images of shape [B] or [B, ...]
(a PatchGAN gives [B, H, W, 1]), computes one value per example (the mean
over the non-batch axes unless the docstring says otherwise), and reduces
that [B] vector with `reduce`. The default, `global_mean`, divides each
replica's sum by the *global* batch, so under tf.distribute the gradients
summed across replicas are those of the global-batch mean whatever the
replica count; outside a strategy it is the plain mean. Pass
`reduce=tf.reduce_mean` for a per-replica mean, or `reduce=tf.identity` for
the per-example values. Everything is computed in float32: under mixed
precision the inputs may arrive as float16.

- adversarial: minimax, non-saturating, Wasserstein, least squares, hinge,
  and `adversarial_loss(name)` to pick a pair by name;
- critic constraints: `gradient_penalty`, `dragan_penalty`, `drift_penalty`,
  `consistency_loss` (CR, bCR);
- weight regularisers: `orthogonal_regularization`;
- auxiliary heads: `style_ambiguity_loss` (CAN), `style_ambiguity_softmax_loss`,
  `multilabel_loss` (tags);
- top-k training: `top_k_count`, `top_k_fakes` (G's loss on the fakes D rates best);
- BEGAN's equilibrium: `began_k_update`, `began_convergence`;
- energy-based GANs: `pulling_away_term` (EBGAN's repelling regulariser);
- InfoGAN's mutual information: `categorical_code_loss`, `gaussian_code_loss`;
- reconstruction: `l1_loss`, `squared_error_loss`, `masked_mse`,
  `total_variation`;
- restoration: `nmse_loss`, `frequency_loss` (DAGAN), `exclusion_loss`,
  `feature_loss` (reflection separation);
- latent: `gaussian_kl`, `izif_loss` (f-AnoGAN);
- text: `matching_aware_discriminator_loss`,
  `semantic_synthesis_discriminator_loss`, `auxiliary_classifier_loss`,
  `joint_embedding_loss`, `contrast_loss`;
- domains: `binary_cross_entropy`, `classification_loss`, `domain_classifier_loss`,
  `pose_mask_l1`, and MDAN's combinations of k sources,
  `smoothed_max_combination` and `hard_max_combination`;
- music: `feature_matching_loss` over `global_batch_mean`s (MidiNet).
"""

import math

import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.kspace import fft2


def global_mean(per_example):
    """Average per-example values over the global batch: sum / (local batch * replicas in sync).

    Wraps `tf.nn.compute_average_loss`. Outside a tf.distribute strategy this is the plain mean; inside one,
    each replica returns its sum divided by the global batch, so a SUM across replicas is the global mean.
    Input of shape [B, ...] is first averaged over its non-batch axes.
    """
    values = _per_example(per_example)
    if tf.distribute.has_strategy() and tf.distribute.in_cross_replica_context():
        return tf.reduce_mean(values)  # e.g. evaluation inside strategy.scope()
    return tf.nn.compute_average_loss(values)


def replica_share(value):
    """A value every replica computes in full, as this replica's share: the
    value over the replicas in sync, so that the shares sum to it like every
    global-batch loss here (the value itself outside a strategy, or in the
    cross-replica context, e.g. evaluation inside `strategy.scope()`)."""
    if tf.distribute.has_strategy() and tf.distribute.in_cross_replica_context():
        return value
    return value / tf.distribute.get_strategy().num_replicas_in_sync


def _per_example(values):
    """[B, ...] -> [B] float32: the mean over the non-batch axes (identity on [B])."""
    values = tf.cast(values, tf.float32)
    return tf.reduce_mean(values, axis=tf.range(1, tf.rank(values)))


def _sigmoid_xent(labels, logits):
    """-[y log sigmoid(l) + (1 - y) log(1 - sigmoid(l))] per example, computed stably."""
    logits = tf.cast(logits, tf.float32)
    labels = tf.fill(tf.shape(logits), tf.cast(labels, tf.float32))
    return _per_example(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits))


def minimax_discriminator_loss(real_logits, fake_logits, *, real_label=1.0, reduce=global_mean):
    """Discriminator loss of the original GAN (Goodfellow et al. 2014, eq. 1).

        L_D = -[log D(x) + log(1 - D(G(z)))],  D = sigmoid(logits)

    With `real_label` < 1 the real term becomes the cross-entropy against that soft target, i.e. one-sided
    label smoothing (Salimans et al. 2016, "Improved Techniques for Training GANs", sec. 3.4):
    -[real_label log D(x) + (1 - real_label) log(1 - D(x))]. Fake labels stay at 0.
    """
    return reduce(_sigmoid_xent(real_label, real_logits) + _sigmoid_xent(0.0, fake_logits))


def minimax_generator_loss(fake_logits, *, reduce=global_mean):
    """The saturating generator loss of the original minimax game (Goodfellow et al. 2014, eq. 1).

        L_G = log(1 - D(G(z)))  = -softplus(logits)

    Its gradient vanishes when D confidently rejects the fakes (early in training); see
    `non_saturating_generator_loss`.
    """
    return reduce(-_sigmoid_xent(0.0, fake_logits))


def non_saturating_generator_loss(fake_logits, *, reduce=global_mean):
    """The non-saturating generator loss (Goodfellow et al. 2014, sec. 3).

        L_G = -log D(G(z))  = softplus(-logits)

    Same fixed point as the minimax loss, but strong gradients when D rejects the fakes.
    """
    return reduce(_sigmoid_xent(1.0, fake_logits))


def wasserstein_discriminator_loss(real_scores, fake_scores, *, reduce=global_mean):
    """WGAN critic loss, which the critic minimises (Arjovsky et al. 2017, "Wasserstein GAN", Algorithm 1).

        L_D = D(G(z)) - D(x)

    Its negation estimates the Wasserstein-1 distance when D is 1-Lipschitz.
    """
    return reduce(_per_example(fake_scores) - _per_example(real_scores))


def wasserstein_generator_loss(fake_scores, *, reduce=global_mean):
    """WGAN generator loss (Arjovsky et al. 2017):  L_G = -D(G(z))."""
    return reduce(-_per_example(fake_scores))


def gradient_penalty(critic, real, fake, *, alpha=None, seed=None, target=1.0, reduce=global_mean):
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


def consistency_loss(outputs, transformed_outputs, *, reduce=global_mean):
    """Consistency regularisation (Zhang et al. 2020, "Consistency
    Regularization for Generative Adversarial Networks", eq. 2):

        L_cr = ||D(x) - D(T(x))||^2

    on D's last layer for an image and its augmented copy T(x); per example
    the mean over non-batch axes (a patch D's map). Gradients flow through
    both sides, as in the paper; the caller multiplies by lambda (10)."""
    difference = tf.cast(outputs, tf.float32) - tf.cast(transformed_outputs, tf.float32)
    return reduce(_per_example(tf.square(difference)))


def dragan_penalty(critic, real, *, seed=None, scale=0.5, reduce=global_mean):
    """DRAGAN's gradient penalty (Kodali et al. 2017, "On Convergence and
    Stability of GANs"; the authors' code): the WGAN-GP penalty taken
    around the *real* data only, between x and a noisy copy of it,

        x_p = x + scale * std(x) * u,   u ~ U[0, 1) per pixel,
        GP  = (||grad D(a x + (1 - a) x_p)|| - 1)^2,   a ~ U[0, 1] per example,

    std(x) the standard deviation of the whole batch, as in the authors'
    `x + 0.5 * x.std() * np.random.random(x.shape)`. `seed` (shape [2])
    draws u and a statelessly. Returns the reduced penalty; the caller
    multiplies by lambda (10 in DRAGAN, 0.5 in Jin et al.'s anime model)."""
    real = tf.cast(real, tf.float32)
    if seed is None:
        noise = tf.random.uniform(tf.shape(real))
        seed_alpha = None
    else:
        noise = tf.random.stateless_uniform(tf.shape(real), seed=seed)
        seed_alpha = tf.random.experimental.stateless_fold_in(seed, 1)
    perturbed = real + scale * tf.math.reduce_std(real) * noise
    return gradient_penalty(critic, real, perturbed, seed=seed_alpha, reduce=reduce)


def orthogonal_regularization(kernels, *, beta=1e-4):
    """BigGAN's orthogonal regularisation (Brock et al. 2019, §3.1):

        R_beta(W) = beta * || W^T W (.) (1 - I) ||_F^2

    summed over `kernels`, each reshaped to [fan_in, out] so the Gram matrix
    is over output filters; only off-diagonal entries are penalised, which
    leaves the filters' norms free (the paper's relaxation of plain
    orthogonality). A function of weights, not of examples: under
    tf.distribute every replica computes all of it, so the value is divided
    by the replica count and the summed gradients are the penalty's own."""
    total = 0.0
    for kernel in kernels:
        w = tf.reshape(tf.cast(kernel, tf.float32), [-1, kernel.shape[-1]])
        gram = tf.matmul(w, w, transpose_a=True)
        off_diagonal = gram * (1.0 - tf.eye(tf.shape(gram)[0]))
        total += tf.reduce_sum(tf.square(off_diagonal))
    return replica_share(beta * total)


def style_ambiguity_loss(style_logits, *, reduce=global_mean):
    """CAN's style ambiguity as the paper writes it (Elgammal et al. 2017,
    §3): K binary cross-entropies between the style posterior
    D_c(c_k | G(z)) (the softmax of D's K style logits) and 1/K,

        L = -sum_k [ 1/K log D_c(c_k|x) + (1 - 1/K) log(1 - D_c(c_k|x)) ],

    least when every style is equally likely. log(1 - p_k) is computed as
    logsumexp over the other logits minus logsumexp over all of them, which
    stays finite when p_k is 1 in float32."""
    logits = tf.cast(style_logits, tf.float32)
    k = logits.shape[-1]
    log_p = tf.nn.log_softmax(logits, axis=-1)
    others = tf.where(tf.eye(k, dtype=tf.bool)[None], -1e30, logits[:, None, :])
    log_not_p = tf.reduce_logsumexp(others, -1) - tf.reduce_logsumexp(logits, -1, keepdims=True)
    return reduce(-tf.reduce_sum(log_p / k + (1.0 - 1.0 / k) * log_not_p, -1))


def style_ambiguity_softmax_loss(style_logits, *, reduce=global_mean):
    """The variant the mlberkeley CAN code implements (losses.py, CAN_loss):
    the softmax cross-entropy of the style logits against the uniform
    distribution, L = -1/K sum_k log D_c(c_k|x). Same minimum as
    `style_ambiguity_loss`; named apart because it is not the paper's."""
    logits = tf.cast(style_logits, tf.float32)
    return reduce(-tf.reduce_mean(tf.nn.log_softmax(logits, axis=-1), -1))


def multilabel_loss(logits, targets, *, reduce=global_mean):
    """Sigmoid cross-entropy per tag, summed over the tags (the multi-label
    classifier of Jin et al. 2017 and bhpfelix's port: one sigmoid per
    tag, one-of-k groups such as hair colour included):

        L = -sum_t [ y_t log s(l_t) + (1 - y_t) log(1 - s(l_t)) ]"""
    logits = tf.cast(logits, tf.float32)
    targets = tf.cast(targets, tf.float32)
    return reduce(tf.reduce_sum(
        tf.nn.sigmoid_cross_entropy_with_logits(labels=targets, logits=logits), -1))


def drift_penalty(real_scores, *, reduce=global_mean):
    """Progressive GAN's drift term (Karras et al. 2018, §A.1, "epsilon_drift"):

        drift = D(x)^2

    on real scores; weighted by epsilon = 0.001 it keeps the critic's output from drifting far from zero,
    which the Wasserstein loss alone does not prevent.
    """
    return reduce(tf.square(_per_example(real_scores)))


def top_k_count(batch_size, epoch, gamma, floor):
    """How many fakes G's loss keeps in top-k training (Sinha et al. 2020,
    "Top-k Training of GANs", §3):

        k = max(round(gamma^epoch * B), round(floor * B))

    k starts at the batch B and decays by gamma each epoch down to the
    fraction `floor` of the batch (the paper's nu; gamma 0.99 and nu 0.5 for
    most of its models). Rounded as Python's `round` (half to even), at least
    1. `batch_size` and `epoch` may be tensors; returns an int32 scalar.
    """
    batch = tf.cast(batch_size, tf.float64)
    decayed = tf.round(tf.pow(tf.constant(gamma, tf.float64), tf.cast(epoch, tf.float64)) * batch)
    k = tf.maximum(decayed, tf.round(floor * batch))
    return tf.cast(tf.clip_by_value(k, 1.0, batch), tf.int32)


def top_k_fakes(fake_outputs, k, *, realness=None):
    """The k examples of a batch of D outputs (or scores) that D rates as
    most real, highest first.

    Top-k training (Sinha et al. 2020, Algorithm 1) computes G's loss on these
    only: the fakes D rejects most confidently are dropped from the mean (the
    paper finds that their gradients can push samples further from their
    nearest mode; its §4, mixtures of Gaussians). Outputs of shape [B, ...]
    are ranked by their mean over the non-batch axes; `realness` maps them to
    a rank order where "more real" is not "higher" (LSGAN with a > b). Ties
    keep the lower index. Feed the result to a generator loss: its `reduce`
    averages over the k kept (k times the replicas under tf.distribute).
    """
    scores = _per_example(fake_outputs if realness is None else realness(fake_outputs))
    _, kept = tf.math.top_k(scores, k=k, sorted=True)
    return tf.gather(fake_outputs, kept)


def began_k_update(k, real_loss, fake_loss, gamma, lambda_k):
    """BEGAN's proportional control of the equilibrium (Berthelot et al. 2017, eq. 4):

        k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z))), 0, 1)

    `real_loss` = L(x) and `fake_loss` = L(G(z)) are the auto-encoder losses of the whole step's batch (not a
    replica's share). k weighs how hard D pushes fakes away; it rises while the fakes reconstruct better than
    gamma times the reals.
    """
    balance = gamma * tf.cast(real_loss, tf.float32) - tf.cast(fake_loss, tf.float32)
    return tf.clip_by_value(tf.cast(k, tf.float32) + lambda_k * balance, 0.0, 1.0)


def began_convergence(real_loss, fake_loss, gamma):
    """BEGAN's global convergence measure (Berthelot et al. 2017, §3.4.1):

        M_global = L(x) + |gamma L(x) - L(G(z))|

    Low when D reconstructs reals well and the equilibrium holds; it falls as the samples improve.
    """
    real_loss = tf.cast(real_loss, tf.float32)
    return real_loss + tf.abs(gamma * real_loss - tf.cast(fake_loss, tf.float32))


def pulling_away_term(embeddings):
    """EBGAN's pulling-away term (Zhao, Mathieu & LeCun 2017, eq. 6) over a
    batch of N embeddings S_i (rows of [N, ...], flattened):

        PT = 1 / (N (N - 1)) sum_{i != j} cos^2(S_i, S_j)

    in [0, 1]: 0 for mutually orthogonal embeddings, 1 when they all point
    the same way (or opposite ways). Added to G's loss on the fakes'
    encoder codes it repels the samples from each other, which an energy
    that only scores each sample alone does not. The pairs are those within
    this replica's batch; the value is returned as this replica's share
    (divided by the replica count), so the shares sum to the replicas' mean
    PT like every other loss here. A batch of one has no pair: PT = 0."""
    s = tf.cast(embeddings, tf.float32)
    s = tf.math.l2_normalize(tf.reshape(s, [tf.shape(s)[0], -1]), axis=1)
    n = tf.cast(tf.shape(s)[0], tf.float32)
    cosine = tf.matmul(s, s, transpose_b=True)
    pairs = 1.0 - tf.eye(tf.shape(s)[0])  # i != j: S_i with itself is no pair
    off_diagonal = tf.reduce_sum(tf.square(cosine) * pairs)
    return replica_share(off_diagonal / tf.maximum(n * (n - 1.0), 1.0))


def categorical_code_loss(logits, codes, *, reduce=global_mean):
    """InfoGAN's mutual-information term for a categorical code (Chen et al. 2016, eq. 5 and §5):

        L = -log Q(c | G(z, c)),   L_I = H(c) - L  <=  I(c; G(z, c))

    the cross-entropy of Q's logits [B, K] against the code c [B] that drew each fake. Minimising it
    maximises the lower bound L_I; with c uniform, H(c) = log K.
    """
    return reduce(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.cast(codes, tf.int32), logits=tf.cast(logits, tf.float32)))


def gaussian_code_loss(means, codes, *, std=1.0, log_var=None, min_std=None,
                       reduce=global_mean):
    """InfoGAN's term for continuous codes, Q a factored Gaussian (Chen et al. 2016, §5):

        L = -log N(c; mu, sigma^2) = sum_j (c_j - mu_j)^2 / (2 sigma_j^2) + log(sigma_j sqrt(2 pi))

    summed over the code's dimensions; `means` and `codes` are [B, D]. With `log_var` None, sigma = `std`
    for every code (the reference MNIST launcher's `fix_std=True`); otherwise Q also predicts
    log sigma_j^2 [B, D] (openai/InfoGAN's `Gaussian` with `fix_std=False`), and as Q grows sure the
    term's gradient grows by 1 / sigma^2. `min_std` (a project option, None: off) reads a learned
    sigma below it as `min_std`, so the term is bounded below and its gradient by 1 / min_std^2;
    below the floor Q's log-variance gets no gradient.
    """
    means, codes = tf.cast(means, tf.float32), tf.cast(codes, tf.float32)
    if log_var is None:
        log_var = tf.fill(tf.shape(means), 2.0 * math.log(std))
    log_var = tf.cast(log_var, tf.float32)
    if min_std is not None:
        log_var = tf.maximum(log_var, 2.0 * math.log(min_std))
    nll = tf.reduce_sum(tf.square(codes - means) / (2.0 * tf.exp(log_var))
                        + 0.5 * log_var + 0.5 * math.log(2.0 * math.pi), axis=-1)
    return reduce(nll)


def least_squares_discriminator_loss(real_logits, fake_logits, *, a=0.0, b=1.0, reduce=global_mean):
    """LSGAN discriminator loss (Mao et al. 2017, "Least Squares GANs", eq. 2), on raw outputs (no sigmoid).

        L_D = 0.5 (D(x) - b)^2 + 0.5 (D(G(z)) - a)^2
    """
    real = tf.cast(real_logits, tf.float32)
    fake = tf.cast(fake_logits, tf.float32)
    return reduce(0.5 * _per_example(tf.square(real - b)) + 0.5 * _per_example(tf.square(fake - a)))


def least_squares_generator_loss(fake_logits, *, c=1.0, reduce=global_mean):
    """LSGAN generator loss (Mao et al. 2017, eq. 2):  L_G = 0.5 (D(G(z)) - c)^2."""
    fake = tf.cast(fake_logits, tf.float32)
    return reduce(0.5 * _per_example(tf.square(fake - c)))


def hinge_discriminator_loss(real_logits, fake_logits, *, reduce=global_mean):
    """Hinge discriminator loss (Lim & Ye 2017, "Geometric GAN"; Miyato et al. 2018, "SN-GAN", sec. 4).

        L_D = relu(1 - D(x)) + relu(1 + D(G(z)))
    """
    real = tf.cast(real_logits, tf.float32)
    fake = tf.cast(fake_logits, tf.float32)
    return reduce(_per_example(tf.nn.relu(1.0 - real)) + _per_example(tf.nn.relu(1.0 + fake)))


def hinge_generator_loss(fake_logits, *, reduce=global_mean):
    """Hinge generator loss (Lim & Ye 2017; Miyato et al. 2018, sec. 4):  L_G = -D(G(z))."""
    return reduce(-_per_example(fake_logits))



def gaussian_kl(mu, log_var, *, per_dimension=False, reduce=global_mean):
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


def total_variation(images, *, epsilon=1e-8, reduce=global_mean):
    """Total-variation regulariser of SRGAN (Ledig et al. 2017, arXiv v1,
    eq. 7, after Aly & Dubois 2005): the mean over pixels and channels of the
    gradient magnitude

        TV(G) = mean_{x,y,c} sqrt((G[x+1,y,c] - G[x,y,c])^2 + (G[x,y+1,c] - G[x,y,c])^2)

    on forward differences over the (H-1) x (W-1) pixels that have both.
    `epsilon` under the root keeps the gradient finite on flat regions.
    Per-example values [B] go to `reduce`."""
    images = tf.cast(images, tf.float32)
    dy = images[:, 1:, :-1, :] - images[:, :-1, :-1, :]
    dx = images[:, :-1, 1:, :] - images[:, :-1, :-1, :]
    magnitude = tf.sqrt(dx * dx + dy * dy + epsilon)
    return reduce(tf.reduce_mean(magnitude, axis=[1, 2, 3]))


def multiscale_l1(prediction, target, *, scales=3, reduce=global_mean):
    """TP-GAN's pixel loss (Huang et al. 2017, eq. 2) at `scales` resolutions:
    the mean absolute error of the two images, then of both average-pooled
    by 2, 4, ... (the paper's 32, 64 and 128 px outputs), summed:

        L_pixel = sum_s mean |pool_s(G(x)) - pool_s(y)|,  pool_s = avg 2^s x 2^s"""
    prediction, target = tf.cast(prediction, tf.float32), tf.cast(target, tf.float32)
    total = 0.0
    for s in range(int(scales)):
        if s:
            prediction, target = (tf.nn.avg_pool2d(t, 2, 2, "VALID") for t in (prediction, target))
        total += _per_example(tf.abs(prediction - target))
    return reduce(total)


LAPLACIAN_3X3 = ((0.0, 1.0, 0.0), (1.0, -4.0, 1.0), (0.0, 1.0, 0.0))


def symmetry_loss(images, *, laplacian=True, reduce=global_mean):
    """TP-GAN's symmetry loss (Huang et al. 2017, eq. 3): a frontal face
    equals its mirror image,

        L_sym = 1 / (W/2 * H) sum_{x <= W/2, y} |I(x, y) - I(W - x + 1, y)|,

    i.e. the mean |I - flip(I)|. With `laplacian` (the paper's remedy for
    uneven light, §3.3) both are first filtered by the 3x3 Laplacian."""
    images = tf.cast(images, tf.float32)
    if laplacian:
        channels = images.shape[-1]
        kernel = tf.tile(tf.constant(LAPLACIAN_3X3)[:, :, None, None], [1, 1, channels, 1])
        images = tf.nn.depthwise_conv2d(images, kernel, [1, 1, 1, 1], "SAME")
    return reduce(_per_example(tf.abs(images - tf.reverse(images, [2]))))


def masked_mse(prediction, target, mask, *, reduce=global_mean):
    """Mean squared error over the masked pixels of each example, the
    Context Encoder's reconstruction loss (Pathak et al. 2016, eq. 1):
    sum(M (x - F)^2) / (sum(M) * C); [B] values go to `reduce`."""
    return _masked_mean(tf.square, prediction, target, mask, reduce)


def masked_l1(prediction, target, mask, *, reduce=global_mean):
    """Mean absolute error over the masked pixels of each example:
    sum(M |x - F|) / (sum(M) * C), e.g. a completion's L1 on the missing
    texels only (the seen ones are kept as given)."""
    return _masked_mean(tf.abs, prediction, target, mask, reduce)


def log_mse_loss(prediction, target, mask=None, *, eps=1e-5, reduce=global_mean):
    """Per-example mean squared error in decibels, 10 log10(MSE_i + eps)
    (over the masked pixels when `mask` is given), then `reduce`: for images
    in [-1, 1] this is 10 log10(4) - PSNR_i, so minimising it maximises the
    mean per-image PSNR that restoration benchmarks report. The plain MSE
    weighs images by their error, so textured images dominate it and a
    network may add a little noise to smooth ones, which PSNR punishes;
    here every image counts the same in dB. `eps` (1e-5: 56 dB) bounds
    the weight of near-perfect images."""
    if mask is None:
        diff = tf.cast(target, tf.float32) - tf.cast(prediction, tf.float32)
        mse = _per_example(tf.square(diff))
    else:
        mse = _masked_mean(tf.square, prediction, target, mask, lambda v: v)
    return reduce(10.0 * tf.math.log(mse + eps) / tf.math.log(10.0))


def mean_colour_loss(prediction, target, *, reduce=global_mean):
    """L1 between the images' mean colours, per example:

        L_mean = (1/C) sum_c |mean_xy(prediction_c) - mean_xy(target_c)|

    A pixel L1 moves a uniform colour offset towards the median of the
    pixel errors; this term moves it towards their mean, the offset that
    the mean squared error (and so PSNR) wants."""
    axes = [1, 2]
    diff = (tf.reduce_mean(tf.cast(prediction, tf.float32), axes)
            - tf.reduce_mean(tf.cast(target, tf.float32), axes))
    return reduce(tf.reduce_mean(tf.abs(diff), -1))


def _masked_mean(error_of, prediction, target, mask, reduce):
    prediction = tf.cast(prediction, tf.float32)
    target = tf.cast(target, tf.float32)
    mask = tf.cast(mask, tf.float32)
    channels = tf.cast(tf.shape(target)[-1], tf.float32)
    error = tf.reduce_sum(mask * error_of(target - prediction), axis=[1, 2, 3])
    area = tf.maximum(tf.reduce_sum(mask, axis=[1, 2, 3]) * channels, 1.0)
    return reduce(error / area)


def l1_loss(prediction, target, *, reduce=global_mean):
    """Mean absolute error per example, then `reduce` over the batch.

        L1 = E |target - prediction|_1   (pix2pix eq. 3, CycleGAN eq. 2)

    Use it for reconstruction, cycle-consistency and identity terms; the
    caller multiplies by lambda."""
    diff = tf.abs(tf.cast(target, tf.float32) - tf.cast(prediction, tf.float32))
    return reduce(_per_example(diff))


def squared_error_loss(prediction, target, *, reduce=global_mean):
    """Mean squared error per example, then `reduce` over the batch."""
    diff = tf.cast(target, tf.float32) - tf.cast(prediction, tf.float32)
    return reduce(_per_example(tf.square(diff)))


def joint_embedding_loss(image_embeddings, text_embeddings, classes, *, margin=1.0,
                         reduce=global_mean):
    """Deep symmetric structured joint embedding loss (Reed et al. 2016,
    eqs. 3-5), over a minibatch. With compatibility F(v, t) = theta(v)^T phi(t),

        L = 1/N sum_n [ sum_{m: y_m != y_n} max(0, 1 + F(v_n, t_m) - F(v_n, t_n))
                      + sum_{m: y_m != y_n} max(0, 1 + F(v_m, t_n) - F(v_n, t_n)) ] / (N - 1)

    the image term ranks each image's own caption above every caption of
    another class, the text term each caption's own image above every image
    of another class (the "symmetric" of DS-SJE). Pairs of the same class
    are not negatives (Delta(y, y) = 0). Reed et al. average the text
    features of a class; here each image brings one caption. Returns the
    reduced loss and the in-batch text->image top-1 retrieval accuracy
    (a hit when the best image is of the caption's class)."""
    image_embeddings = tf.cast(image_embeddings, tf.float32)
    text_embeddings = tf.cast(text_embeddings, tf.float32)
    scores = tf.matmul(image_embeddings, text_embeddings, transpose_b=True)  # [i, t]
    classes = tf.reshape(classes, [-1])
    same = tf.equal(classes[:, None], classes[None, :])
    negative = 1.0 - tf.cast(same, tf.float32)
    right = tf.linalg.diag_part(scores)
    n = tf.cast(tf.maximum(tf.shape(scores)[0] - 1, 1), tf.float32)
    image_term = tf.reduce_sum(negative * tf.nn.relu(margin + scores - right[:, None]), 1)
    text_term = tf.reduce_sum(negative * tf.nn.relu(margin + scores - right[None, :]), 0)
    best = tf.argmax(scores, axis=0, output_type=tf.int32)     # best image per caption
    hit = tf.cast(tf.equal(tf.gather(classes, best), classes), tf.float32)
    return reduce((image_term + text_term) / n), reduce(hit)


def contrast_loss(image_embeddings, text_embeddings, contrast_embeddings, *, margin=1.0,
                  reduce=global_mean):
    """DS-SJE's image term for one more negative per image, the caption of
    a minimally different scene t'_n (another class by construction):

        L = 1/N sum_n max(0, margin + F(v_n, t'_n) - F(v_n, t_n))

    Returns the reduced loss and the fraction of images that score their
    own caption above the contrast caption."""
    v = tf.cast(image_embeddings, tf.float32)
    right = tf.reduce_sum(v * tf.cast(text_embeddings, tf.float32), -1)
    wrong = tf.reduce_sum(v * tf.cast(contrast_embeddings, tf.float32), -1)
    return (reduce(tf.nn.relu(margin + wrong - right)),
            reduce(tf.cast(right > wrong, tf.float32)))


def matching_aware_discriminator_loss(real_right, real_wrong, fake_right, *,
                                      mismatch=None, reduce=global_mean):
    """The matching-aware discriminator of GAN-CLS (Reed et al. 2016,
    "Generative Adversarial Text to Image Synthesis", Algorithm 1), also
    StackGAN's (Zhang et al. 2017, sec. 3):

        L_D = -[ log D(x, h) + 1/2 (log(1 - D(x, h_wrong)) + log(1 - D(G(z, h), h))) ]

    a real image with its own text is real; a real image with mismatched
    text, and a fake with the right text, are fake. `mismatch` [B] (0 or 1)
    drops the wrong-text term where the "wrong" caption in fact describes
    the same kind of image.
    """
    wrong = _sigmoid_xent(0.0, real_wrong)
    if mismatch is not None:
        wrong = wrong * tf.cast(tf.reshape(mismatch, [-1]), tf.float32)
    return reduce(_sigmoid_xent(1.0, real_right) + 0.5 * (wrong + _sigmoid_xent(0.0, fake_right)))


def semantic_synthesis_discriminator_loss(real_right, real_wrong, fake_relevant, *,
                                          mismatch=None, reduce=global_mean):
    """Discriminator of semantic image synthesis (Dong et al. 2017, "Semantic
    Image Synthesis via Adversarial Learning", sec. 3.2):

        L_D = -[ log D(x, t) + log(1 - D(x, t_hat)) + log(1 - D(G(x, t_hat), t_hat)) ]

    matching text is real; mismatched text, and the generator's edit of x
    for the relevant text t_hat, are fake. `mismatch` [B] drops the second
    term where t_hat in fact describes x.
    """
    wrong = _sigmoid_xent(0.0, real_wrong)
    if mismatch is not None:
        wrong = wrong * tf.cast(tf.reshape(mismatch, [-1]), tf.float32)
    return reduce(_sigmoid_xent(1.0, real_right) + wrong + _sigmoid_xent(0.0, fake_relevant))


def auxiliary_classifier_loss(logits, labels, classes, *, reduce=global_mean):
    """The auxiliary classifier's loss of AC-GAN (Odena et al. 2017, eq. 3),
    as TAC-GAN uses it for text (Dash et al. 2017): the cross-entropy of
    each head's logits against its label, summed over the heads.

    `logits` [B, sum(classes)] holds the heads side by side, head i taking
    classes[i] columns; `labels` int [B, len(classes)], where -1 marks a
    label the example does not have (no second object), which costs nothing.
    """
    logits = tf.cast(logits, tf.float32)
    labels = tf.cast(labels, tf.int32)
    total = 0.0
    for i, head in enumerate(tf.split(logits, list(classes), axis=1)):
        label = labels[:, i]
        present = label >= 0
        xent = tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.maximum(label, 0), logits=head)
        total += tf.where(present, xent, 0.0)
    return reduce(total)


# ------------------------------------------------------------------ domains
def binary_cross_entropy(logits, label, *, reduce=global_mean):
    """A discriminator's cross-entropy against one label for the whole batch,

        L = -[y log D + (1 - y) log(1 - D)],  D = sigmoid(logits)

    for losses that average several real and fake terms (PixelDTGAN's two
    discriminators, Yoo et al. 2016, sec. 3.2; PG2's, Ma et al. 2017)."""
    return reduce(_sigmoid_xent(label, logits))


def classification_loss(logits, labels, *, reduce=global_mean):
    """Softmax cross-entropy of class logits [B, C] against int labels [B]
    (or one int for the whole batch, e.g. a ternary discriminator's class):

        L_y = -log softmax(logits)[label]

    the label predictor's loss of DANN (Ganin et al. 2016, eq. 3) and the
    classification loss of ADDA, MDAN and DTN's ternary discriminator."""
    logits = tf.cast(logits, tf.float32)
    labels = tf.broadcast_to(tf.cast(labels, tf.int32), tf.shape(logits)[:1])
    return reduce(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                                  logits=logits))


def class_posterior_divergence(logits, reference_logits, *, reduce=global_mean):
    """KL divergence of a classifier's class posterior on `logits` [B, C]
    from its posterior on `reference_logits` [B, C]:

        KL(p_ref || p) = sum_c p_ref[c] (log p_ref[c] - log p[c]),  p = softmax(logits)

    DTN's f-constancy carried to f's classification head (a project option:
    the paper's L_CONST compares f's features only, Taigman et al. 2017,
    sec. 3): the head should read G(x) as it reads x."""
    log_p = tf.nn.log_softmax(tf.cast(logits, tf.float32))
    log_ref = tf.nn.log_softmax(tf.cast(reference_logits, tf.float32))
    return reduce(tf.reduce_sum(tf.exp(log_ref) * (log_ref - log_p), axis=-1))


def domain_classifier_loss(source_logits, target_logits, *, reduce=global_mean):
    """The domain classifier's loss of DANN (Ganin et al. 2016, eq. 4), with
    source examples labelled 1 and target examples 0, averaged over the two
    halves of the batch:

        L_d = -1/2 [E_s log G_d(f) + E_t log(1 - G_d(f))],  G_d = sigmoid(logits)

    ADDA's adversary (Tzeng et al. 2017, eq. 5) and MDAN's k domain
    classifiers (Zhao et al. 2018) use the same loss."""
    return 0.5 * (reduce(_sigmoid_xent(1.0, source_logits))
                  + reduce(_sigmoid_xent(0.0, target_logits)))


def pose_mask_l1(prediction, target, mask, *, reduce=global_mean):
    """PG2's pose-mask loss (Ma et al. 2017, eq. 1): the L1 error with the
    body mask M_B weighted twice,

        L = mean |(G(I_A, P_B) - I_B) * (1 + M_B)|

    `mask` [B, H, W, 1] in {0, 1} broadcasts over the channels."""
    diff = tf.abs(tf.cast(prediction, tf.float32) - tf.cast(target, tf.float32))
    return reduce(_per_example(diff * (1.0 + tf.cast(mask, tf.float32))))


def replica_sum(value):
    """`value` summed over the replicas in sync, the same on every replica
    (the value itself outside a strategy or on one replica). Gradients flow:
    all_reduce's gradient is the same sum of the upstream gradients."""
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return value
    return context.all_reduce(tf.distribute.ReduceOp.SUM, value)


def _replica_total(value):
    """A global-batch-mean share summed over the replicas: the loss of the
    whole global batch, the same on every replica; no gradient flows."""
    return replica_sum(tf.stop_gradient(tf.cast(value, tf.float32)))


def smoothed_max_combination(per_source, gamma):
    """MDAN-soft (Zhao et al. 2018, eq. 5): the smoothed maximum of the k
    sources' losses L_i = CE_i + mu Dom_i,

        L = 1/gamma log sum_i exp(gamma L_i)

    written as sum_i w_i L_i with w = softmax(gamma L) held constant, whose
    gradient is exactly the log-sum-exp's. `per_source` [k] holds each
    replica's global-batch-mean shares; the weights come from the whole
    global batch's L_i, so they agree on every replica and the surrogate
    sums over replicas like any other loss. Returns (surrogate, weights)."""
    per_source = tf.convert_to_tensor(per_source, tf.float32)
    weights = tf.nn.softmax(gamma * _replica_total(per_source))
    return tf.reduce_sum(weights * per_source), weights


def hard_max_combination(class_losses, domain_losses, mu):
    """MDAN-hard (Zhao et al. 2018, eq. 4): the worst source's
    classification loss and the best-matched source's domain loss,

        L = max_i CE_i + mu min_i Dom_i

    with the maximum and minimum taken over the whole global batch's values
    (see `smoothed_max_combination`), so every replica picks the same
    sources. Returns (loss, index of the max, index of the min)."""
    class_losses = tf.convert_to_tensor(class_losses, tf.float32)
    domain_losses = tf.convert_to_tensor(domain_losses, tf.float32)
    worst = tf.argmax(_replica_total(class_losses))
    closest = tf.argmin(_replica_total(domain_losses))
    return (tf.gather(class_losses, worst) + mu * tf.gather(domain_losses, closest),
            worst, closest)


def izif_loss(images, reconstructions, image_features, reconstruction_features, *,
              feature_weight=1.0, reduce=global_mean):
    """f-AnoGAN's izif encoder loss (Schlegl et al. 2019, eq. 5 with the
    discriminator-feature residual of §2.2.3):

        L(x) = 1/n ||x - G(E(x))||^2 + kappa / n_d ||f(x) - f(G(E(x)))||^2,

    n pixels, n_d features, f an intermediate discriminator layer, kappa =
    `feature_weight` (1 in the paper). Per example, it is also the
    anomaly score of the trained encoder path; `reduce` averages it."""
    pixel = _per_example(tf.square(tf.cast(images, tf.float32)
                                   - tf.cast(reconstructions, tf.float32)))
    feature = _per_example(tf.square(tf.cast(image_features, tf.float32)
                                     - tf.cast(reconstruction_features, tf.float32)))
    return reduce(pixel + feature_weight * feature)


def nmse_loss(prediction, target, *, epsilon=1e-12, reduce=global_mean):
    """Normalised mean squared error of DAGAN (Yang et al. 2018, "DAGAN:
    Deep De-Aliasing Generative Adversarial Networks for Fast Compressed
    Sensing MRI Reconstruction", eq. 7; `g_nmse` of the reference train.py):

        NMSE = ||x_hat - x||_2 / ||x||_2     per example, norms over all pixels

    `epsilon` under both roots keeps the gradient finite at x_hat = x."""
    prediction = tf.cast(prediction, tf.float32)
    target = tf.cast(target, tf.float32)
    axes = tf.range(1, tf.rank(target))
    error = tf.sqrt(tf.reduce_sum(tf.square(prediction - target), axes) + epsilon)
    norm = tf.sqrt(tf.reduce_sum(tf.square(target), axes) + epsilon)
    return reduce(error / norm)


def frequency_loss(prediction, target, *, reduce=global_mean):
    """DAGAN's frequency-domain loss (Yang et al. 2018, eq. 8) as the
    reference code computes it (`fft_abs_for_map_fn` in utils.py):

        L_freq = mean_{u,v,c} (|F(x_hat)|_{u,v,c} - |F(x)|_{u,v,c})^2

    with F the unnormalised 2-D DFT over height and width, so the value
    grows with H x W. The paper writes the squared distance of the complex
    spectra, which by Parseval is the pixel MSE times H x W; the code
    compares magnitudes, which ignores phase, and that is what is used. The
    reference applies it to images scaled to [0, 1]; the caller scales."""
    spectra = tf.abs(fft2(prediction)) - tf.abs(fft2(target))
    return reduce(_per_example(tf.square(spectra)))


def _gradients(images):
    """Forward differences along height and width, as the reflection
    reference's `compute_gradient`."""
    return images[:, 1:, :, :] - images[:, :-1, :, :], images[:, :, 1:, :] - images[:, :, :-1, :]


def exclusion_loss(transmission, reflection, *, levels=3, epsilon=1e-12,
                   reduce=global_mean):
    """The gradient exclusion loss of reflection separation (Zhang, Ng &
    Chen 2018, "Single Image Reflection Separation with Perceptual Losses",
    eqs. 5-6; `compute_exclusion_loss` of the reference main.py): edges of
    the transmission and the reflection layer should not coincide.

        Psi(T, R) = (mean tanh(grad T / 2)^2 * tanh(lambda grad R / 2)^2)^(1/4)
        lambda    = 2 mean|grad T| / mean|grad R|
        L_excl    = 1/2 sum_{d in x, y} 1/levels sum_{n < levels} Psi_d(T down n, R down n)

    where tanh(g / 2) = 2 sigmoid(g) - 1 is the reference's squashing and
    each level halves the images by 2x2 average pooling. lambda balances
    the two layers' gradient magnitudes; the reference takes it over its
    batch (of one image), here per example. `epsilon` keeps the root and
    the ratio finite on flat images."""
    t = tf.cast(transmission, tf.float32)
    r = tf.cast(reflection, tf.float32)
    total = 0.0
    for level in range(levels):
        for grad_t, grad_r in zip(_gradients(t), _gradients(r)):
            scale = 2.0 * _per_example(tf.abs(grad_t)) / (_per_example(tf.abs(grad_r)) + epsilon)
            squashed_t = tf.tanh(grad_t / 2.0)
            squashed_r = tf.tanh(scale[:, None, None, None] * grad_r / 2.0)
            product = _per_example(tf.square(squashed_t) * tf.square(squashed_r))
            total += (product + epsilon) ** 0.25
        if level + 1 < levels:
            t = tf.nn.avg_pool2d(t, 2, 2, "SAME")
            r = tf.nn.avg_pool2d(r, 2, 2, "SAME")
    return reduce(total / (2.0 * levels))


def feature_loss(features, target_features, weights, *, reduce=global_mean):
    """The feature (perceptual) loss of reflection separation (Zhang et al.
    2018, eq. 3):

        L_feat = sum_l w_l mean |Phi_l(x_hat) - Phi_l(x)|

    over the layers l of a feature network, given as two lists of feature
    maps [B, ...] and one weight per layer (the reference weighs the image
    and VGG19 conv1_2 ... conv5_2 by 1, 1/2.6, 1/4.8, 1/3.7, 1/5.6, 10/1.5)."""
    if not len(features) == len(target_features) == len(weights):
        raise UserError(f"feature_loss needs one weight per layer: got {len(features)} "
                        f"and {len(target_features)} feature maps, {len(weights)} weights")
    total = 0.0
    for weight, a, b in zip(weights, features, target_features):
        total += weight * _per_example(tf.abs(tf.cast(a, tf.float32) - tf.cast(b, tf.float32)))
    return reduce(total)


# ------------------------------------------------------------- music
def global_batch_mean(values):
    """The mean of [B, ...] over the global batch (all replicas), [...]:
    each replica's sum and count are summed across replicas (the gradient of
    that sum is the same sum of the upstream gradients)."""
    values = tf.cast(values, tf.float32)
    total = replica_sum(tf.reduce_sum(values, axis=0))
    return total / replica_sum(tf.cast(tf.shape(values)[0], tf.float32))


def feature_matching_loss(real_features, fake_features):
    """Feature matching (Salimans et al. 2016, "Improved Techniques for
    Training GANs", sec. 3.1), as MidiNet's stabiliser (Yang et al. 2017,
    sec. 3.3) and its reference code write it, TF's l2_loss of the
    difference of batch means:

        L_fm = 1/2 || E_x f(x) - E_z f(G(z)) ||_2^2

    with the means over the global batch. Returned as this replica's share
    (the value over the number of replicas), so that the shares sum to
    L_fm like every other loss here. The real side carries no gradient."""
    difference = (global_batch_mean(fake_features)
                  - tf.stop_gradient(global_batch_mean(real_features)))
    return replica_share(0.5 * tf.reduce_sum(tf.square(difference)))
