"""StackGAN's two stages through the trainer, at tiny sizes: a Stage-I run
(resumed once) and a Stage-II run over it, whose frozen Stage-I is the
loaded one; the runs Stage-II refuses; the discriminator's extra heads in
a compiled step; a sentence encoder under both stages; and the exports a
server (string in) and a phone (embedding in) receive."""

import dataclasses
import json
import shutil

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.config import Config
from tfgan_zoo.data import shapes
from tfgan_zoo.errors import UserError
from tfgan_zoo.export import tflite
from tfgan_zoo.export.graph import float32_model
from tfgan_zoo.export.saved_model import export_saved_model
from tfgan_zoo.rundir.run import load_run
from tfgan_zoo.training.trainer import train
from tests.support.bert import TINY_BERT, make_model_folder
from tests.models.text2image.test_stackgan import TINY


def _config(tmp_path, name, stage, size, steps=2, **model_args):
    return Config(recipe="tiny", model="stackgan", dataset="shapes_captions:64",
                  image_size=size, steps=steps, batch_size=8, out=str(tmp_path / name),
                  sample_every=100, checkpoint_every=1, log_every=100, num_samples=4,
                  epoch_steps=steps, export=False,
                  model_args={**TINY, "stage": stage, **model_args})


def _logs(run, step):
    return json.loads((run / f"checkpoints/ckpt-{step:08d}/state.json").read_text())["logs"]


@pytest.fixture(scope="module")
def stage_runs(tmp_path_factory):
    """A tiny Stage-I run (4 px), resumed once, and a Stage-II run (16 px) on
    it, with the recipe's sub-pixel up blocks (the exports below check them)."""
    tmp = tmp_path_factory.mktemp("stackgan")
    train(_config(tmp, "stage1", 1, 4, subpixel=True), verbose=0)
    stage1 = train(_config(tmp, "stage1", 1, 4, steps=3, subpixel=True), verbose=0)
    stage2 = train(_config(tmp, "stage2", 2, 16, stage1_run=str(tmp / "stage1"),
                           subpixel=True), verbose=0)
    assert stage2.subpixel
    return tmp, stage1, stage2


@pytest.fixture(scope="module")
def bert_folder(tmp_path_factory):
    return make_model_folder(tmp_path_factory.mktemp("bert") / "tiny")[0]


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


def test_stage2_refuses_a_wrong_stage1_run(stage_runs, tmp_path, bert_folder):
    tmp, _, _ = stage_runs
    stage1 = str(tmp / "stage1")
    with pytest.raises(UserError, match="not a StackGAN Stage-I run at 8x8"):
        train(_config(tmp_path, "a", 2, 32, stage1_run=stage1), verbose=0)
    with pytest.raises(UserError, match="has a different film"):
        train(_config(tmp_path, "b", 2, 16, stage1_run=stage1, stage1_film=True), verbose=0)
    with pytest.raises(UserError, match="has a different sentence_encoder"):
        train(_config(tmp_path, "c", 2, 16, stage1_run=stage1,
                      sentence_encoder=str(bert_folder)), verbose=0)


def test_stage2_ema_is_checkpointed_recalibrated_and_samples(stage_runs, tmp_path):
    """`ema_decay` on Stage-II: the averaged generator is checkpointed and
    restored, sampling, exports and the LiteRT view read it, not the raw
    one, and its batch norm is re-estimated on training captions with
    training-time noise (the text has no prior) before each checkpoint."""
    tmp, _, _ = stage_runs
    # float32 and no XLA: bfloat16's re-estimated statistics differ by ~1e-3
    # from one pass to the next, which would hide the determinism checked below.
    trained = train(dataclasses.replace(
        _config(tmp_path, "ema", 2, 16, steps=1, stage1_run=str(tmp / "stage1"),
                subpixel=True, ema_decay=0.5), mixed_precision="none", jit_compile=False),
        verbose=0)
    model, _ = load_run(tmp_path / "ema")
    assert model.ema_decay == 0.5 and model.inference_generator() is model.generator_ema
    for restored, saved in zip(model.generator_ema.weights, trained.generator_ema.weights,
                               strict=True):
        np.testing.assert_array_equal(restored.numpy(), saved.numpy())
    ema, raw = model.generator_ema, model.generator
    assert any(not np.allclose(a, b) for a, b in zip(ema.get_weights(), raw.get_weights()))
    inputs = {"text": tf.constant(["a large blue square", "a small red cross"]),
              "z": tf.constant(np.random.default_rng(0).normal(size=(2, 4)), tf.float32)}
    embedding = model.embed(inputs["text"])
    low = model.stage1_images(embedding, inputs["z"])
    by_hand = ema([low, embedding, tf.zeros((2, 4))], training=False)[0]
    np.testing.assert_allclose(model.generate_from(inputs), by_hand, atol=1e-6)
    assert model.image_networks()[1] is ema and model.export_networks()[-1] is ema
    # Re-estimated statistics, not the raw generator's copied ones.
    batches = model.calibration_batches(2, batch_size=16)
    assert set(batches[0]) == {"text", "z", "eps", "stage1_eps"}
    held_out = [f"{c} {s}" for c, s in shapes.HELD_OUT]
    captions = [c.decode() for b in batches for c in b["text"].numpy()]
    assert not any(pair in c for c in captions for pair in held_out)  # training captions
    norms = [layer for layer in ema._flatten_layers(include_self=False)
             if isinstance(layer, keras.layers.BatchNormalization)]
    copied = [layer for layer in raw._flatten_layers(include_self=False)
              if isinstance(layer, keras.layers.BatchNormalization)]
    restored = norms[-1].moving_mean.numpy()
    assert norms and not np.allclose(restored, copied[-1].moving_mean)
    assert model.recalibrate_ema()  # deterministic: the checkpoint's statistics again
    np.testing.assert_allclose(norms[-1].moving_mean, restored, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.generate_from(inputs), by_hand, atol=1e-5)


def test_a_stage2_run_without_ema_resumes_with_ema_decay_zero(stage_runs, tmp_path):
    """A Stage-II run saved before the EMA existed (no `ema_decay` in its
    config) resumes with `--stage2-ema-decay 0` (the recipe passes None);
    asking for an EMA on it is refused, not silently mixed."""
    tmp, _, _ = stage_runs
    shutil.copytree(tmp / "stage2", tmp_path / "stage2")
    shutil.copytree(tmp / "stage1", tmp_path / "stage1")
    saved = json.loads((tmp_path / "stage2/config.json").read_text())
    saved["model_args"].pop("ema_decay", None)
    saved["model_args"].pop("ema_bn_recalibrate", None)
    (tmp_path / "stage2/config.json").write_text(json.dumps(saved))
    stage1 = str(tmp_path / "stage1")
    with pytest.raises(UserError, match="ema_decay: saved None, given 0.9"):
        train(_config(tmp_path, "stage2", 2, 16, steps=3, stage1_run=stage1,
                      subpixel=True, ema_decay=0.9), verbose=0)
    model = train(_config(tmp_path, "stage2", 2, 16, steps=3, stage1_run=stage1,
                          subpixel=True, ema_decay=None), verbose=0)
    assert model.ema_decay is None and model.inference_generator() is model.generator
    assert (tmp_path / "stage2/checkpoints/ckpt-00000003").is_dir()


@pytest.mark.parametrize("heads", [{"unconditional_weight": 1.0}, {"auxiliary_weight": 1.0},
                                   {"unconditional_weight": 1.0, "auxiliary_weight": 1.0}])
def test_extra_discriminator_heads_train(tmp_path, heads):
    """StackGAN-v2's unconditional head and TAC-GAN's auxiliary classifier,
    alone and together, in a real (compiled) training step."""
    model = train(_config(tmp_path, "heads", 1, 4, **heads), verbose=0)
    assert len(model.discriminator.outputs) == 1 + len(heads)
    assert all(np.isfinite(v) for v in _logs(tmp_path / "heads", 2).values())


def test_saved_model_takes_a_string_and_returns_uint8(stage_runs, tmp_path):
    _, _, trained = stage_runs
    # What every export computes: the float32 twin of a model trained in
    # mixed precision (`auto` on AMX; tests/models/test_registry.py checks
    # the twin against the mixed model).
    model = float32_model(trained)
    loaded = tf.saved_model.load(str(export_saved_model(trained, tmp_path / "export")))
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
    _, _, trained = stage_runs
    model = float32_model(trained)
    flatbuffer = tflite.convert(trained)
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


# ------------------------------------------------ over a sentence encoder
@pytest.fixture(scope="module")
def sentence_runs(tmp_path_factory, bert_folder):
    """Stage-I over the tiny sentence model (XLA-compiled steps, contrast
    captions), and Stage-II over that run with the same sentence model."""
    tmp = tmp_path_factory.mktemp("sentence")
    folder = str(bert_folder)
    stage1 = train(dataclasses.replace(
        _config(tmp, "stage1", 1, 4, sentence_encoder=folder, mismatch="contrast"),
        jit_compile=True), verbose=0)
    stage2 = train(_config(tmp, "stage2", 2, 16, stage1_run=str(tmp / "stage1"),
                           sentence_encoder=folder), verbose=0)
    return tmp, stage1, stage2


def test_stackgan_over_a_sentence_encoder_trains_and_exports(sentence_runs, tmp_path):
    tmp, model, _ = sentence_runs
    assert model.embedding_dim == 8 and model.get_config()["embedding_dim"] == 8
    assert all(np.isfinite(v) for v in _logs(tmp / "stage1", 2).values())
    # The frozen BERT is rebuilt from its folder, not stored in checkpoints.
    stored = tf.train.list_variables(str(tmp / "stage1/checkpoints/ckpt-00000002/ckpt"))
    assert stored and not any(shape == [TINY_BERT["vocab_size"], 8] for _, shape in stored)
    reloaded, _ = load_run(tmp / "stage1")
    captions = tf.constant(["a small red circle above a large blue square", "a purple cross"])
    np.testing.assert_allclose(reloaded.embed(captions), model.embed(captions), atol=1e-6)
    loaded = tf.saved_model.load(str(export_saved_model(model, tmp_path / "export")))
    out = loaded.signatures["serving_default"](text=captions, z=tf.zeros((2, 4)))
    assert out["images"].dtype == tf.uint8 and out["images"].shape == (2, 4, 4, 3)
    # Exports compute the float32 twin (the run may have trained in bfloat16).
    np.testing.assert_allclose(out["images_float"], float32_model(model).generate_from(
        {"text": captions, "z": tf.zeros((2, 4))}), atol=1e-5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="at least one word"):
        loaded.signatures["serving_default"](text=tf.constant(["blorp"]), z=tf.zeros((1, 4)))


def test_stage2_over_a_stage1_with_a_sentence_encoder(sentence_runs):
    _, stage1, stage2 = sentence_runs
    inputs = {"text": tf.constant(["a large blue square"]), "z": tf.zeros((1, 4))}
    emb = stage2.embed(inputs["text"])
    np.testing.assert_allclose(emb, stage1.embed(inputs["text"]), atol=1e-6)
    np.testing.assert_allclose(stage2.stage1_images(emb, inputs["z"]),
                               stage1.generate_from(inputs), atol=1e-6)
