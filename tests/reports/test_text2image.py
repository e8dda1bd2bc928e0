"""The text-to-image report's grids (tfgan_zoo.reports.text2image)."""

import numpy as np

from tfgan_zoo.data import shapes
from tfgan_zoo.reports.text2image import captioned_grid, shape_grid
from tests.support.shapes import ShapeDrawer


def test_captioned_grid(tmp_path):
    rows = [[np.zeros((8, 8, 3)), np.ones((16, 16, 3))], [np.zeros((8, 8, 1))]]
    grid = captioned_grid(rows, ["a red circle", "a long caption " * 5], tmp_path / "g.png",
                          cell=32, headers=["I", "II"])
    assert grid.shape[1] == 230 + 2 * 36 + 4 and (tmp_path / "g.png").is_file()


def test_shape_grid_has_a_row_per_size_and_colour(tmp_path):
    grid = shape_grid(ShapeDrawer(), tmp_path / "shapes.png")
    rows, columns = 2 * len(shapes.COLOUR_NAMES), 2 * len(shapes.SHAPES)
    assert grid.shape == (22 + rows * 68 + 4, 230 + columns * 68 + 4, 3)
    assert (tmp_path / "shapes.png").stat().st_size > 0
