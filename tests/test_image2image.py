"""Image-to-image foundation: pair datasets, the image pool, the learning-rate
decay, instance norm on TFLite, reconstruction losses, the models' data
checks and extra signatures, and one recipe run from the command line."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf
import keras
from PIL import Image

from tfgan_zoo.data import photos as d2d
from tfgan_zoo.networks import image2image as nets
from tfgan_zoo.data import load_dataset
from tfgan_zoo.errors import UserError
from tfgan_zoo.networks.image2image import ImagePool
from tfgan_zoo.optimizers import LinearDecay
from tfgan_zoo.losses import l1_loss, squared_error_loss
from tfgan_zoo.registry import build_model


def _save(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path)


def _first_batch(name, n, **kwargs):
    data = load_dataset(name, batch_size=n, shuffle=False, repeat=False,
                        drop_remainder=False, **kwargs)
    source, target = next(iter(data.dataset))
    return data, source.numpy(), target.numpy()


def _to_float(x):
    return x.astype(np.float32) / 127.5 - 1.0


# ------------------------------------------------------------------ folders
def test_paired_side_by_side_is_split_into_a_and_b(tmp_path):
    rng = np.random.default_rng(0)
    pairs = [rng.integers(0, 256, (8, 16, 3), dtype=np.uint8) for _ in range(3)]
    for i, pair in enumerate(pairs):
        _save(tmp_path / "train" / f"{i}.png", pair)
    data, source, target = _first_batch(f"paired:{tmp_path}", 3)
    assert data.image_shape == (8, 8, 3)
    assert data.model_args == {"input_shape": (8, 8, 3), "paired": True}
    np.testing.assert_allclose(source, [_to_float(p[:, :8]) for p in pairs], atol=1e-6)
    np.testing.assert_allclose(target, [_to_float(p[:, 8:]) for p in pairs], atol=1e-6)


def test_paired_a_b_folders_match_by_name(tmp_path):
    rng = np.random.default_rng(1)
    a = {n: rng.integers(0, 256, (8, 8), dtype=np.uint8) for n in ("x", "y")}
    b = {n: rng.integers(0, 256, (8, 8, 3), dtype=np.uint8) for n in ("y", "x")}
    for n in a:
        _save(tmp_path / "A" / f"{n}.png", a[n])
        _save(tmp_path / "B" / f"{n}.png", b[n])
    data, source, target = _first_batch(f"paired:{tmp_path}", 2)
    assert data.model_args["input_shape"] == (8, 8, 1) and data.image_shape == (8, 8, 3)
    np.testing.assert_allclose(source[..., 0], [_to_float(a["x"]), _to_float(a["y"])],
                               atol=1e-6)
    np.testing.assert_allclose(target, [_to_float(b["x"]), _to_float(b["y"])], atol=1e-6)
    _save(tmp_path / "A" / "z.png", a["x"])
    with pytest.raises(UserError, match="no partner"):
        load_dataset(f"paired:{tmp_path}", batch_size=1)


def test_paired_wrong_aspect_ratio_is_refused(tmp_path):
    _save(tmp_path / "a.png", np.zeros((8, 12, 3), np.uint8))
    with pytest.raises(UserError, match="twice as wide as high") as error:
        load_dataset(f"paired:{tmp_path}", batch_size=1)
    assert "\n" not in str(error.value)


def test_unpaired_folders_and_an_empty_side(tmp_path):
    for i in range(3):
        _save(tmp_path / "trainA" / f"{i}.png", np.full((8, 8, 3), i, np.uint8))
    for i in range(5):
        _save(tmp_path / "trainB" / f"{i}.jpg", np.full((8, 8, 3), 200, np.uint8))
    data = load_dataset(f"unpaired:{tmp_path}", batch_size=2, seed=3)
    assert data.model_args == {"input_shape": (8, 8, 3), "paired": False}
    assert data.num_examples == 5
    source, target = next(iter(data.dataset))
    assert source.shape == target.shape == (2, 8, 8, 3)
    (tmp_path / "testA").mkdir()
    with pytest.raises(UserError, match="testB.*no images|testA.*no images"):
        load_dataset(f"unpaired:{tmp_path}", batch_size=1, split="test")
    for f in (tmp_path / "trainB").iterdir():
        f.unlink()
    with pytest.raises(UserError, match="trainB has no images"):
        load_dataset(f"unpaired:{tmp_path}", batch_size=1)


# ----------------------------------------------------------------- embedded
def test_edges2photo_pairs_and_held_out_photos():
    data, source, target = _first_batch("edges2photo", 8, image_size=32)
    assert data.model_args == {"input_shape": (32, 32, 1), "paired": True}
    assert data.image_shape == (32, 32, 3) and data.num_examples == d2d.TRAIN_PATCHES
    assert set(np.unique(source)) <= {-1.0, 1.0}  # black lines on white
    # The edge drawing is Canny on the very patch shown as the target.
    test = load_dataset("edges2photo", batch_size=4, image_size=32, split="test")
    assert test.num_examples == d2d.TEST_PATCHES
    assert not set(d2d.TRAIN_PHOTOS) & set(d2d.TEST_PHOTOS)


def test_photo2recolor_is_unpaired_for_training_and_aligned_for_testing():
    train = load_dataset("photo2recolor", batch_size=4, image_size=16)
    assert train.model_args["paired"] is False
    _, source, target = _first_batch("photo2recolor", 4, image_size=16, split="test")
    expected = d2d.recolor(np.rint((source + 1) * 127.5).astype(np.uint8))
    np.testing.assert_allclose(target, _to_float(expected), atol=1e-6)
    # Three turns of 120 degrees come back to the start (up to rounding).
    photo = np.rint((source + 1) * 127.5).astype(np.uint8)
    back = d2d.recolor(d2d.recolor(d2d.recolor(photo)))
    assert np.abs(back.astype(int) - photo.astype(int)).max() <= 3


def test_sr_low_res_is_the_bicubic_high_res():
    data, low, high = _first_batch("sr", 2, image_size=32)
    assert data.model_args["input_shape"] == (8, 8, 3) and data.image_shape == (32, 32, 3)
    patch = np.rint((high[0] + 1) * 127.5).astype(np.uint8)
    np.testing.assert_allclose(low[0], _to_float(d2d._resize_uint8(patch, 8, 8)),
                               atol=1e-6)
    with pytest.raises(UserError, match="divisible by the scale factor"):
        load_dataset("sr", batch_size=2, image_size=30)


def test_inpaint_holes_are_zero_and_the_rest_is_the_target():
    _, masked, full = _first_batch("inpaint", 2, image_size=16)
    hole = d2d.center_mask(16, 16)
    assert hole.sum() == 64 and hole[4:12, 4:12].all()
    assert (masked[:, hole] == 0).all()
    np.testing.assert_array_equal(masked[:, ~hole], full[:, ~hole])


def test_patch_larger_than_the_photos_is_refused():
    with pytest.raises(UserError, match="larger than an embedded photo.*--image-size"):
        load_dataset("edges2photo", batch_size=2, image_size=1024)


@pytest.mark.parametrize("name", ["cycle_gan:horse2zebra", "div2k:bicubic_x4"])
def test_tfds_not_prepared_offline_is_one_clear_line(name, tmp_path, monkeypatch):
    import tfgan_zoo.data as data_module
    monkeypatch.setattr(data_module, "_online", lambda: False)
    with pytest.raises(UserError, match="not prepared.*--data-dir") as error:
        load_dataset(name, batch_size=1, data_dir=str(tmp_path))
    assert "\n" not in str(error.value)


# ---------------------------------------------------------------- image pool
def test_image_pool_fills_then_mixes_past_and_current():
    pool = ImagePool((1, 1, 1), size=4)
    query = tf.function(lambda x, seed: pool(x, seed=seed))
    first = query(tf.reshape(tf.range(4, dtype=tf.float32), [4, 1, 1, 1]),
                  tf.constant([0, 0]))
    np.testing.assert_array_equal(first.numpy().ravel(), [0, 1, 2, 3])  # filling
    np.testing.assert_array_equal(sorted(pool.images.numpy().ravel()), [0, 1, 2, 3])
    past = 0
    for step in range(1, 201):
        value = 100.0 + step
        out = query(tf.fill([1, 1, 1, 1], value), tf.constant([step, 1])).numpy().ravel()[0]
        stored = pool.images.numpy().ravel()
        if out != value:  # returned a stored image, which the new one replaced
            past += 1
            assert out < value and value in stored
        assert int(pool.count.numpy()) == 4
    assert 70 <= past <= 130  # p = 1/2 over 200 queries


def test_image_pool_is_per_replica_under_mirrored_strategy():
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        pool = ImagePool((1, 1, 1), size=2)

    @tf.function
    def step():
        replica = tf.distribute.get_replica_context().replica_id_in_sync_group
        return pool(tf.fill([2, 1, 1, 1], tf.cast(replica, tf.float32) + 1.0),
                    seed=tf.constant([0, 0]))

    strategy.run(step)
    local = [v.numpy().ravel().tolist()
             for v in strategy.experimental_local_results(pool.images.value)]
    assert sorted(local) == [[1.0, 1.0], [2.0, 2.0]]


# ------------------------------------------------------------ learning rate
def test_linear_decay_over_the_second_half():
    schedule = LinearDecay(2e-4, total_steps=100, decay_start=50)
    values = [float(schedule(t)) for t in (0, 25, 50, 75, 100, 150)]
    np.testing.assert_allclose(values, [2e-4, 2e-4, 2e-4, 1e-4, 0.0, 0.0], atol=1e-12)
    clone = LinearDecay.from_config(schedule.get_config())
    assert float(clone(75)) == pytest.approx(1e-4)
    with pytest.raises(UserError, match="decay must start inside the run"):
        LinearDecay(1.0, total_steps=10, decay_start=10)


def test_models_install_the_decay_on_every_optimizer():
    model = build_model("cyclegan", image_shape=(16, 16, 3), total_steps=8, ngf=4,
                        ndf=4, n_blocks=1, d_layers=1)
    model.compile(g_optimizer=keras.optimizers.Adam(2e-4),
                  d_optimizer=keras.optimizers.Adam(1e-4))
    for optimizer, lr in ((model.g_optimizer, 2e-4), (model.d_optimizer, 1e-4)):
        assert isinstance(optimizer._learning_rate, LinearDecay)
        assert float(optimizer._learning_rate(4)) == pytest.approx(lr)
        assert float(optimizer._learning_rate(6)) == pytest.approx(lr / 2)


# ---------------------------------------------------------------- networks
def test_instance_norm_statistics_and_builtin_tflite_int8(tmp_path):
    x = np.random.default_rng(0).normal(3.0, 2.0, (2, 8, 8, 4)).astype("float32")
    y = nets.InstanceNormalization()(x).numpy()
    np.testing.assert_allclose(y.mean(axis=(1, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(y.var(axis=(1, 2)), 1, atol=1e-3)

    inputs = keras.Input((8, 8, 3), batch_size=1)
    h = nets.ReflectionPadding2D(1)(inputs)
    h = keras.layers.Conv2D(4, 3)(h)
    h = nets.InstanceNormalization(affine=True)(h)
    model = keras.Model(inputs, keras.layers.ReLU()(h))
    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint("serve", lambda t: model(t),
                         input_signature=[tf.TensorSpec([1, 8, 8, 3], tf.float32)])
    archive.write_out(str(tmp_path / "norm"), verbose=False)
    converter = tf.lite.TFLiteConverter.from_saved_model(str(tmp_path / "norm"))
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    samples = np.random.default_rng(1).uniform(-1, 1, (8, 1, 8, 8, 3)).astype("float32")
    converter.representative_dataset = lambda: ([s] for s in samples)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    flat = converter.convert()  # fails if any op lacks a built-in int8 kernel
    from tfgan_zoo.export import tflite
    builtin, custom = tflite.operators(flat)
    assert custom == [] and "MIRROR_PAD" in builtin and "RSQRT" in builtin
    assert "SQUARED_DIFFERENCE" in builtin


def test_patchgan_receptive_field_is_70_for_three_layers():
    assert nets.patch_receptive_field(3) == 70
    assert nets.patch_discriminator((32, 32, 6), ndf=4, n_layers=3)(
        np.zeros((1, 32, 32, 6))).shape == (1, 4, 4, 1)
    with pytest.raises(UserError, match="divisible by 8"):
        nets.patch_discriminator((12, 12, 3), ndf=4, n_layers=3)


# ------------------------------------------------------------------- losses
def test_reconstruction_losses_by_hand():
    prediction = tf.constant([[[0.0, 1.0]], [[2.0, -3.0]]])   # [2, 1, 2]
    target = tf.zeros_like(prediction)
    # per example: (0 + 1) / 2 = 0.5 and (2 + 3) / 2 = 2.5 -> mean 1.5
    assert float(l1_loss(prediction, target)) == pytest.approx(1.5)
    # per example: (0 + 1) / 2 = 0.5 and (4 + 9) / 2 = 6.5 -> mean 3.5
    assert float(squared_error_loss(prediction, target)) == pytest.approx(3.5)
    assert float(l1_loss(prediction, target, reduce=tf.reduce_sum)) == pytest.approx(3.0)


# ------------------------------------------------------------------- models
def test_models_refuse_data_they_cannot_learn_from():
    with pytest.raises(UserError, match="unpaired.*cyclegan"):
        build_model("pix2pix", image_shape=(16, 16, 3), paired=False)
    model = build_model("pix2pix", image_shape=(16, 16, 3), ngf=4, ndf=4, d_layers=1)
    with pytest.raises(UserError, match="source, target"):
        model.unpack(tf.zeros((2, 16, 16, 3)))
    with pytest.raises(UserError, match="source, target"):
        model.unpack((tf.zeros((2, 16, 16, 3)), tf.zeros((2,), tf.int32)))
    with pytest.raises(UserError, match="no latent code"):
        build_model("pix2pix", image_shape=(16, 16, 3), latent_dim=8)
    with pytest.raises(UserError, match="identity-weight 0"):
        build_model("cyclegan", image_shape=(16, 16, 3), input_shape=(16, 16, 1))
    build_model("cyclegan", image_shape=(16, 16, 3), input_shape=(16, 16, 1),
                identity_weight=0, ngf=4, ndf=4, n_blocks=1, d_layers=1)


def test_uint8_and_translate_back_signatures(tmp_path):
    from tfgan_zoo.export import graph as sm
    model = build_model("cyclegan", image_shape=(16, 16, 3), ngf=4, ndf=4, n_blocks=1,
                        d_layers=1)
    model.build_networks()
    sm.write_saved_model(model, tmp_path / "m")
    signatures = tf.saved_model.load(str(tmp_path / "m")).signatures
    pixels = np.random.default_rng(0).integers(0, 256, (2, 16, 16, 3), dtype=np.uint8)
    scaled = pixels.astype(np.float32) / 127.5 - 1.0
    from_uint8 = signatures["serving_uint8"](image=tf.constant(pixels))
    from_float = signatures["serving_default"](image=tf.constant(scaled))
    np.testing.assert_allclose(from_uint8["images_float"], from_float["images_float"],
                               atol=1e-6)
    back = signatures["translate_back"](image=tf.constant(scaled))["images_float"]
    np.testing.assert_allclose(back, model.translate_back(scaled).numpy(), atol=1e-5)


# ------------------------------------------------------------------- recipe
def test_pix2pix_recipe_runs_from_the_command_line(tmp_path):
    out = tmp_path / "run"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run(
        [sys.executable, "-m", "tfgan_zoo.recipes.pix2pix", "--steps", "2",
         "--image-size", "32", "--batch-size", "2", "--epoch-steps", "2",
         "--ngf", "4", "--ndf", "4", "--out", str(out)],
        capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Held-out translation" in done.stdout
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["num_pairs"] == d2d.TEST_PATCHES and metrics["split"] == "test"
    assert {"psnr", "ssim", "mae"} <= set(metrics) and metrics["psnr"] > 0
    assert (out / "translations.png").is_file()
    saved = json.loads((out / "model.json").read_text())["config"]
    assert saved["input_shape"] == [32, 32, 1] and saved["total_steps"] == 2
    signature = tf.saved_model.load(str(out / "export")).signatures["serving_default"]
    assert signature.structured_input_signature[1]["image"].shape.as_list() == [
        None, 32, 32, 1]


def test_recipe_flags_hide_what_the_data_and_run_decide():
    from tfgan_zoo.config import build_parser
    from tfgan_zoo.recipes import cyclegan, dualgan, pix2pix
    shown = {r.RECIPE.model: build_parser(r.RECIPE).format_help()
             for r in (pix2pix, cyclegan, dualgan)}
    assert "--l1-weight" in shown["pix2pix"] and "--pool-size" in shown["cyclegan"]
    assert "--n-critic" in shown["dualgan"] and "--n-critic" not in shown["cyclegan"]
    for text in shown.values():
        for hidden in ("--input-shape", "--paired", "--total-steps", "--latent-dim"):
            assert hidden not in text
