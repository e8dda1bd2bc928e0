"""A folder of images (`folder:PATH` or a bare path, tfgan_zoo.data.folder):
one class per sub-folder, recursive unlabelled folders, resizing, and the
files it skips (and says so) or refuses."""

import os

import numpy as np
import pytest
from PIL import Image

from tfgan_zoo.data import load_dataset
from tfgan_zoo.errors import UserError
from tests.support.models import one_line_error


def first_batch(data):
    batch = next(iter(data.dataset))
    return [t.numpy() for t in batch] if isinstance(batch, tuple) else batch.numpy()


def save_png(path, size=(12, 10), mode="RGB", value=128):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.new(mode, size, value if mode == "L" else (value, 0, 255 - value)).save(path)


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
    with pytest.raises(UserError) as info:
        load_dataset(str(tmp_path), batch_size=1)
    one_line_error(info, "pass --image-size")
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
    with pytest.raises(UserError) as info:
        load_dataset(f"folder:{tmp_path}", batch_size=1)
    one_line_error(info, "no readable images", str(tmp_path))
    with pytest.raises(UserError) as info:
        load_dataset(f"folder:{tmp_path}/missing", batch_size=1)
    one_line_error(info, "not found")
