"""Image pairs (tfgan_zoo.data.photos): paired and unpaired folders, the
datasets cut from the photos bundled in scikit-image and scikit-learn
(edges2photo, photo2recolor, sr, inpaint), and TFDS pairs offline."""

import numpy as np
import pytest
from PIL import Image

from tfgan_zoo.data import load_dataset, photos, tfds
from tfgan_zoo.errors import UserError
from tfgan_zoo.masks import center_mask


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
    assert data.image_shape == (32, 32, 3) and data.num_examples == photos.TRAIN_PATCHES
    assert set(np.unique(source)) <= {-1.0, 1.0}  # black lines on white
    # The edge drawing is Canny on the very patch shown as the target.
    test = load_dataset("edges2photo", batch_size=4, image_size=32, split="test")
    assert test.num_examples == photos.TEST_PATCHES
    assert not set(photos.TRAIN_PHOTOS) & set(photos.TEST_PHOTOS)


def test_photo2recolor_is_unpaired_for_training_and_aligned_for_testing():
    train = load_dataset("photo2recolor", batch_size=4, image_size=16)
    assert train.model_args["paired"] is False
    _, source, target = _first_batch("photo2recolor", 4, image_size=16, split="test")
    expected = photos.recolor(np.rint((source + 1) * 127.5).astype(np.uint8))
    np.testing.assert_allclose(target, _to_float(expected), atol=1e-6)
    # Three turns of 120 degrees come back to the start (up to rounding).
    photo = np.rint((source + 1) * 127.5).astype(np.uint8)
    back = photos.recolor(photos.recolor(photos.recolor(photo)))
    assert np.abs(back.astype(int) - photo.astype(int)).max() <= 3


def test_sr_low_res_is_the_bicubic_high_res():
    data, low, high = _first_batch("sr", 2, image_size=32)
    assert data.model_args["input_shape"] == (8, 8, 3) and data.image_shape == (32, 32, 3)
    patch = np.rint((high[0] + 1) * 127.5).astype(np.uint8)
    np.testing.assert_allclose(low[0], _to_float(photos._resize_uint8(patch, 8, 8)),
                               atol=1e-6)
    with pytest.raises(UserError, match="divisible by the scale factor"):
        load_dataset("sr", batch_size=2, image_size=30)


def test_inpaint_holes_are_zero_and_the_rest_is_the_target():
    _, masked, full = _first_batch("inpaint", 2, image_size=16)
    hole = center_mask(16, 16)
    assert hole.sum() == 64 and hole[4:12, 4:12].all()
    assert (masked[:, hole] == 0).all()
    np.testing.assert_array_equal(masked[:, ~hole], full[:, ~hole])


def test_patch_larger_than_the_photos_is_refused():
    with pytest.raises(UserError, match="larger than an embedded photo.*--image-size"):
        load_dataset("edges2photo", batch_size=2, image_size=1024)


# --------------------------------------------------------------------- TFDS
@pytest.mark.parametrize("name", ["cycle_gan:horse2zebra", "div2k:bicubic_x4"])
def test_tfds_not_prepared_offline_is_one_clear_line(name, tmp_path, monkeypatch):
    pytest.importorskip("tensorflow_datasets")
    monkeypatch.setattr(tfds, "online", lambda: False)
    with pytest.raises(UserError, match="not prepared.*--data-dir") as error:
        load_dataset(name, batch_size=1, data_dir=str(tmp_path))
    assert "\n" not in str(error.value)
