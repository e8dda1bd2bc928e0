"""The procedural 3-D heads: exact poses, identities, UV and visibility."""
import numpy as np
import pytest

from tfgan_zoo.data import heads
from tfgan_zoo.errors import UserError


def test_every_identity_at_every_pose_and_labels_split():
    images, labels = heads.generate(3, 16, "train")
    assert images.shape == (39, 16, 16, 3) and images.dtype == np.uint8
    ids, poses = heads.split_label(labels)
    assert ids.tolist() == np.repeat(np.arange(3), 13).tolist()
    assert poses.tolist() == list(range(13)) * 3


def test_renders_are_exact_and_pose_mirrors():
    a = heads.render_views([5, 5], [0, 12], 16)
    assert np.array_equal(a, heads.render_views([5, 5], [0, 12], 16))   # seeded
    # Yaw changes the view; a different identity changes it too.
    assert np.abs(a[0].astype(int) - a[1]).mean() > 1
    b = heads.render_views([6], [0], 16)
    assert np.abs(a[0].astype(int) - b[0]).mean() > 1


def test_held_out_identities_differ_from_train():
    train = heads.identity_params(0 + heads.PARTS["train"])
    test = heads.identity_params(0 + heads.PARTS["test"])
    assert not np.allclose(train["radii"], test["radii"])


def test_visibility_frontal_sees_the_face_not_the_back():
    vis = heads.uv_visibility([heads.FRONTAL, 0], [1, 1], 32)
    u, _ = heads.uv_grid(32)
    front, back = np.abs(u) < 1.0, np.abs(u) > 2.2
    assert vis[0][front].all() and not vis[0][back].any()
    # Turned to -60 degrees, it sees one side more than the other.
    assert vis[1][u < -1.2].mean() != vis[1][u > 1.2].mean()
    assert heads.uv_textures([1], 32).shape == (1, 32, 32, 3)


def test_bad_input_one_line():
    with pytest.raises(UserError, match="pose bins are 0-12"):
        heads.render_views([0], [13], 16)
    with pytest.raises(UserError, match="heads takes a part"):
        heads.load_source("nope", split="train", data_dir=None, image_size=16)
