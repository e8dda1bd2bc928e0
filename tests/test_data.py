"""Tests for tfgan_zoo.data: every source, the pipeline contract, and the
errors a user sees. All offline; TFDS goes through tfds.testing.mock_data."""

import gzip
import os

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tfgan_zoo import data as data_lib
from tfgan_zoo.data import DATASETS, Data, load_dataset, sample_real_images
from tfgan_zoo.errors import UserError


def first_batch(data):
    return tf.nest.map_structure(lambda t: t.numpy(), next(iter(data.dataset)))


def one_line_error(match, fn, *args, **kwargs):
    with pytest.raises(UserError, match=match) as info:
        fn(*args, **kwargs)
    message = str(info.value)
    assert "\n" not in message, message
    return message


def save_png(path, size=(12, 10), mode="RGB", value=128):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.new(mode, size, value if mode == "L" else (value, 0, 255 - value)).save(path)


# --- built-in sources -------------------------------------------------------

def test_mnist5k_shapes_range_and_labels():
    data = load_dataset("mnist5k", batch_size=64)
    assert isinstance(data, Data) and data.name == "mnist5k"
    assert (data.image_shape, data.num_classes, data.num_examples) == ((28, 28, 1), 10, 5000)
    assert data.class_names == tuple("0123456789")
    x, y = first_batch(data)
    assert x.shape == (64, 28, 28, 1) and x.dtype == np.float32
    assert y.shape == (64,) and y.dtype == np.int32 and 0 <= y.min() and y.max() <= 9
    assert x.min() >= -1 and x.max() <= 1
    full, labels = sample_real_images("mnist5k", 5000)
    assert full.min() == -1.0 and full.max() == 1.0  # MNIST has pure black and white
    assert np.bincount(labels).tolist() == [500] * 10


def test_alias_and_registry():
    assert load_dataset("mnist_5k", batch_size=8).name == "mnist5k"
    assert {"mnist5k", "digits", "fashion_mnist_local", "tfds:", "folder:"} <= set(DATASETS)


def test_digits_scaled_from_0_16():
    data = load_dataset("digits", batch_size=32, shuffle=False, repeat=False)
    assert (data.image_shape, data.num_classes, data.num_examples) == ((8, 8, 1), 10, 1797)
    x, y = first_batch(data)
    assert x.shape == (32, 8, 8, 1) and y.dtype == np.int32
    from sklearn.datasets import load_digits
    np.testing.assert_allclose(x[0, ..., 0], load_digits().images[0] / 8 - 1, atol=1e-6)
    # Exactly 1797 // 32 full batches with drop_remainder, no repeat.
    assert sum(1 for _ in data.dataset) == 1797 // 32


def test_resize_to_32_and_grey_to_rgb():
    data = load_dataset("mnist5k", batch_size=16, image_size=32, channels=3)
    assert data.image_shape == (32, 32, 3)
    x, _ = first_batch(data)
    assert x.shape == (16, 32, 32, 3) and x.min() >= -1 and x.max() <= 1
    np.testing.assert_array_equal(x[..., 0], x[..., 2])  # tiled grey
    x8, _ = first_batch(load_dataset("digits", batch_size=4, image_size=32))
    assert x8.shape == (4, 32, 32, 1) and x8.dtype == np.float32


def test_fashion_mnist_idx_reader(tmp_path):
    images = np.arange(3 * 28 * 28, dtype=np.uint32).reshape(3, 28, 28) % 256
    header = lambda dims: bytes([0, 0, 8, len(dims)]) + np.asarray(dims, ">u4").tobytes()
    with gzip.open(tmp_path / "t10k-images-idx3-ubyte.gz", "wb") as f:  # gz ...
        f.write(header([3, 28, 28]) + images.astype(np.uint8).tobytes())
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(header([3]) + bytes([7, 0, 9]))  # ... or plain
    data = load_dataset("fashion_mnist_local", split="test", data_dir=str(tmp_path),
                        batch_size=3, shuffle=False)
    x, y = first_batch(data)
    assert data.num_examples == 3 and data.class_names[9] == "Ankle boot"
    assert y.tolist() == [7, 0, 9]
    np.testing.assert_allclose(x[..., 0], images / 127.5 - 1, atol=1e-6)
    one_line_error("apt-get install dataset-fashion-mnist", load_dataset,
                   "fashion_mnist_local", batch_size=3, data_dir=str(tmp_path / "none"))


@pytest.mark.skipif(not os.path.exists(data_lib.FASHION_MNIST_DIR),
                    reason="Debian package dataset-fashion-mnist not installed")
def test_fashion_mnist_local_real_files():
    data = load_dataset("fashion_mnist_local", split="test", batch_size=100)
    x, y = first_batch(data)
    assert (data.num_examples, data.image_shape, data.num_classes) == (10000, (28, 28, 1), 10)
    assert x.shape == (100, 28, 28, 1) and x.min() >= -1 and x.max() <= 1 and y.max() <= 9


# --- folders ----------------------------------------------------------------

def test_folder_with_class_subfolders(tmp_path):
    for name, value in [("cats", 10), ("dogs", 200)]:
        for i in range(3):
            save_png(str(tmp_path / name / f"{i}.png"), value=value)
    data = load_dataset(f"folder:{tmp_path}", batch_size=6, shuffle=False)
    assert data.class_names == ("cats", "dogs") and data.num_classes == 2
    assert data.image_shape == (10, 12, 3) and data.num_examples == 6
    x, y = first_batch(data)
    assert y.tolist() == [0, 0, 0, 1, 1, 1]
    np.testing.assert_allclose(x[:, 0, 0, 0], [10 / 127.5 - 1] * 3 + [200 / 127.5 - 1] * 3,
                               atol=1e-6)


def test_folder_unlabeled_recursive_bare_path_and_resize(tmp_path):
    save_png(str(tmp_path / "a.png"), size=(20, 20), mode="L")
    save_png(str(tmp_path / "deep" / "b.jpg"), size=(40, 30), mode="L")
    one_line_error("pass --image-size", load_dataset, str(tmp_path), batch_size=1)
    data = load_dataset(str(tmp_path), batch_size=2, image_size=16)
    assert data.num_classes is None and data.class_names is None
    assert data.image_shape == (16, 16, 1) and data.num_examples == 2
    x = first_batch(data)  # images alone, no label tuple
    assert x.shape == (2, 16, 16, 1) and x.min() >= -1 and x.max() <= 1


def test_folder_skips_and_counts_corrupt_and_non_image_files(tmp_path):
    for i in range(2):
        save_png(str(tmp_path / f"ok{i}.png"))
    (tmp_path / "x.png").write_bytes(b"\x89PNG garbage, not an image")
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / ".DS_Store").write_bytes(b"\0")  # hidden: ignored silently
    with pytest.warns(UserWarning) as record:
        data = load_dataset(f"folder:{tmp_path}", batch_size=2)
    assert len(record) == 1
    message = str(record[0].message)
    assert "1 unreadable image(s)" in message and "x.png" in message
    assert "1 non-image file(s)" in message and "notes.txt" in message
    assert "\n" not in message and data.num_examples == 2


def test_folder_truncated_image_is_skipped(tmp_path):
    save_png(str(tmp_path / "good.png"), size=(64, 64))
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), np.uint8)).save(
        tmp_path / "cut.png")
    raw = (tmp_path / "cut.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(raw[:len(raw) // 2])
    with pytest.warns(UserWarning, match="cut.png"):
        assert load_dataset(str(tmp_path), batch_size=1).num_examples == 1


def test_folder_without_images_is_an_error(tmp_path):
    message = one_line_error("no readable images", load_dataset, f"folder:{tmp_path}",
                             batch_size=1)
    assert str(tmp_path) in message
    one_line_error("not found", load_dataset, f"folder:{tmp_path}/missing", batch_size=1)


# --- errors -----------------------------------------------------------------

def test_unknown_name_lists_choices():
    message = one_line_error("unknown dataset 'foo'", load_dataset, "foo", batch_size=8)
    for choice in ("mnist5k", "digits", "fashion_mnist_local", "tfds:<name>", "folder:<path>"):
        assert choice in message


@pytest.mark.parametrize("bad", [0, -3, 2.5])
def test_bad_batch_size(bad):
    one_line_error(f"batch size must be a positive integer, got {bad}", load_dataset,
                   "digits", batch_size=bad)


def test_numpy_integers_are_accepted():
    data = load_dataset("digits", batch_size=np.int64(4), image_size=np.int32(12))
    assert first_batch(data)[0].shape == (4, 12, 12, 1)


def test_batch_larger_than_dataset():
    one_line_error("larger than dataset 'digits'", load_dataset, "digits", batch_size=5000)
    data = load_dataset("digits", batch_size=5000, drop_remainder=False, repeat=False)
    assert first_batch(data)[0].shape[0] == 1797


def test_bad_image_size_channels_and_split():
    one_line_error("image size", load_dataset, "digits", batch_size=8, image_size=0)
    one_line_error("channels must be 1 or 3", load_dataset, "digits", batch_size=8, channels=4)
    one_line_error("only a 'train' split", load_dataset, "digits", batch_size=8, split="test")


# --- pipeline ---------------------------------------------------------------

def test_same_seed_same_batches_different_seed_differs():
    a = first_batch(load_dataset("mnist5k", batch_size=32, seed=3))
    b = first_batch(load_dataset("mnist5k", batch_size=32, seed=3))
    c = first_batch(load_dataset("mnist5k", batch_size=32, seed=4))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])


def test_reshuffles_each_epoch_and_shards_by_data():
    data = load_dataset("digits", batch_size=1797, repeat=True)
    it = iter(data.dataset)
    first, second = next(it)[1].numpy(), next(it)[1].numpy()
    assert sorted(first) == sorted(second) and not np.array_equal(first, second)
    policy = data.dataset.options().experimental_distribute.auto_shard_policy
    assert policy == tf.data.experimental.AutoShardPolicy.DATA


def test_sample_real_images_caps_at_dataset_size():
    x, y = sample_real_images("digits", 10_000, image_size=16, channels=3, seed=1)
    assert x.shape == (1797, 16, 16, 3) and y.shape == (1797,)
    x2, y2 = sample_real_images("digits", 50, seed=1)
    assert x2.shape == (50, 8, 8, 1) and len(set(y2.tolist())) > 1


# --- TFDS -------------------------------------------------------------------

tfds = pytest.importorskip("tensorflow_datasets")


def test_tfds_mocked_offline(monkeypatch, tmp_path):
    # mock_data makes download_and_prepare a no-op; the probe is the only network use.
    monkeypatch.setattr(data_lib, "_online", lambda: True)
    with tfds.testing.mock_data(num_examples=20):
        data = load_dataset("tfds:mnist", batch_size=8, data_dir=str(tmp_path))
        x, y = first_batch(data)
        assert (data.name, data.image_shape, data.num_classes) == ("tfds:mnist", (28, 28, 1), 10)
        assert data.num_examples == 20 and len(data.class_names) == 10
        assert x.shape == (8, 28, 28, 1) and x.dtype == np.float32 and y.dtype == np.int32
        assert x.min() >= -1 and x.max() <= 1
        assert sum(1 for _ in load_dataset("tfds:mnist", batch_size=8, repeat=False,
                                           data_dir=str(tmp_path)).dataset) == 2
        x = first_batch(load_dataset("tfds:cifar10", batch_size=4, image_size=16, channels=1,
                                     data_dir=str(tmp_path)))[0]
        assert x.shape == (4, 16, 16, 1)
        one_line_error("pass --image-size", load_dataset, "tfds:oxford_flowers102",
                       batch_size=4, data_dir=str(tmp_path))


def test_tfds_not_prepared_offline_is_one_line(monkeypatch, tmp_path):
    def no_download(*args, **kwargs):
        raise AssertionError("download attempted")  # the probe must stop it first
    monkeypatch.setattr(data_lib, "_online", lambda: False)
    monkeypatch.setattr(tfds.core.DatasetBuilder, "download_and_prepare", no_download)
    message = one_line_error("not prepared", load_dataset, "tfds:mnist", batch_size=8,
                             data_dir=str(tmp_path))
    assert "'mnist'" in message and str(tmp_path) in message
    assert "tfds build mnist --data_dir DIR" in message and "--data-dir" in message


def test_tfds_download_failure_is_one_line(monkeypatch, tmp_path):
    def failing_download(*args, **kwargs):
        raise ConnectionError("Max retries exceeded\nwith url: ...")
    monkeypatch.setattr(data_lib, "_online", lambda: True)
    monkeypatch.setattr(tfds.core.DatasetBuilder, "download_and_prepare", failing_download)
    message = one_line_error("preparing it failed", load_dataset, "tfds:mnist", batch_size=8,
                             data_dir=str(tmp_path))
    assert "ConnectionError: Max retries exceeded" in message


def test_tfds_unknown_name_or_config(tmp_path):
    one_line_error("unknown TFDS dataset 'no_such_dataset_xyz'", load_dataset,
                   "tfds:no_such_dataset_xyz", batch_size=8, data_dir=str(tmp_path))
    one_line_error("cannot open TFDS dataset 'mnist:9.9.9'", load_dataset,
                   "tfds:mnist:9.9.9", batch_size=8, data_dir=str(tmp_path))


def test_online_probe_is_quick():
    import time
    start = time.time()
    assert isinstance(data_lib._online(), bool)
    assert time.time() - start < 20


def test_tfds_prepared_dataset_is_read_without_network(monkeypatch, tmp_path):
    # DummyMnist writes real TFRecord files locally; preparing needs importlib_resources.
    pytest.importorskip("importlib_resources")
    tfds.testing.DummyMnist(data_dir=str(tmp_path)).download_and_prepare()
    monkeypatch.setattr(data_lib, "_online", lambda: pytest.fail("probed a prepared dataset"))
    data = load_dataset("tfds:dummy_mnist", split="test", batch_size=4, repeat=False,
                        data_dir=str(tmp_path))
    assert (data.num_examples, data.image_shape, data.num_classes) == (20, (28, 28, 1), 10)
    batches = list(data.dataset)
    assert len(batches) == 5 and batches[0][0].shape == (4, 28, 28, 1)
    one_line_error("has no split 'nope'", load_dataset, "tfds:dummy_mnist", split="nope",
                   batch_size=4, data_dir=str(tmp_path))
