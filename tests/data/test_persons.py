"""The procedural person renderer, pose pairs and dressed figures
(tfgan_zoo.data.persons, tfgan_zoo.data.figures)."""

import numpy as np
import pytest

from tfgan_zoo.data import digits, figures, load_dataset, persons
from tfgan_zoo.errors import UserError


def test_same_look_in_two_poses():
    rng = np.random.default_rng(0)
    look = persons.random_appearance(rng)
    background = np.full((64, 32, 3), 90, np.uint8)
    a, b = (persons.framed_pose(rng, look, 64, 32) for _ in range(2))
    image_a, points_a, mask_a = persons.render(look, a, 64, 32, background)
    image_b, points_b, mask_b = persons.render(look, b, 64, 32, background)
    assert image_a.shape == (64, 32, 3) and points_a.shape == (persons.NUM_KEYPOINTS, 2)
    assert persons.inside_frame(points_b, 64, 32)
    assert not np.allclose(points_a, points_b)
    # Outside the body mask the background is untouched (but for the
    # anti-aliased edge pixels the body half covers).
    assert (image_b[~mask_b] == 90).all(-1).mean() > 0.9
    assert (image_b[mask_b] != 90).any(-1).mean() > 0.9
    # The same person: the shirt colour is drawn in both poses.
    shirt = np.array(look.shirt)
    assert (image_a == shirt).all(-1).any() and (image_b == shirt).all(-1).any()


def test_heatmaps_peak_at_the_keypoints():
    points = np.array([[[3.5, 10.5]] * persons.NUM_KEYPOINTS], np.float32)
    maps = persons.heatmaps(points, 64, 32).numpy()
    assert maps.shape == (1, 64, 32, persons.NUM_KEYPOINTS)
    assert np.unravel_index(maps[0, ..., 0].argmax(), (64, 32)) == (10, 3)
    assert maps.max() == pytest.approx(1.0)


def test_pose_pairs_pipeline():
    data = load_dataset("poses", batch_size=4, split="test")
    image_a, pose_b, image_b, mask_b = next(iter(data.dataset))
    assert image_a.shape == image_b.shape == (4, 64, 32, 3)
    assert pose_b.shape == (4, 64, 32, persons.NUM_KEYPOINTS)
    assert set(np.unique(mask_b)) <= {0.0, 1.0}
    assert data.model_args["pose_channels"] == persons.NUM_KEYPOINTS
    with pytest.raises(UserError, match="leave --image-size"):
        load_dataset("poses", batch_size=4, image_size=32, split="test")


def test_product_is_the_worn_item_on_white():
    item = np.zeros((28, 28), np.uint8)
    item[4:24, 8:20] = 255
    shot = figures.product(item, (200, 10, 10))
    assert shot.shape == (32, 32, 3)
    assert (shot[0, 0] == 255).all() and (shot[16, 16] == (200, 10, 10)).all()
    assert figures.place(1) == "trouser" and figures.place(0) == "top"
    assert figures.place(7) == "shoe" and figures.place(8) == "bag"


def test_missing_fashion_mnist_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setattr(digits, "FASHION_MNIST_DIR", str(tmp_path))
    with pytest.raises(UserError, match="apt-get install dataset-fashion-mnist") as error:
        figures.fashion_arrays("test")
    assert "\n" not in str(error.value)
