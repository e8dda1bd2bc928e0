"""Text-to-image: the captioned shapes dataset, the text encoder, StackGAN's
stages, string-in SavedModel, embedding-in TFLite, the recipe's phases and
the errors a user can meet. The registry tests (test_models, test_export)
cover build, train steps under 1 and 2 replicas, config round trip and
export parity for every registered text model as well.
"""

import json
import re

import numpy as np
import pytest
import tensorflow as tf
import keras

from tfgan_zoo.errors import UserError
from tfgan_zoo.data import captions as cub, shapes
from tfgan_zoo.text import encoder
from tfgan_zoo.evaluation import faithfulness
from tfgan_zoo.reports.text2image import captioned_grid

TINY = {"latent_dim": 4, "condition_dim": 4, "discriminator_condition_dim": 4,
        "embedding_dim": 8, "word_dim": 4, "text_hidden": 4, "ngf": 4, "ndf": 4,
        "stage1_ngf": 4, "residual_blocks": 1}


# ------------------------------------------------------------------ dataset
def test_scenes_are_deterministic_per_seed():
    a, b = shapes.make_scenes(40, seed=3), shapes.make_scenes(40, seed=3)
    for field in ("attributes", "bbox", "captions", "classes"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.attributes, shapes.make_scenes(40, seed=4).attributes)
    np.testing.assert_array_equal(shapes.render(a, 16), shapes.render(b, 16))


def _pairs(attributes):
    pairs = {(a[1], a[2]) for a in attributes}
    pairs |= {(a[4], a[5]) for a in attributes if a[0] > 0}
    return {(shapes.COLOUR_NAMES[c], shapes.SHAPES[s]) for c, s in pairs}


def test_held_out_pairs_never_in_train_or_test():
    held = set(shapes.HELD_OUT)
    for split in ("train", "test"):
        seen = _pairs(shapes.make_scenes(3000, split=split).attributes)
        assert not seen & held, split
        assert len(seen) == 6 * 4 - len(held)  # every other pair does occur
    heldout = shapes.make_scenes(300, split="heldout").attributes
    for a in heldout:  # every held-out scene has a held-out object
        objects = {(shapes.COLOUR_NAMES[a[1]], shapes.SHAPES[a[2]])}
        if a[0] > 0:
            objects.add((shapes.COLOUR_NAMES[a[4]], shapes.SHAPES[a[5]]))
        assert objects & held


def test_contrast_scenes_differ_by_one_edit():
    """A contrast scene swaps two different objects or changes one object's
    colour, shape or size; it never makes a held-out pair in train/test."""
    scenes = shapes.make_scenes(600, seed=2)
    edited = shapes.contrast_attributes(scenes.attributes, np.random.default_rng(0))
    assert (shapes.scene_class(edited) != scenes.classes).all()
    kinds = set()
    for a, e in zip(scenes.attributes, edited):
        changed = np.flatnonzero(a != e)
        if a[0] and (e[1:4] == a[4:7]).all() and (e[4:7] == a[1:4]).all():
            kinds.add("swap")
        else:
            assert len(changed) == 1 and changed[0] != 0, (a, e)  # one attribute
            kinds.add(shapes.ATTRIBUTES[changed[0]][:-1])
    assert kinds == {"swap", "colour", "shape", "size"}
    assert not _pairs(edited) & set(shapes.HELD_OUT)
    captions = shapes.contrast_captions(scenes.attributes[:20], seed=1)
    assert captions.shape == (20, shapes.CAPTIONS)
    np.testing.assert_array_equal(
        captions, shapes.contrast_captions(scenes.attributes[:20], seed=1))
    for own, contrast in zip(scenes.captions, captions):  # never the scene's own caption
        assert not set(own) & set(contrast)


OBJECT = re.compile(r"(small|large) (%s) (%s)" % ("|".join(shapes.COLOURS),
                                                  "|".join(shapes.SHAPES)))


def _object(a, slot):
    return (shapes.SIZES[a[3 + 3 * slot]], shapes.COLOUR_NAMES[a[1 + 3 * slot]],
            shapes.SHAPES[a[2 + 3 * slot]])


def test_captions_describe_the_scene_and_image():
    scenes = shapes.make_scenes(200, seed=5)
    images = shapes.render(scenes, 32)
    for a, box, captions, image in zip(scenes.attributes, scenes.bbox, scenes.captions, images):
        assert len(set(captions)) == shapes.CAPTIONS
        for caption in captions:
            if a[0] == 0:
                assert set(caption.split()) >= set(_object(a, 0)), caption
                continue
            found = [m.groups() for m in OBJECT.finditer(caption)]
            if not found:  # "a green circle that is small"
                continue
            assert len(found) == 2 and set(found) <= {_object(a, 0), _object(a, 1)}
            # The subject of the relation: second in "a B with a A above it"
            # and "above a B there is a A", first otherwise.
            second = " with a " in caption or caption.startswith(("above", "below", "to the"))
            subject = found[1] if second else found[0]
            first_slot = any(w in caption for w in ("above", "left"))
            assert subject == _object(a, 0 if first_slot else 1), caption
        for slot in range(1 if a[0] == 0 else 2):  # the box centre has the colour
            y0, x0, y1, x1 = box[slot]
            pixel = image[int((y0 + y1) / 2 * 32), int((x0 + x1) / 2 * 32)]
            colour = shapes.COLOURS[shapes.COLOUR_NAMES[a[1 + 3 * slot]]]
            assert np.abs(pixel.astype(int) - colour).max() < 40


def test_dataset_pipeline_and_tokens():
    from tfgan_zoo.data import load_dataset
    data = load_dataset("shapes_captions:64", batch_size=8, image_size=16, shuffle=False)
    images, features = next(iter(data.dataset))
    assert data.image_shape == (16, 16, 3) and images.shape == (8, 16, 16, 3)
    assert float(tf.reduce_min(images)) >= -1 and float(tf.reduce_max(images)) <= 1
    assert features["tokens"].shape == (8, shapes.CAPTIONS, shapes.MAX_LENGTH)
    assert features["tokens"].dtype == tf.int32
    assert features["contrast_tokens"].shape == features["tokens"].shape
    assert features["attributes"].shape == (8, 7) and features["bbox"].shape == (8, 2, 4)
    scenes = shapes.generate(64, 16)
    words = ("", "[UNK]") + shapes.VOCABULARY
    decoded = " ".join(words[i] for i in features["tokens"][0, 0].numpy() if i)
    assert decoded == scenes.captions[0, 0]
    with pytest.raises(UserError, match="splits"):
        load_dataset("shapes_captions:8", batch_size=4, split="validation")


# ------------------------------------------------------------- text encoder
def test_contrast_loss_by_hand():
    image = tf.constant([[1.0, 0.0], [0.0, 2.0]])
    text = tf.constant([[2.0, 0.0], [0.0, 1.0]])      # right scores 2, 2
    contrast = tf.constant([[1.5, 5.0], [0.0, 2.0]])  # contrast scores 1.5, 4
    loss, won = encoder.contrast_loss(image, text, contrast)
    assert float(loss) == pytest.approx(((1 + 1.5 - 2) + (1 + 4 - 2)) / 2)
    assert float(won) == pytest.approx(0.5)


def test_joint_embedding_trains_with_contrast_captions():
    """With `contrast`, a step reads contrast_tokens and tracks how often the
    image's own caption beats the contrast caption; without them, a clear
    error."""
    from tfgan_zoo.data import load_dataset
    keras.utils.set_random_seed(0)
    data = load_dataset("shapes_captions:32", batch_size=16, image_size=16, shuffle=False)
    model = encoder.JointEmbedding(image_shape=(16, 16, 3), vocabulary=shapes.VOCABULARY,
                                   word_dim=4, text_hidden=4, embedding_dim=4,
                                   image_width=4, contrast=True, seed=0)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    logs = model.fit(data.dataset.take(2), epochs=1, verbose=0, shuffle=False).history
    assert set(logs) == {"loss", "retrieval", "contrast"}
    assert np.isfinite(logs["loss"][0]) and 0 <= logs["contrast"][0] <= 1
    images, features = next(iter(data.dataset))
    del features["contrast_tokens"]
    with pytest.raises(UserError, match="contrast_tokens"):
        model.train_step((images, features))


def test_text_encoder_loss_decreases_on_a_tiny_batch():
    keras.utils.set_random_seed(0)
    data = shapes.generate(16, 16, 1, "train")
    tokens = encoder.tokenize(data.captions[:, 0], shapes.VOCABULARY, shapes.MAX_LENGTH)
    images = tf.constant(data.images / 127.5 - 1, tf.float32)
    model = encoder.JointEmbedding(image_shape=(16, 16, 3), vocabulary=shapes.VOCABULARY,
                                   word_dim=8, text_hidden=8, embedding_dim=8, image_width=8)
    optimizer = keras.optimizers.Adam(3e-3)
    classes = tf.constant(data.classes)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss, _ = encoder.joint_embedding_loss(*model((images, tokens), training=True),
                                                   classes)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    model.build_networks()
    optimizer.build(model.trainable_variables)
    losses = [float(step()) for _ in range(30)]
    assert losses[-1] < 0.5 * losses[0], losses


def test_joint_embedding_loss_by_hand():
    image = tf.constant([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    text = tf.constant([[2.0, 0.0], [0.1, 0.5], [0.0, 0.0]])
    # scores[i, t] = [[2, .1, 0], [0, .5, 0], [2, .6, 0]], right = [2, .5, 0].
    # Examples 0 and 2 share a class: only pairs with example 1 are negatives.
    loss, hit = encoder.joint_embedding_loss(image, text, tf.constant([0, 1, 0]))
    image_term = [0.0, (1 + 0 - .5) + (1 + 0 - .5), 1 + .6 - 0]      # [0, 1, 1.6]
    text_term = [0.0, (1 + .1 - .5) + (1 + .6 - .5), 1 + 0 - 0]      # [0, 1.7, 1]
    expected = np.mean([(i + t) / 2 for i, t in zip(image_term, text_term)])
    assert float(loss) == pytest.approx(expected) == pytest.approx(0.88333333)
    # Best image per caption: 0 (class 0, right), 2 (class 0, wrong), 0 (right).
    assert float(hit) == pytest.approx(2 / 3)


@pytest.mark.parametrize("caption, message", [
    ("", "empty caption"), ("   ", "empty caption"),
    ("zebra quantum xylophone", "no word the text encoder knows")])
def test_bad_captions(caption, message):
    with pytest.raises(UserError, match=message):
        encoder.tokenize([caption], shapes.VOCABULARY, shapes.MAX_LENGTH)
    with pytest.raises(UserError, match=message):
        stackgan(1).sample(1, text=caption)


# ---------------------------------------------------------------- StackGAN
def stackgan(stage, size=16, **kwargs):
    from tfgan_zoo.models.text2image.stackgan import StackGAN
    return StackGAN(stage=stage, image_shape=(size, size, 3), seed=0, **{**TINY, **kwargs})


def test_stage2_is_four_times_stage1_and_sizes_are_checked():
    model = stackgan(2, 32)
    assert model.stage1_generator.outputs[0].shape[1:] == (8, 8, 3)
    assert model.sample_stage1(2, text="a small red circle").shape == (2, 8, 8, 3)
    assert model.sample(2, text="a small red circle").shape == (2, 32, 32, 3)
    with pytest.raises(UserError, match="power-of-two"):
        stackgan(2, 8)
    with pytest.raises(UserError, match="power-of-two"):
        stackgan(1, 24)


def test_upscale_2_makes_stage2_twice_stage1():
    model = stackgan(2, 32, upscale=2, unconditional_weight=1.0)
    assert model.stage1_generator.outputs[0].shape[1:] == (16, 16, 3)
    assert model.sample_stage1(2, text="a small red circle").shape == (2, 16, 16, 3)
    assert model.sample(2, text="a small red circle").shape == (2, 32, 32, 3)
    # A two-headed D; `discriminate` gives the text-conditional logit.
    logits = model.discriminate(tf.zeros((2, 32, 32, 3)),
                                {"text": tf.constant(["a red cross"] * 2)})
    assert logits.shape == (2, 1)
    with pytest.raises(UserError, match="at least 8, got 4x4"):
        stackgan(2, 4, upscale=2)
    with pytest.raises(UserError, match="upscale must be 2 or 4"):
        stackgan(2, 32, upscale=3)
    with pytest.raises(UserError, match="unconditional_weight must be 0 or more"):
        stackgan(1, unconditional_weight=-1)


def test_film_up_block_by_hand():
    """FiLM: the up block's batch norm, with no scale or shift of its own,
    is scaled by 1 + gamma(c) and shifted by beta(c) per channel; gamma
    starts at zero, so a new block begins as an unscaled plain one."""
    from keras import layers
    from tfgan_zoo.networks.text import up_block
    x_in, c_in = keras.Input((2, 2, 3)), keras.Input((4,))
    block = keras.Model([x_in, c_in], up_block(x_in, 5, c_in))
    conv, = [l for l in block.layers if isinstance(l, layers.Conv2D)]
    norm, = [l for l in block.layers if isinstance(l, layers.BatchNormalization)]
    to_gamma, to_beta = [l for l in block.layers if isinstance(l, layers.Dense)]
    assert not np.any(to_gamma.kernel.numpy()) and not (norm.scale or norm.center)
    rng = np.random.default_rng(0)
    kernel = rng.normal(size=(3, 3, 3, 5)).astype("float32")
    mean, var = rng.normal(size=5), rng.uniform(0.5, 2.0, 5)
    wg, bg, wb, bb = (rng.normal(size=s) for s in ((4, 5), 5, (4, 5), 5))
    conv.set_weights([kernel])
    norm.set_weights([mean, var])
    to_gamma.set_weights([wg, bg])
    to_beta.set_weights([wb, bb])
    x = rng.normal(size=(2, 2, 2, 3)).astype("float32")
    c = rng.normal(size=(2, 4)).astype("float32")
    up = np.repeat(np.repeat(x, 2, axis=1), 2, axis=2)
    x_hat = (tf.nn.conv2d(up, kernel, 1, "SAME").numpy() - mean) / np.sqrt(var + 1e-5)
    expected = np.maximum(x_hat * (1 + c @ wg + bg)[:, None, None] + (c @ wb + bb)[:, None, None],
                          0)
    np.testing.assert_allclose(block([x, c], training=False), expected, rtol=1e-4, atol=1e-4)


def test_projection_discriminator_by_hand():
    """logit = w^T h + b + (V phi)^T h, h the pooled image features; the
    auxiliary classifier reads h too."""
    from tfgan_zoo.networks.text import projection_discriminator
    d = projection_discriminator((8, 8, 3), 6, 4, classes=(2, 3))
    rng = np.random.default_rng(1)
    for layer in d.layers:  # away from the initial zero biases
        layer.set_weights([rng.normal(size=w.shape) for w in layer.get_weights()])
    image = rng.normal(size=(3, 8, 8, 3)).astype("float32")
    phi = rng.normal(size=(3, 6)).astype("float32")
    h = keras.Model(d.inputs[0], d.get_layer("pooled_features").output)(image, training=False)
    h = h.numpy()
    w, b = d.get_layer("linear").get_weights()
    v, = d.get_layer("projection").get_weights()
    wc, bc = d.get_layer("class_logits").get_weights()
    logit, classes = d([image, phi], training=False)
    np.testing.assert_allclose(logit, h @ w + b + np.sum((phi @ v) * h, -1, keepdims=True),
                               rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(classes, h @ wc + bc, rtol=1e-4, atol=1e-4)
    assert d([image, phi * 0], training=False)[0].shape == (3, 1)


@pytest.mark.parametrize("kwargs, message", [
    ({"discriminator": "patch"}, "discriminator must be one of matching, projection"),
    ({"discriminator": "projection", "unconditional_weight": 1.0},
     "already is a text-blind head: pass --unconditional-weight 0"),
])
def test_bad_discriminator_settings(kwargs, message):
    with pytest.raises(UserError, match=message):
        stackgan(1, **kwargs)


def _config(tmp_path, name, stage, size, steps=2, **model_args):
    from tfgan_zoo.config import Config
    return Config(recipe="tiny", model="stackgan", dataset="shapes_captions:64",
                  image_size=size, steps=steps, batch_size=8, out=str(tmp_path / name),
                  sample_every=100, checkpoint_every=1, log_every=100, num_samples=4,
                  epoch_steps=steps, export=False,
                  model_args={**TINY, "stage": stage, **model_args})


@pytest.fixture(scope="module")
def stage_runs(tmp_path_factory):
    """A tiny Stage-I run (4 px), resumed once, and a Stage-II run (16 px) on it."""
    from tfgan_zoo.training.trainer import train
    tmp = tmp_path_factory.mktemp("stackgan")
    train(_config(tmp, "stage1", 1, 4), verbose=0)
    stage1 = train(_config(tmp, "stage1", 1, 4, steps=3), verbose=0)
    stage2 = train(_config(tmp, "stage2", 2, 16, stage1_run=str(tmp / "stage1")), verbose=0)
    return tmp, stage1, stage2


def test_stage2_trains_over_the_loaded_frozen_stage1(stage_runs):
    tmp, stage1, stage2 = stage_runs
    state = json.loads((tmp / "stage1/checkpoints/ckpt-00000003/state.json").read_text())
    assert state["step"] == 3  # resumed from step 2
    for a, b in zip(stage1.generator.get_weights(), stage2.stage1_generator.get_weights()):
        np.testing.assert_array_equal(a, b)  # loaded, and not trained by Stage-II
    inputs = {"text": tf.constant(["a large blue square"]), "z": tf.zeros((1, 4))}
    emb = stage2.embed(inputs["text"])
    np.testing.assert_allclose(stage2.stage1_images(emb, inputs["z"]),
                               stage1.generate_from(inputs), atol=1e-6)


@pytest.mark.parametrize("heads", [{"unconditional_weight": 1.0}, {"auxiliary_weight": 1.0},
                                   {"unconditional_weight": 1.0, "auxiliary_weight": 1.0}])
def test_extra_discriminator_heads_train(tmp_path, heads):
    """StackGAN-v2's unconditional head and TAC-GAN's auxiliary classifier,
    alone and together, in a real (compiled) training step."""
    from tfgan_zoo.training.trainer import train
    model = train(_config(tmp_path, "heads", 1, 8, **heads), verbose=0)
    assert len(model.discriminator.outputs) == 1 + len(heads)
    logs = json.loads((tmp_path / "heads/checkpoints/ckpt-00000002/state.json")
                      .read_text())["logs"]
    assert all(np.isfinite(v) for v in logs.values())


def test_stage2_refuses_a_wrong_stage1_run(stage_runs, tmp_path):
    from tfgan_zoo.training.trainer import train
    tmp, _, _ = stage_runs
    with pytest.raises(UserError, match="not a StackGAN Stage-I run at 8x8"):
        train(_config(tmp_path, "stage2", 2, 32, stage1_run=str(tmp / "stage1")), verbose=0)


def test_stage2_refuses_a_stage1_run_with_other_up_blocks(stage_runs, tmp_path):
    from tfgan_zoo.training.trainer import train
    tmp, _, _ = stage_runs
    with pytest.raises(UserError, match="has a different film"):
        train(_config(tmp_path, "stage2", 2, 16, stage1_run=str(tmp / "stage1"),
                      stage1_film=True), verbose=0)


def test_stage2_refuses_a_stage1_run_with_another_text_encoder(stage_runs, tmp_path):
    from test_sentence import make_model_folder  # a tiny random BERT folder
    from tfgan_zoo.training.trainer import train
    tmp, _, _ = stage_runs
    folder, _ = make_model_folder(tmp_path / "bert")
    with pytest.raises(UserError, match="has a different sentence_encoder"):
        train(_config(tmp_path, "stage2", 2, 16, stage1_run=str(tmp / "stage1"),
                      sentence_encoder=str(folder)), verbose=0)


def test_stage2_over_a_stage1_with_a_sentence_encoder(tmp_path):
    from test_sentence import make_model_folder  # a tiny random BERT folder
    from tfgan_zoo.training.trainer import train
    folder, _ = make_model_folder(tmp_path / "bert")
    stage1 = train(_config(tmp_path, "stage1", 1, 4, sentence_encoder=str(folder)), verbose=0)
    stage2 = train(_config(tmp_path, "stage2", 2, 16, stage1_run=str(tmp_path / "stage1"),
                           sentence_encoder=str(folder)), verbose=0)
    inputs = {"text": tf.constant(["a large blue square"]), "z": tf.zeros((1, 4))}
    emb = stage2.embed(inputs["text"])
    np.testing.assert_allclose(emb, stage1.embed(inputs["text"]), atol=1e-6)
    np.testing.assert_allclose(stage2.stage1_images(emb, inputs["z"]),
                               stage1.generate_from(inputs), atol=1e-6)


def test_saved_model_takes_a_string_and_returns_uint8(stage_runs, tmp_path):
    from tfgan_zoo.export.saved_model import export_generator
    _, _, model = stage_runs
    loaded = tf.saved_model.load(str(export_generator(model, tmp_path / "export")))
    captions = tf.constant(["a small red circle above a large blue square", "a green cross"])
    out = loaded.signatures["serving_default"](text=captions, z=tf.zeros((2, 4)))
    assert out["images"].dtype == tf.uint8 and out["images"].shape == (2, 16, 16, 3)
    reference = model.generate_from({"text": captions, "z": tf.zeros((2, 4))})
    np.testing.assert_allclose(out["images_float"], reference, atol=1e-5)
    out = loaded.signatures["interpolate_text"](
        text_start=captions[:1], text_end=captions[1:], steps=tf.constant(4),
        z=tf.zeros((1, 4)))
    assert out["images"].shape == (4, 16, 16, 3)
    np.testing.assert_allclose(out["images_float"], model.interpolate_captions(
        captions[0].numpy().decode(), "a green cross", 4, z=np.zeros(4)), atol=1e-5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="at least one word"):
        loaded.signatures["serving_default"](text=tf.constant(["blorp"]), z=tf.zeros((1, 4)))
    embedding = loaded.signatures["embed_text"](text=captions)["embedding"]
    np.testing.assert_allclose(embedding, model.embed(captions), atol=1e-6)


def test_tflite_takes_an_embedding_with_builtin_ops_only(stage_runs):
    from tfgan_zoo.export import tflite
    _, _, model = stage_runs
    flatbuffer = tflite.convert(model)
    builtin, custom = tflite.operators(flatbuffer)
    assert custom == [] and not any(op.startswith("Flex") for op in builtin)
    details = tflite.io_details(flatbuffer)
    assert details["inputs"]["embedding"]["shape"] == [1, 8]
    assert set(details["inputs"]) == {"embedding", "z"}
    captions = ["a large white square", "a small red triangle below a small blue circle"]
    embedding = model.embed(captions).numpy()
    z = np.random.default_rng(0).normal(size=(2, 4)).astype("float32")
    out = tflite.run(flatbuffer, {"embedding": embedding, "z": z})  # ai_edge_litert
    assert out["images"].dtype == np.uint8 and out["images"].shape == (2, 16, 16, 3)
    reference = model.generate_from({"text": tf.constant(captions), "z": tf.constant(z)})
    assert np.abs(out["images_float"] - reference.numpy()).max() < 1e-4


def test_text_model_refuses_unlabelled_data():
    with pytest.raises(UserError, match="captioned images"):
        stackgan(1).unpack((tf.zeros((2, 16, 16, 3)), tf.zeros((2,), tf.int32)))


# ------------------------------------------------------------- the recipe
def _phases(module, argv):
    from tfgan_zoo.recipes import _text2image as recipe
    config, settings = recipe.parse(module.build_parser(), module.RECIPE, argv)
    shared, encoder_dir, _ = recipe.text_setup(config, settings)
    return [c for _, c in module.phases(config, settings, shared)], encoder_dir


def test_recipe_phases():
    from tfgan_zoo.recipes import gan_int_cls, stackgan
    (stage1, stage2), encoder_dir = _phases(
        stackgan, ["--out", "/tmp/x", "--steps", "7", "--stage2-steps", "9"])
    assert (stage1.image_size, stage2.image_size) == (16, 64)
    assert (stage1.steps, stage2.steps) == (7, 9)
    assert stage1.model_args["stage"] == 1 and stage2.model_args["stage"] == 2
    assert stage2.model_args["stage1_run"].endswith("/x/stage1")
    assert stage1.model_args["text_encoder"] == str(encoder_dir)
    (stage1, stage2), _ = _phases(stackgan, ["--stage1-size", "64"])  # the paper's sizes
    assert (stage1.image_size, stage2.image_size) == (64, 256)
    (gan,), _ = _phases(gan_int_cls, ["--interpolation", "False", "--ngf", "16"])
    assert gan.model_args["interpolation"] is False and gan.model_args["ngf"] == 16


def test_recipe_stage2_networks():
    """Stage-I is the paper's; Stage-II defaults to FiLM, the projection
    discriminator and the auxiliary classifier, which only the shapes'
    labels allow; each has a flag back to the paper's Stage-II."""
    from tfgan_zoo.recipes import stackgan
    from tfgan_zoo.recipes import _text2image as recipe

    def stages(argv):
        config, settings = recipe.parse(stackgan.build_parser(), stackgan.RECIPE, argv)
        return [c.model_args for _, c in stackgan.phases(config, settings,
                                                         dict(config.model_args))]

    def networks(argv):
        keys = ("film", "discriminator", "auxiliary_weight")
        return [tuple(args.get(k) for k in keys) for args in stages(argv)]

    paper = (False, "matching", 0.0)
    assert networks([]) == [paper, (True, "projection", 1.0)]
    assert networks(["--dataset", "captions:/birds"]) == [paper, (True, "projection", 0.0)]
    assert networks(["--no-stage2-film", "--stage2-discriminator", "matching",
                     "--stage2-auxiliary-weight", "0"]) == [paper, paper]
    stage1, stage2 = stages(["--film", "True"])  # Stage-II loads a FiLM Stage-I
    assert stage1["film"] and stage2["stage1_film"]


def test_recipe_wrong_text_default_follows_the_dataset():
    """StackGAN's recipe gives D contrast captions on the shapes, which have
    them; on other captioned data it falls back to random wrong text unless
    --mismatch is given."""
    from tfgan_zoo.recipes import stackgan
    from tfgan_zoo.recipes import _text2image as recipe
    parser = stackgan.build_parser()
    config, _ = recipe.parse(parser, stackgan.RECIPE, [])
    assert config.model_args["mismatch"] == "contrast"
    config, _ = recipe.parse(parser, stackgan.RECIPE, ["--dataset", "captions:/birds"])
    assert config.model_args["mismatch"] == "random"
    config, _ = recipe.parse(parser, stackgan.RECIPE, ["--dataset", "captions:/birds",
                                                       "--mismatch", "hardest"])
    assert config.model_args["mismatch"] == "hardest"


# ------------------------------------------------------- CUB / Oxford-102
def _caption_folder(root, names, text="this bird is red with black wings"):
    for i, name in enumerate(names):
        folder = root / "text_c10" / f"{1 + i % 2:03d}.Some_bird"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.txt").write_text(f"{text}\na small bird with a short beak\n")
    return root


def _image_folder(root, names):
    from PIL import Image
    for name in names:
        (root / "001.Some_bird").mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (40, 30), (200, 20, 20)).save(root / "001.Some_bird" / f"{name}.jpg")
    return root


def test_cub_layout_reader(tmp_path):
    from tfgan_zoo.data import load_dataset
    names = [f"Some_Bird_{i:04d}" for i in range(6)]
    captions = _caption_folder(tmp_path / "cub_icml", names)
    images = _image_folder(tmp_path / "images", names)
    data = load_dataset(f"captions:{captions}", data_dir=str(images), batch_size=4,
                        image_size=16)
    batch, features = next(iter(data.dataset))
    assert batch.shape == (4, 16, 16, 3) and data.num_examples == 6
    assert features["tokens"].shape == (4, cub.CAPTIONS, cub.MAX_LENGTH)
    vocabulary, examples = cub.vocabulary_and_examples(str(captions))
    assert {"bird", "red", "wings"} <= set(vocabulary) and examples[0].startswith("this bird")


def test_caption_folder_that_does_not_match_the_images(tmp_path):
    from tfgan_zoo.data import load_dataset
    captions = _caption_folder(tmp_path / "cub_icml", ["Bird_0001", "Bird_0002"])
    images = _image_folder(tmp_path / "images", ["Flower_0001"])
    with pytest.raises(UserError, match="does not match the images"):
        load_dataset(f"captions:{captions}", data_dir=str(images), batch_size=1)
    with pytest.raises(UserError, match="no text_c10"):
        load_dataset(f"captions:{images}", data_dir=str(images), batch_size=1)


def test_cub_without_images_offline_is_a_clear_error(tmp_path, monkeypatch):
    from tfgan_zoo import data
    monkeypatch.setattr(data, "_online", lambda: False)
    captions = _caption_folder(tmp_path / "cub_icml", ["Bird_0001"])
    (tmp_path / "tfds" / "caltech_birds2011").mkdir(parents=True)  # a TFDS data dir
    with pytest.raises(UserError, match="caltech_birds2011.*no network"):
        data.load_dataset(f"captions:{captions}", data_dir=str(tmp_path / "tfds"),
                          batch_size=1)


# ------------------------------------------------------------ measurement
def test_match_scores_by_hand():
    target = np.array([[0, 1, 2, 0, -1, -1, -1], [1, 3, 0, 1, 2, 1, 0]])
    predicted = np.array([[0, 1, 3, 0, 5, 5, 1], [1, 3, 0, 1, 2, 2, 0]])
    scores = faithfulness.match_scores(predicted, target)
    # Slot 1 of the single-object scene is not scored.
    assert scores == {"layout": 1.0, "colour": 1.0, "shape": pytest.approx(1 / 3),
                      "size": 1.0, "all": 0.0}


def test_captioned_grid(tmp_path):
    rows = [[np.zeros((8, 8, 3)), np.ones((16, 16, 3))], [np.zeros((8, 8, 1))]]
    grid = captioned_grid(rows, ["a red circle", "a long caption " * 5], tmp_path / "g.png",
                          cell=32, headers=["I", "II"])
    assert grid.shape[1] == 230 + 2 * 36 + 4 and (tmp_path / "g.png").is_file()


# ------------------------------------------- GAN-INT-CLS, GAWWN, semantic synthesis
def test_box_mask_covers_the_boxes():
    from tfgan_zoo.networks.text import BoxMask
    boxes = np.array([[[0.0, 0.0, 0.5, 0.5], [0, 0, 0, 0]]], np.float32)  # 2nd absent
    mask = BoxMask(8)(boxes).numpy()[0, ..., 0]
    assert mask[:4, :4].min() > 0.7 and mask[1:3, 1:3].min() > 0.95
    assert mask[4:].max() < 0.2 and mask[:, 4:].max() < 0.2


def test_gawwn_draws_where_the_boxes_are():
    from tfgan_zoo.models.text2image.gawwn import GAWWN
    model = GAWWN(image_shape=(16, 16, 3), seed=0, latent_dim=4, **GAWWN.test_config)
    scenes = shapes.example_scenes(3)
    np.testing.assert_allclose(model.boxes_for(scenes.captions[:, 0]), scenes.bbox)
    inputs = {k: tf.constant(v) for k, v in model.example_inputs(2).items()}
    moved = dict(inputs, bbox=tf.constant([[[0.6, 0.6, 0.95, 0.95], [0, 0, 0, 0]]] * 2,
                                          tf.float32))
    assert np.abs(model.generate_from(inputs) - model.generate_from(moved)).max() > 1e-3


def test_semantic_synthesis_edits_images_of_its_size_only():
    from tfgan_zoo.models.text2image.semantic_synthesis import SemanticSynthesis
    model = SemanticSynthesis(image_shape=(16, 16, 3), seed=0, **SemanticSynthesis.test_config)
    assert "z" not in model.generator_input_spec() and model.latent_dim == 0
    sources = model.source_images(2)
    edited = model.edit(sources, ["a small red circle", "a large blue square"])
    assert edited.shape == (2, 16, 16, 3)
    with pytest.raises(UserError, match="resize the image to 16x16"):
        model.edit(np.zeros((1, 32, 32, 3)), ["a small red circle"])


def test_gan_int_interpolates_between_captions():
    from tfgan_zoo.models.text2image.gan_int_cls import GANINTCLS
    model = GANINTCLS(image_shape=(16, 16, 3), seed=0, latent_dim=4, **GANINTCLS.test_config)
    path = model.interpolate_captions("a small red circle", "a large blue square", 5)
    ends = [model.sample(1, seed=0, text=t)[0] for t in ("a small red circle",
                                                         "a large blue square")]
    np.testing.assert_allclose(path[0], ends[0], atol=1e-5)
    np.testing.assert_allclose(path[-1], ends[1], atol=1e-5)


@pytest.mark.parametrize("mismatch", ["random", "hardest"])
def test_wrong_text_is_another_kind_of_scene(mismatch):
    """The matching-aware D's wrong text: "random" is the batch rolled by
    one; "hardest" the closest embedding among captions of other classes."""
    from tfgan_zoo.models.text2image.gan_int_cls import GANINTCLS
    model = GANINTCLS(image_shape=(16, 16, 3), seed=0, latent_dim=4, mismatch=mismatch,
                      **GANINTCLS.test_config)
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


def _softplus(x):
    return np.log1p(np.exp(x))


def test_text_gan_losses_by_hand():
    from tfgan_zoo import losses as text_losses
    right, wrong, fake = tf.constant([2.0, -1.0]), tf.constant([0.5, 1.0]), tf.constant([-3.0, 0.0])
    mismatch = tf.constant([1.0, 0.0])
    # -log sigmoid(x) = softplus(-x); -log(1 - sigmoid(x)) = softplus(x)
    d = text_losses.matching_aware_discriminator_loss(right, wrong, fake, mismatch=mismatch)
    expected = np.mean([_softplus(-2) + 0.5 * (_softplus(0.5) + _softplus(-3)),
                        _softplus(1) + 0.5 * (0.0 + _softplus(0))])
    assert float(d) == pytest.approx(expected, rel=1e-5)
    d = text_losses.semantic_synthesis_discriminator_loss(right, wrong, fake, mismatch=mismatch)
    expected = np.mean([_softplus(-2) + _softplus(0.5) + _softplus(-3),
                        _softplus(1) + 0.0 + _softplus(0)])
    assert float(d) == pytest.approx(expected, rel=1e-5)


def test_matching_discriminator_step_with_unconditional_head_by_hand():
    """D's loss of a step: the matching-aware terms on the conditional
    logits plus StackGAN-v2's unconditional terms at their weight."""
    from tfgan_zoo.models.text2image.stackgan import StackGAN
    from tfgan_zoo.models.text2image.base import Captions
    model = StackGAN(image_shape=(4, 4, 3), seed=0, latent_dim=4,
                     unconditional_weight=0.5,
                     **{**StackGAN.test_config, "stage": 1, "discriminator": "matching"})
    assert len(model.discriminator.outputs) == 2
    kernel = np.linspace(-1, 1, 48).reshape(1, 4, 4, 3).astype("float32")

    def discriminator(inputs, training):  # conditional: <k, x> + sum(text); unconditional: mean(x)
        image, text = inputs
        return [tf.reduce_sum(image * kernel, [1, 2, 3]) + tf.reduce_sum(text, 1),
                tf.reduce_mean(image, [1, 2, 3])]

    seen = []
    model.discriminator = discriminator
    model.minimize = lambda optimizer, tape, loss, networks: seen.append(float(loss))
    model.d_optimizer = None
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


def test_auxiliary_classifier_loss_by_hand():
    """TAC-GAN's classifier loss: each head's cross-entropy, summed over the
    heads; a -1 label (no second object) costs nothing."""
    from tfgan_zoo import losses as text_losses
    logits = np.array([[2.0, 0.0, 1.0, -1.0, 0.5], [0.0, 1.0, 0.0, 0.0, 3.0]], "float32")
    labels = np.array([[0, 2], [1, -1]], "int32")

    def xent(row, label):
        return np.log(np.exp(row).sum()) - row[label]

    expected = np.mean([xent(logits[0, :2], 0) + xent(logits[0, 2:], 2),
                        xent(logits[1, :2], 1)])
    loss = text_losses.auxiliary_classifier_loss(logits, labels, (2, 3))
    assert float(loss) == pytest.approx(expected, rel=1e-5)


def test_auxiliary_classifier_in_the_steps_by_hand():
    """With `auxiliary_weight`, D adds its classifier's loss on the real
    images and G the same loss on its images, both against the caption's
    attributes and at that weight."""
    from tfgan_zoo.models.text2image.stackgan import StackGAN
    from tfgan_zoo import losses as text_losses
    from tfgan_zoo.models.text2image.base import Captions
    model = StackGAN(image_shape=(4, 4, 3), seed=0, latent_dim=4, auxiliary_weight=0.5,
                     **{**StackGAN.test_config, "stage": 1})
    assert model.discriminator.outputs[1].shape[-1] == sum(shapes.ATTRIBUTE_CLASSES)
    width = sum(shapes.ATTRIBUTE_CLASSES)

    def discriminator(inputs, training):  # logit: mean(x); classes: mean(x) * ramp
        image = inputs[0]
        mean = tf.reduce_mean(image, [1, 2, 3])
        ramp = tf.range(width, dtype=tf.float32)
        return [mean + tf.reduce_sum(inputs[1], 1), mean[:, None] * ramp]

    seen = []
    model.discriminator = discriminator
    model.minimize = lambda optimizer, tape, loss, networks: seen.append(float(loss))
    model.d_optimizer = None
    real = tf.fill((2, 4, 4, 3), 0.5)
    fake = tf.fill((2, 4, 4, 3), -0.25)
    labels = tf.constant([[0, 1, 2, 1, -1, -1, -1], [1, 5, 3, 0, 2, 0, 1]])
    text = Captions(right=tf.constant([[1.0], [-1.0]]), wrong=tf.constant([[0.0], [2.0]]),
                    mismatch=tf.constant([1.0, 1.0]), tokens=None, labels=labels)
    model.matching_discriminator_step(real, fake, text)
    right, wrong, made = 0.5 + np.array([1, -1]), 0.5 + np.array([0, 2]), -0.25 + np.array([1, -1])
    matching = np.mean(_softplus(-right) + 0.5 * (_softplus(wrong) + _softplus(made)))
    ramp = np.arange(width, dtype="float32")
    classify = lambda value: float(text_losses.auxiliary_classifier_loss(
        np.tile(value * ramp, (2, 1)), labels, shapes.ATTRIBUTE_CLASSES))
    assert seen[0] == pytest.approx(matching + 0.5 * classify(0.5), rel=1e-5)
    g = model.generator_adversarial_loss(discriminator([fake, text.right], True), text)
    assert float(g) == pytest.approx(np.mean(_softplus(-made)) + 0.5 * classify(-0.25),
                                     rel=1e-5)


def test_auxiliary_classifier_needs_labels():
    from tfgan_zoo.models.text2image.stackgan import StackGAN
    model = StackGAN(image_shape=(4, 4, 3), seed=0, latent_dim=4, auxiliary_weight=1.0,
                     **{**StackGAN.test_config, "stage": 1})
    _, features = model.example_data(4)
    del features["attributes"]  # as a CUB / Oxford-102 batch
    with pytest.raises(UserError, match="needs a dataset with attribute labels"):
        model.captions({k: tf.constant(v) for k, v in features.items()})
    with pytest.raises(UserError, match="auxiliary_weight must be 0 or more"):
        StackGAN(image_shape=(4, 4, 3), auxiliary_weight=-1, **StackGAN.test_config)


def test_contrast_wrong_text_is_a_contrast_caption_or_the_rolled_batch():
    """mismatch="contrast": each example's wrong text is its contrast
    caption (always a true mismatch) or, for the rest, the batch rolled by
    one; both kinds occur. Without contrast captions: a clear error."""
    from tfgan_zoo.models.text2image.gan_int_cls import GANINTCLS
    model = GANINTCLS(image_shape=(16, 16, 3), seed=0, latent_dim=4, mismatch="contrast",
                      **GANINTCLS.test_config)
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
    from tfgan_zoo.models.text2image.gan_int_cls import GANINTCLS
    with pytest.raises(UserError, match="'random', 'hardest' or 'contrast'"):
        GANINTCLS(image_shape=(16, 16, 3), mismatch="hard", **GANINTCLS.test_config)


def test_faithfulness_of_a_perfect_generator():
    """A generator that draws the real scene of each caption, read by an
    oracle classifier: it matches like real images and far above the
    shuffled captions; one- and two-object scenes are reported apart."""
    data = shapes.generate(64, 16, 11, "test")
    answers = {np.round(faithfulness._scaled(im), 3).tobytes(): a
               for im, a in zip(data.images, data.attributes)}

    class Oracle:
        input_shape = (None, 16, 16, 3)

        def predict(self, images, **_):
            rows = np.stack([answers[np.round(im, 3).tobytes()] for im in images])
            return [np.eye(n)[np.maximum(rows[:, i], 0)]
                    for i, n in enumerate(shapes.ATTRIBUTE_CLASSES)]

    index = {str(c): i for i, c in enumerate(data.captions[:, 0])}
    perfect = lambda captions, seed: faithfulness._scaled(  # noqa: E731
        data.images[[index[c] for c in captions]])
    s = faithfulness.faithfulness(None, Oracle(), "test", num=64, generate=perfect)
    assert s["generated"] == s["real"] and s["generated"]["all"] == 1.0
    assert s["shuffled"]["all"] < 0.2
    single = int((data.attributes[:, 0] == 0).sum())
    assert s["one_object"]["captions"] == single
    assert s["two_objects"]["captions"] == 64 - single
    assert s["one_object"]["generated"]["all"] == 1.0


class _ShapeDrawer:
    """A stand-in generator for "a large <colour> <shape>": its images
    carry the shape it draws as a pixel value (`draw` maps the caption's
    shape to the drawn one), at 64 px."""

    def __init__(self, draw=lambda shape: shape):
        self.draw = draw

    def sample(self, num, seed=0, text=None):
        shape = self.draw(text.split()[-1])
        return np.full((num, 64, 64, 3), shapes.SHAPES.index(shape) / 4, np.float32)


class _ShapeReader:
    """A stand-in classifier at 32 px that reads that pixel value back."""
    input_shape = (None, 32, 32, 3)

    def predict(self, images, **_):
        assert images.shape[1:] == (32, 32, 3)  # average-pooled from 64 px
        shape = np.round(images[:, 0, 0, 0] * 4).astype(int)
        return [np.eye(n)[shape if head == "shape0" else np.zeros(len(images), int)]
                for head, n in zip(shapes.ATTRIBUTES, shapes.ATTRIBUTE_CLASSES)]


def test_shape_table_and_pairs_drawn_right():
    """Every colour and shape is drawn `num` times and read; a pair is
    right when most draws read as its shape; held-out pairs count apart."""
    table = faithfulness.shape_table(_ShapeDrawer(), _ShapeReader(), num=3)
    assert list(table) == list(shapes.COLOUR_NAMES)
    assert table["red"]["triangle"] == [0, 0, 3, 0]
    assert faithfulness.pairs_drawn_right(table) == {
        "seen": {"right": 20, "pairs": 20}, "heldout": {"right": 4, "pairs": 4}}
    circles = faithfulness.shape_table(_ShapeDrawer(lambda shape: "circle"), _ShapeReader(),
                                       num=3)
    assert circles["green"]["cross"] == [3, 0, 0, 0]
    # Right only where the caption asks for a circle: 5 seen colours, and yellow (held out).
    assert faithfulness.pairs_drawn_right(circles) == {
        "seen": {"right": 5, "pairs": 20}, "heldout": {"right": 1, "pairs": 4}}
    half = {"red": {"circle": [1, 1, 0, 0], "square": [0, 2, 1, 0]}}  # a tie is not most
    assert faithfulness.pairs_drawn_right(half)["seen"] == {"right": 1, "pairs": 2}


def test_shape_grid_has_a_row_per_size_and_colour(tmp_path):
    from tfgan_zoo.reports.text2image import shape_grid
    grid = shape_grid(_ShapeDrawer(), tmp_path / "shapes.png")
    rows, columns = 2 * len(shapes.COLOUR_NAMES), 2 * len(shapes.SHAPES)
    assert grid.shape == (22 + rows * 68 + 4, 230 + columns * 68 + 4, 3)
    assert (tmp_path / "shapes.png").stat().st_size > 0
