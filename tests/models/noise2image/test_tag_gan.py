"""The tag GAN: DRAGAN's penalty and the multi-label tag loss by hand,
sampling by tag names, one-line errors for data without tags, and the
averaged generator's batch norm re-estimated on drawn tags."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import losses, registry
from tfgan_zoo.data import cartoon_faces as faces
from tfgan_zoo.errors import UserError
from tests.support.models import build, dataset

SMALL = dict(image_shape=(16, 16, 3), latent_dim=8, ngf=8, ndf=8, residual_blocks=1,
             seed=0)


def test_dragan_penalty_of_a_linear_critic_by_hand():
    """D(x) = <w, x>: the gradient is w wherever the penalty looks, so the
    penalty is (||w|| - 1)^2 whatever the perturbation."""
    w = tf.constant(np.random.default_rng(0).normal(size=(1, 4, 4, 3)), tf.float32)
    critic = lambda x: tf.reduce_sum(x * w, axis=[1, 2, 3])  # noqa: E731
    real = tf.random.stateless_uniform((5, 4, 4, 3), [1, 2], -1, 1)
    penalty = losses.dragan_penalty(critic, real, seed=tf.constant([3, 4]))
    assert float(penalty) == pytest.approx((np.linalg.norm(w) - 1) ** 2, rel=1e-5)


def test_dragan_perturbs_real_data_by_half_its_std():
    """x_hat lies between x and x + 0.5 std(x) u: a critic that records its
    input sees nothing outside that box."""
    seen = []

    def critic(x):
        seen.append(x)
        return tf.reduce_sum(x, axis=[1, 2, 3])
    real = tf.random.stateless_normal((6, 4, 4, 1), [5, 6])
    losses.dragan_penalty(critic, real, seed=tf.constant([7, 8]))
    offset = seen[0].numpy() - real.numpy()
    assert offset.min() >= 0 and offset.max() <= 0.5 * float(tf.math.reduce_std(real)) + 1e-6
    assert offset.max() > 0


def test_multilabel_loss_by_hand():
    logits = np.array([[2.0, -1.0, 0.0], [0.5, 0.5, -3.0]], "float32")
    targets = np.array([[1, 0, 1], [0, 1, 0]], "float32")
    p = 1 / (1 + np.exp(-logits.astype(np.float64)))
    expected = -(targets * np.log(p) + (1 - targets) * np.log(1 - p)).sum(1).mean()
    assert float(losses.multilabel_loss(logits, targets)) == pytest.approx(expected, rel=1e-6)


def test_sample_by_tag_names():
    model = registry.build_model("tag_gan", **SMALL, num_classes=len(faces.TAGS))
    model.build_networks()
    assert model.generator_input_spec()["tags"].shape[1:] == [len(faces.TAGS)]
    images = model.sample(3, tags=["blue hair", "red eyes"])
    assert images.shape == (3, 16, 16, 3)
    vector = faces.encode_tags(["blue hair", "red eyes"], seed=0)
    np.testing.assert_allclose(images[:1], model.sample(1, tags=vector[None]), atol=1e-6)
    with pytest.raises(UserError, match="unknown tag 'silver hair'"):
        model.sample(2, tags=["silver hair"])


@pytest.mark.parametrize("kwargs, message", [
    ({"num_classes": 10}, "needs a tagged dataset whose labels have 14 entries"),
    ({"gp_weight": -1.0}, "--gp-weight must be a finite loss weight >= 0"),
    ({"tag_groups": (3, 0)}, "tag_groups must be sizes >= 1"),
    ({"image_shape": (28, 28, 1)}, "multiple of 16"),
])
def test_bad_settings(kwargs, message):
    with pytest.raises(UserError, match=message):
        registry.build_model("tag_gan", **{**SMALL, **kwargs})


def test_class_labels_are_refused():
    model = registry.build_model("tag_gan", **SMALL)
    with pytest.raises(UserError, match="e.g. --dataset cartoon_faces"):
        model.unpack((tf.zeros((2, 16, 16, 3)), tf.constant([1, 2])))


def bce(logits, targets):
    """Sigmoid cross-entropy per entry, by hand (float64)."""
    p = 1 / (1 + np.exp(-np.asarray(logits, np.float64)))
    return -(targets * np.log(p) + (1 - targets) * np.log(1 - p))


def faces_and_tags():
    """Four random "real" and four "fake" 16 px faces and four drawn tag vectors."""
    rng = np.random.default_rng(3)
    real = tf.constant(rng.uniform(-1, 1, (4, 16, 16, 3)), tf.float32)
    fake = tf.constant(rng.uniform(-1, 1, (4, 16, 16, 3)), tf.float32)
    return real, fake, faces.sample_tags(4, seed=5)


def test_discriminator_reads_the_asked_tags_on_fakes_too():
    """L_cls(D) (Jin et al.; AC-GAN's L_C) is the tag loss on the real faces
    plus the tag loss on the fakes against the tags G was asked for; with
    lambda_gp = 0 the whole of D's loss is checked by hand."""
    model = registry.build_model("tag_gan", **SMALL, num_classes=len(faces.TAGS),
                                 gp_weight=0.0)
    model.build_networks()
    real, fake, tags = faces_and_tags()

    real_logit, real_tags = (t.numpy() for t in model.discriminator(real))
    fake_logit, fake_tags = (t.numpy() for t in model.discriminator(fake))
    tag_loss = bce(real_tags, tags).sum(1).mean() + bce(fake_tags, tags).sum(1).mean()
    adversarial = bce(real_logit, 1).mean() + bce(fake_logit, 0).mean()
    d_loss, logs = model.critic_loss(real, fake, tags)
    assert float(logs["d_tag_loss"]) == pytest.approx(tag_loss, rel=1e-5)
    assert float(d_loss) == pytest.approx(len(faces.TAGS) * adversarial + tag_loss, rel=1e-5)


def test_ema_batch_norm_is_recalibrated_on_drawn_tags():
    """The tag input has no prior the shared sampler reads, so the tag GAN
    draws its calibration tags itself; the averaged G's first batch norm
    then holds the mean of the batch moments of its input, by hand."""
    model = registry.build_model("tag_gan", **SMALL, num_classes=len(faces.TAGS),
                                 ema_decay=0.5, ema_bn_recalibrate=2)
    model.build_networks()
    batches = model.calibration_batches(2, batch_size=32)
    for batch in batches:
        tags = batch["tags"].numpy()
        for start, stop in faces.group_slices()[:2]:
            np.testing.assert_array_equal(tags[:, start:stop].sum(1), 1.0)
        assert batch["z"].shape == (32, 8)
    assert not np.array_equal(batches[0]["tags"], batches[1]["tags"])
    first = [layer for layer in model.generator_ema._flatten_layers(include_self=False)
             if isinstance(layer, keras.layers.BatchNormalization)][0]
    before = keras.Model(model.generator_ema.inputs, first.input)
    moments = [before([b["z"], b["tags"]]).numpy().astype(np.float64)
               for b in model.calibration_batches(2)]
    assert model.recalibrate_ema()
    np.testing.assert_allclose(first.moving_mean.numpy(),
                               np.mean([m.mean((0, 1, 2)) for m in moments], 0),
                               rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(first.moving_variance.numpy(),
                               np.mean([m.var((0, 1, 2)) for m in moments], 0),
                               rtol=1e-4, atol=1e-6)


def test_real_only_tag_head_is_what_g_reads_and_d_trains_on_real_faces():
    """g_tag_head="real": D's loss adds the second head's tag loss on the
    real faces only (by hand, lambda_gp = 0), and G's tag loss reads that
    head: with both heads' kernels zeroed, the AC head's biases at +5 and
    the real-only head's at -5, one training step logs G's tag loss at
    the real-only head's value (one D update moves the logits by ~1e-2)."""
    model = registry.build_model("tag_gan", **SMALL, num_classes=len(faces.TAGS),
                                 gp_weight=0.0, g_tag_head="real")
    model.build_networks()
    assert len(model.discriminator.outputs) == 3
    real, fake, tags = faces_and_tags()

    _, real_tags, real_only = (t.numpy() for t in model.discriminator(real))
    _, fake_tags, _ = (t.numpy() for t in model.discriminator(fake))
    expected = (bce(real_tags, tags).sum(1).mean() + bce(fake_tags, tags).sum(1).mean()
                + bce(real_only, tags).sum(1).mean())
    _, logs = model.critic_loss(real, fake, tags)
    assert float(logs["d_tag_loss"]) == pytest.approx(expected, rel=1e-5)

    model = build("tag_gan", gp_weight=0.0, g_tag_head="real")
    for name, bias in (("tag_logits", 5.0), ("real_tag_logits", -5.0)):
        head = model.discriminator.get_layer(name)
        head.kernel.assign(tf.zeros_like(head.kernel))
        head.bias.assign(tf.fill(head.bias.shape, bias))
    batch = next(iter(dataset(model)))
    logs = model.train_step(batch)  # eagerly: one D update, then G's loss
    batch_tags = batch[1].numpy()
    read_real_only = bce(np.full(batch_tags.shape, -5.0), batch_tags).sum(1).mean()
    read_shared = bce(np.full(batch_tags.shape, 5.0), batch_tags).sum(1).mean()
    assert abs(read_real_only - read_shared) > 4
    assert float(np.ravel(logs["g_tag_loss"])[0]) == pytest.approx(read_real_only, abs=0.5)


def test_bad_g_tag_head():
    with pytest.raises(UserError, match="--g-tag-head must be one of shared, real"):
        registry.build_model("tag_gan", **SMALL, num_classes=len(faces.TAGS),
                             g_tag_head="fake")
