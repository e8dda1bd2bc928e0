"""heads2frontal: views paired with exact landmarks and their true frontal."""
import numpy as np
import pytest

from tfgan_zoo.data import heads, load_dataset
from tfgan_zoo.errors import UserError


def test_landmarks_land_on_the_painted_features():
    for pose in (3, heads.FRONTAL, 9):
        image = heads.render_views([5], [pose], 64)[0].astype(float) / 255
        eye, _, _, mouth = heads.landmarks([5], [pose])[0]
        iris = heads.identity_params(5)["iris"]
        # The eye centre is the iris (shaded), the mouth centre its red.
        pixel = image[int(eye[1] * 64), int(eye[0] * 64)]
        assert np.allclose(pixel / pixel.max(), iris / iris.max(), atol=0.12)
        red = image[int(mouth[1] * 64), int(mouth[0] * 64)]
        assert red[0] > 2 * red[1]


def test_pairs_hold_the_frontal_of_the_same_identity():
    source = heads.FrontalPairs(3, 16, "test")
    views, points, frontal, labels = source.arrays()
    ids, poses = heads.split_label(labels)
    assert np.array_equal(frontal[7], views[(ids == ids[7]) & (poses == heads.FRONTAL)][0])
    assert points.shape == (39, 4, 2)
    data = load_dataset("heads2frontal:test:3", batch_size=13, image_size=16)
    view, point, front, label = next(iter(data.dataset))
    assert view.shape == front.shape == (13, 16, 16, 3) and point.shape == (13, 4, 2)
    assert data.num_classes == 39 and float(view.numpy().max()) <= 1.0


def test_bad_options_one_line():
    with pytest.raises(UserError, match="heads2frontal takes a part"):
        load_dataset("heads2frontal:x", batch_size=2)
    with pytest.raises(UserError, match="pose bins are 0-12"):
        heads.landmarks([0], [13])
