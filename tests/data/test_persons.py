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


def _worn(item, label, seed=3):
    """A figure wearing `item` (bright red) as `label`, on grey; (image,
    keypoints, body height in pixels, where the item shows)."""
    rng = np.random.default_rng(seed)
    look = persons.random_appearance(rng, height=(0.80, 0.86), neutral=True)
    pose = persons.framed_pose(rng, look, 64, 64, arms=(-5.0, 25.0), legs=(-3.0, 10.0))
    background = np.full((64, 64, 3), 128, np.uint8)
    image, points, _ = persons.render(look, pose, 64, 64, background,
                                      extra=figures._wear(item, (230, 20, 20), label))
    return image, points, look.height * 64, (image[..., 0] > 150) & (image[..., 1] < 90)


def test_a_worn_shoe_is_drawn_product_sized_with_its_toe_pointing_out():
    # A shoe as Fashion-MNIST draws one: the toe on the left, the shaft
    # (and the heel) on the right.
    item = np.zeros((28, 28), np.uint8)
    item[18:23, 2:26] = 255
    item[6:18, 16:26] = 255
    _, points, unit, shoe = _worn(item, figures.SNEAKER)
    ys, xs = np.nonzero(shoe)
    right_ankle, left_ankle = points[10], points[13]  # the image's left, then right
    middle = (right_ankle[0] + left_ankle[0]) / 2
    for on_side, ankle, outward in ((xs < middle, right_ankle, -1), (xs >= middle, left_ankle, 1)):
        # Each shoe is about as wide as the 28x28 box's 0.48 body heights
        # (about the product's own 28 pixels; the drawing before 2026-12-06
        # 21:00, 0.40, gave 0.34 here), and its toe points away from the body.
        assert np.ptp(xs[on_side]) + 1 >= 0.38 * unit
        assert outward * (xs[on_side].mean() - ankle[0]) > 0.05 * unit
        # Its sole sits at the foot, not above the knee.
        assert abs(ys[on_side].max() - ankle[1]) < 0.1 * unit


def test_a_coat_is_drawn_larger_than_a_top():
    # The same garment worn as a shirt and as a coat: the coat's box is
    # 0.62 body heights, a top's 0.48, so that size tells them apart (at
    # 0.56 against 0.50 the figure probe read shirts 0.31).
    item = np.zeros((28, 28), np.uint8)
    item[2:26, 4:24] = 255
    spans = {}
    for label in (figures.TOPS[2], figures.COAT):
        _, _, unit, worn = _worn(item, label)
        ys, _ = np.nonzero(worn)
        spans[label] = (np.ptp(ys) + 1) / unit
    assert spans[figures.TOPS[2]] < 0.45 and spans[figures.COAT] > 0.5
    assert spans[figures.COAT] >= 1.2 * spans[figures.TOPS[2]]
