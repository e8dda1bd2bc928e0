"""What every text-to-image GAN shares (`TextConditionalModel`): the wrong
text the matching-aware discriminator sees, its step and G's loss by hand
with StackGAN-v2's unconditional head and TAC-GAN's auxiliary classifier,
caption interpolation, the errors for unusable data and captions, and every
registered text model over a pretrained sentence encoder on two replicas.
"""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import losses, registry
from tfgan_zoo.data import shapes
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.text2image.base import Captions, TextConditionalModel
from tfgan_zoo.models.text2image.gan_int_cls import GANINTCLS
from tfgan_zoo.models.text2image.stackgan import StackGAN
from tfgan_zoo.text import tokenizer
from tests.support.bert import make_model_folder
from tests.support.models import assert_finite_losses, build, fit

TEXT_MODELS = [n for n in registry.model_names()
               if issubclass(registry.get_model_class(n), TextConditionalModel)]


def gan_int_cls(**kwargs):
    return GANINTCLS(image_shape=(16, 16, 3), seed=0, latent_dim=4,
                     **{**GANINTCLS.test_config, **kwargs})


def stackgan_stage1(**kwargs):
    return StackGAN(image_shape=(4, 4, 3), seed=0, latent_dim=4,
                    **{**StackGAN.test_config, "stage": 1, **kwargs})


def _softplus(x):
    return np.log1p(np.exp(x))


# ------------------------------------------------------------ wrong text
@pytest.mark.parametrize("mismatch", ["random", "hardest"])
def test_wrong_text_is_another_kind_of_scene(mismatch):
    """The matching-aware D's wrong text: "random" is the batch rolled by
    one; "hardest" the closest embedding among captions of other classes."""
    model = gan_int_cls(mismatch=mismatch)
    model.embed_tokens = lambda tokens: tf.cast(tokens[:, :2], tf.float32)  # readable
    tokens = tf.constant([[[1, 0]], [[1, 1]], [[0, 1]], [[1, 0]]])  # one caption each
    classes = tf.constant([0, 1, 2, 0])
    captions = model.captions({"tokens": tokens, "class": classes})
    right, wrong = captions.right.numpy(), captions.wrong.numpy()
    if mismatch == "random":
        np.testing.assert_array_equal(wrong, np.roll(right, 1, 0))
        np.testing.assert_array_equal(captions.mismatch, [0, 1, 1, 1])  # 0 after 3: same class
    else:
        # (1,0) is closest to (1,1), of class 1; (1,1) to (1,0), of class 0
        np.testing.assert_array_equal(wrong, [[1, 1], [1, 0], [1, 1], [1, 1]])
        np.testing.assert_array_equal(captions.mismatch, [1, 1, 1, 1])


def test_contrast_wrong_text_is_a_contrast_caption_or_the_rolled_batch():
    """mismatch="contrast": each example's wrong text is its contrast
    caption (always a true mismatch) or, for the rest, the batch rolled by
    one; both kinds occur. Without contrast captions: a clear error."""
    model = gan_int_cls(mismatch="contrast")
    model.embed_tokens = lambda tokens: tf.cast(tokens[:, :2], tf.float32)  # readable
    n = 64
    tokens = np.stack([np.arange(n), np.zeros(n)], 1).astype("int32")[:, None]
    features = {"tokens": tf.constant(tokens), "contrast_tokens": tf.constant(-tokens - 1),
                "class": tf.constant(np.arange(n) // 2)}
    captions = model.captions(features)
    right, wrong = captions.right.numpy(), captions.wrong.numpy()
    contrast = wrong[:, 0] < 0
    np.testing.assert_array_equal(wrong[contrast], -right[contrast] - 1)
    np.testing.assert_array_equal(wrong[~contrast], np.roll(right, 1, 0)[~contrast])
    assert 0.25 < contrast.mean() < 0.75
    rolled_same = (np.arange(n) // 2) == (np.roll(np.arange(n), 1) // 2)
    np.testing.assert_array_equal(captions.mismatch, contrast | ~rolled_same)
    del features["contrast_tokens"]
    with pytest.raises(UserError, match="--mismatch random"):
        model.captions(features)


def test_unknown_mismatch_is_refused():
    with pytest.raises(UserError, match="'random', 'hardest' or 'contrast'"):
        GANINTCLS(image_shape=(16, 16, 3), mismatch="hard", **GANINTCLS.test_config)


# ------------------------------------------------- D's step and G's loss
def _record_minimize(model, discriminator):
    """Replace D and the optimizer step: the step's loss is recorded."""
    seen = []
    model.discriminator = discriminator
    model.minimize = lambda optimizer, tape, loss, networks: seen.append(float(loss))
    model.d_optimizer = None
    return seen


def test_matching_discriminator_step_with_unconditional_head_by_hand():
    """D's loss of a step: the matching-aware terms on the conditional
    logits plus StackGAN-v2's unconditional terms at their weight."""
    model = stackgan_stage1(unconditional_weight=0.5, discriminator="matching")
    assert len(model.discriminator.outputs) == 2
    kernel = np.linspace(-1, 1, 48).reshape(1, 4, 4, 3).astype("float32")

    def discriminator(inputs, training):  # conditional: <k, x> + sum(text); unconditional: mean(x)
        image, text = inputs
        return [tf.reduce_sum(image * kernel, [1, 2, 3]) + tf.reduce_sum(text, 1),
                tf.reduce_mean(image, [1, 2, 3])]

    seen = _record_minimize(model, discriminator)
    real = tf.constant(np.full((2, 4, 4, 3), 0.5, "float32"))
    fake = tf.constant(np.full((2, 4, 4, 3), -0.25, "float32"))
    text = Captions(right=tf.constant([[1.0], [-1.0]]), wrong=tf.constant([[0.0], [2.0]]),
                    mismatch=tf.constant([1.0, 1.0]), tokens=None)
    model.matching_discriminator_step(real, fake, text)
    k = kernel.sum()
    right, wrong, made = 0.5 * k + np.array([1, -1]), 0.5 * k + np.array([0, 2]), \
        -0.25 * k + np.array([1, -1])
    matching = np.mean(_softplus(-right) + 0.5 * (_softplus(wrong) + _softplus(made)))
    unconditional = _softplus(-0.5) + _softplus(-0.25)
    assert seen[0] == pytest.approx(matching + 0.5 * unconditional, rel=1e-5)
    # G: non-saturating on both heads, the unconditional one weighted.
    g = model.generator_adversarial_loss(discriminator([fake, text.right], True))
    assert float(g) == pytest.approx(np.mean(_softplus(-made)) + 0.5 * _softplus(0.25), rel=1e-5)


def test_auxiliary_classifier_in_the_steps_by_hand():
    """With `auxiliary_weight`, D adds its classifier's loss on the real
    images and G the same loss on its images, both against the caption's
    attributes and at that weight."""
    model = stackgan_stage1(auxiliary_weight=0.5)
    assert model.discriminator.outputs[1].shape[-1] == sum(shapes.ATTRIBUTE_CLASSES)
    width = sum(shapes.ATTRIBUTE_CLASSES)

    def discriminator(inputs, training):  # logit: mean(x); classes: mean(x) * ramp
        image = inputs[0]
        mean = tf.reduce_mean(image, [1, 2, 3])
        ramp = tf.range(width, dtype=tf.float32)
        return [mean + tf.reduce_sum(inputs[1], 1), mean[:, None] * ramp]

    seen = _record_minimize(model, discriminator)
    real = tf.fill((2, 4, 4, 3), 0.5)
    fake = tf.fill((2, 4, 4, 3), -0.25)
    labels = tf.constant([[0, 1, 2, 1, -1, -1, -1], [1, 5, 3, 0, 2, 0, 1]])
    text = Captions(right=tf.constant([[1.0], [-1.0]]), wrong=tf.constant([[0.0], [2.0]]),
                    mismatch=tf.constant([1.0, 1.0]), tokens=None, labels=labels)
    model.matching_discriminator_step(real, fake, text)
    right, wrong, made = 0.5 + np.array([1, -1]), 0.5 + np.array([0, 2]), -0.25 + np.array([1, -1])
    matching = np.mean(_softplus(-right) + 0.5 * (_softplus(wrong) + _softplus(made)))
    ramp = np.arange(width, dtype="float32")
    classify = lambda value: float(losses.auxiliary_classifier_loss(  # noqa: E731
        np.tile(value * ramp, (2, 1)), labels, shapes.ATTRIBUTE_CLASSES))
    assert seen[0] == pytest.approx(matching + 0.5 * classify(0.5), rel=1e-5)
    g = model.generator_adversarial_loss(discriminator([fake, text.right], True), text)
    assert float(g) == pytest.approx(np.mean(_softplus(-made)) + 0.5 * classify(-0.25),
                                     rel=1e-5)


def test_projection_discriminator_step_shares_the_real_trunk():
    """With a projection discriminator the step runs D's image trunk once on
    the real batch for both captions: the loss and every gradient are those
    of three whole passes of D."""
    model = stackgan_stage1(discriminator="projection", auxiliary_weight=1.0)
    model.build_networks()
    trunk, head = model.split_discriminator()
    assert gan_int_cls().split_discriminator() is None  # matching-aware: the text is tiled
    rng = np.random.default_rng(0)
    real, fake = (tf.constant(rng.uniform(-1, 1, (4, 4, 4, 3)).astype("float32"))
                  for _ in range(2))
    right, wrong = (tf.constant(rng.normal(size=(4, 16)).astype("float32")) for _ in range(2))
    labels = tf.constant([[0, 1, 2, 1, -1, -1, -1]] * 2 + [[1, 5, 3, 0, 2, 0, 1]] * 2)
    text = Captions(right, wrong, tf.constant([1.0, 0.0, 1.0, 1.0]), None, labels)
    d = model.discriminator
    results = []
    for split in (False, True):
        with tf.GradientTape() as tape:
            if split:
                real_features = trunk(real, training=True)
                outputs = (head([real_features, right], training=True),
                           head([real_features, wrong], training=True),
                           head([trunk(fake, training=True), right], training=True))
            else:
                outputs = (d([real, right], training=True), d([real, wrong], training=True),
                           d([fake, right], training=True))
            loss = model.discriminator_loss(*outputs, text)
        results.append((float(loss), tape.gradient(loss, d.trainable_variables)))
    assert results[0][0] == pytest.approx(results[1][0], rel=1e-5)
    for whole, shared in zip(results[0][1], results[1][1]):
        np.testing.assert_allclose(whole, shared, rtol=1e-4, atol=1e-6)
    seen = []
    model.minimize = lambda optimizer, tape, loss, networks: seen.append(float(loss))
    model.d_optimizer = None
    model.matching_discriminator_step(real, fake, text)  # the step takes the shared path
    assert seen[0] == pytest.approx(results[1][0], rel=1e-4)


def test_auxiliary_classifier_needs_labels():
    model = stackgan_stage1(auxiliary_weight=1.0)
    _, features = model.example_data(4)
    del features["attributes"]  # as a CUB / Oxford-102 batch
    with pytest.raises(UserError, match="needs a dataset with attribute labels"):
        model.captions({k: tf.constant(v) for k, v in features.items()})
    with pytest.raises(UserError, match="auxiliary-weight must be a finite loss weight >= 0"):
        StackGAN(image_shape=(4, 4, 3), auxiliary_weight=-1, **StackGAN.test_config)


# ------------------------------------------------------------- captions
def test_interpolation_between_captions_ends_at_both_captions():
    model = gan_int_cls()
    path = model.interpolate_captions("a small red circle", "a large blue square", 5)
    ends = [model.sample(1, seed=0, text=t)[0] for t in ("a small red circle",
                                                         "a large blue square")]
    np.testing.assert_allclose(path[0], ends[0], atol=1e-5)
    np.testing.assert_allclose(path[-1], ends[1], atol=1e-5)


@pytest.mark.parametrize("caption, message", [
    ("", "empty caption"), ("   ", "empty caption"),
    ("zebra quantum xylophone", "no word the text encoder knows")])
def test_bad_captions_are_one_line_errors(caption, message):
    with pytest.raises(UserError, match=message):
        tokenizer.tokenize([caption], shapes.VOCABULARY, shapes.MAX_LENGTH)
    with pytest.raises(UserError, match=message) as info:
        stackgan_stage1().sample(1, text=caption)
    assert "\n" not in str(info.value)


def test_text_model_refuses_unlabelled_data():
    with pytest.raises(UserError, match="captioned images"):
        stackgan_stage1().unpack((tf.zeros((2, 4, 4, 3)), tf.zeros((2,), tf.int32)))


# ------------------------------------------------ over a sentence encoder
@pytest.fixture(scope="module")
def bert_folder(tmp_path_factory):
    return make_model_folder(tmp_path_factory.mktemp("bert") / "tiny")[0]


@pytest.mark.parametrize("name", TEXT_MODELS)
def test_text_models_over_a_sentence_encoder_on_two_replicas(name, mirrored, bert_folder):
    model = build(name, mirrored, sentence_encoder=str(bert_folder))
    assert model.embedding_dim == 8  # the sentence model's size
    assert_finite_losses(fit(model), model)
