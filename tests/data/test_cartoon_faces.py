"""Procedural cartoon faces: deterministic, exact tags, held-out (hair,
eye) pairs only in the held-out part, tag names in and out, and the
loader's parts and errors."""

import numpy as np
import pytest

from tfgan_zoo.data import cartoon_faces as faces
from tfgan_zoo.data import load_dataset
from tfgan_zoo.errors import UserError


def _pairs(tags):
    hair = tags[:, :6].argmax(1)
    eye = tags[:, 6:11].argmax(1)
    names = list(faces.HAIR_COLOURS), list(faces.EYE_COLOURS)
    return {(names[0][h], names[1][e]) for h, e in zip(hair, eye)}


def test_faces_are_deterministic_and_tags_are_exact():
    images, tags = faces.generate(40, 32, "train")
    again, tags_again = faces.render(faces.make_faces(40, "train"), 32), \
        faces.tag_vectors(faces.make_faces(40, "train"))
    np.testing.assert_array_equal(images, again)
    np.testing.assert_array_equal(tags, tags_again)
    assert images.shape == (40, 32, 32, 3) and images.dtype == np.uint8
    assert tags.shape == (40, len(faces.TAGS))
    np.testing.assert_array_equal(tags[:, :6].sum(1), 1)   # one hair colour
    np.testing.assert_array_equal(tags[:, 6:11].sum(1), 1)  # one eye colour
    assert set(np.unique(tags[:, 11:])) == {0.0, 1.0}


def test_held_out_pairs_appear_only_in_the_held_out_part():
    held = set(faces.HELD_OUT)
    for part in ("train", "test"):
        assert not _pairs(faces.generate(600, 16, part)[1]) & held
    assert _pairs(faces.generate(300, 16, "heldout")[1]) == held


def test_tags_change_the_drawing_where_they_should():
    """The same face with another eye colour differs only around the eyes."""
    face = faces.make_faces(1, "train")
    other = {k: v.copy() for k, v in face.items()}
    other["eye"] = (face["eye"] + 1) % len(faces.EYE_COLOURS)
    diff = np.abs(faces.render(face, 64).astype(int) - faces.render(other, 64)).sum(-1)[0]
    rows, cols = np.nonzero(diff)
    assert len(rows) and 20 < rows.mean() < 50 and 16 < cols.mean() < 48


def test_encode_and_describe_tag_names():
    vector = faces.encode_tags(["pink hair", "green eyes", "short hair", "glasses"])
    assert {"pink hair", "green eyes", "glasses"} <= set(faces.describe(vector))
    assert "long hair" not in faces.describe(vector)
    with pytest.raises(UserError, match="unknown tag 'green hair'"):
        faces.encode_tags(["green hair"])
    with pytest.raises(UserError, match="two values of hair colour"):
        faces.encode_tags(["pink hair", "red hair"])


def test_sample_tags_are_valid_and_can_cycle_pairs():
    tags = faces.sample_tags(30, order=True)
    assert _pairs(tags) == {(h, e) for h in faces.HAIR_COLOURS for e in faces.EYE_COLOURS}
    small = faces.sample_tags(10, groups=(3, 2, 1), seed=4)
    np.testing.assert_array_equal(small[:, :3].sum(1), 1)
    np.testing.assert_array_equal(small[:, 3:5].sum(1), 1)


def test_loader_parts_and_errors():
    data = load_dataset("cartoon_faces:test:64", batch_size=8, image_size=16)
    images, tags = next(iter(data.dataset))
    assert data.num_classes == len(faces.TAGS) and data.class_names == faces.TAGS
    assert images.shape == (8, 16, 16, 3) and tags.shape == (8, len(faces.TAGS))
    assert float(images.numpy().min()) >= -1 and float(images.numpy().max()) <= 1
    assert data.name == "cartoon_faces:test"
    with pytest.raises(UserError, match="cartoon_faces takes a part"):
        load_dataset("cartoon_faces:valid", batch_size=8)
    with pytest.raises(UserError, match="size must be an integer >= 16"):
        load_dataset("cartoon_faces:32", batch_size=8, image_size=8)
