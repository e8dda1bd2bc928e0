"""Captioned photos in the CUB / Oxford-102 layout (`captions:DIR`,
tfgan_zoo.data.captions): the reader, a caption folder that does not match
its images, and a clear error when the images would need a download."""

from PIL import Image
import pytest

from tfgan_zoo.data import captions, load_dataset
from tfgan_zoo.errors import UserError


def _caption_folder(root, names, text="this bird is red with black wings"):
    for i, name in enumerate(names):
        folder = root / "text_c10" / f"{1 + i % 2:03d}.Some_bird"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.txt").write_text(f"{text}\na small bird with a short beak\n")
    return root


def _image_folder(root, names):
    for name in names:
        (root / "001.Some_bird").mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (40, 30), (200, 20, 20)).save(root / "001.Some_bird" / f"{name}.jpg")
    return root


def test_cub_layout_reader(tmp_path):
    names = [f"Some_Bird_{i:04d}" for i in range(6)]
    text = _caption_folder(tmp_path / "cub_icml", names)
    images = _image_folder(tmp_path / "images", names)
    data = load_dataset(f"captions:{text}", data_dir=str(images), batch_size=4,
                        image_size=16)
    batch, features = next(iter(data.dataset))
    assert batch.shape == (4, 16, 16, 3) and data.num_examples == 6
    assert features["tokens"].shape == (4, captions.CAPTIONS, captions.MAX_LENGTH)
    vocabulary, examples = captions.vocabulary_and_examples(str(text))
    assert {"bird", "red", "wings"} <= set(vocabulary) and examples[0].startswith("this bird")


def test_caption_folder_that_does_not_match_the_images(tmp_path):
    text = _caption_folder(tmp_path / "cub_icml", ["Bird_0001", "Bird_0002"])
    images = _image_folder(tmp_path / "images", ["Flower_0001"])
    with pytest.raises(UserError, match="does not match the images"):
        load_dataset(f"captions:{text}", data_dir=str(images), batch_size=1)
    with pytest.raises(UserError, match="no text_c10"):
        load_dataset(f"captions:{images}", data_dir=str(images), batch_size=1)


def test_cub_without_images_offline_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(captions, "online", lambda: False)
    text = _caption_folder(tmp_path / "cub_icml", ["Bird_0001"])
    (tmp_path / "tfds" / "caltech_birds2011").mkdir(parents=True)  # a TFDS data dir
    with pytest.raises(UserError, match="caltech_birds2011.*no network"):
        load_dataset(f"captions:{text}", data_dir=str(tmp_path / "tfds"), batch_size=1)
