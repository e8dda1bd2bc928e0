"""Losses of the text-to-image GANs, as pure functions (see tfgan_zoo.losses).

Each takes logits [B] or [B, ...] and hands a per-example [B] vector to
`reduce` (models pass the global-batch mean).
"""

import tensorflow as tf


def _xent(label, logits):
    logits = tf.cast(logits, tf.float32)
    logits = tf.reshape(logits, [tf.shape(logits)[0], -1])
    labels = tf.fill(tf.shape(logits), label)
    return tf.reduce_mean(
        tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits), 1)


def matching_aware_discriminator_loss(real_right, real_wrong, fake_right, *,
                                      mismatch=None, reduce=tf.reduce_mean):
    """The matching-aware discriminator of GAN-CLS (Reed et al. 2016,
    "Generative Adversarial Text to Image Synthesis", Algorithm 1), also
    StackGAN's (Zhang et al. 2017, sec. 3):

        L_D = -[ log D(x, h) + 1/2 (log(1 - D(x, h_wrong)) + log(1 - D(G(z, h), h))) ]

    a real image with its own text is real; a real image with mismatched
    text, and a fake with the right text, are fake. `mismatch` [B] (0 or 1)
    drops the wrong-text term where the "wrong" caption in fact describes
    the same kind of image.
    """
    wrong = _xent(0.0, real_wrong)
    if mismatch is not None:
        wrong = wrong * tf.cast(tf.reshape(mismatch, [-1]), tf.float32)
    return reduce(_xent(1.0, real_right) + 0.5 * (wrong + _xent(0.0, fake_right)))


def semantic_synthesis_discriminator_loss(real_right, real_wrong, fake_relevant, *,
                                          mismatch=None, reduce=tf.reduce_mean):
    """Discriminator of semantic image synthesis (Dong et al. 2017, "Semantic
    Image Synthesis via Adversarial Learning", sec. 3.2):

        L_D = -[ log D(x, t) + log(1 - D(x, t_hat)) + log(1 - D(G(x, t_hat), t_hat)) ]

    matching text is real; mismatched text, and the generator's edit of x
    for the relevant text t_hat, are fake. `mismatch` [B] drops the second
    term where t_hat in fact describes x.
    """
    wrong = _xent(0.0, real_wrong)
    if mismatch is not None:
        wrong = wrong * tf.cast(tf.reshape(mismatch, [-1]), tf.float32)
    return reduce(_xent(1.0, real_right) + wrong + _xent(0.0, fake_relevant))


def auxiliary_classifier_loss(logits, labels, classes, *, reduce=tf.reduce_mean):
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
