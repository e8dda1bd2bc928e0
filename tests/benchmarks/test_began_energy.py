"""benchmarks/began_energy.py: L(x) by hair colour, by hand."""

import numpy as np

from tests.support.scripts import load_benchmark


def test_energy_is_the_mean_absolute_error_per_hair_colour():
    script = load_benchmark("began_energy")
    images = np.stack([np.full((2, 2, 3), v, np.float32) for v in (0.5, -0.25, 1.0)])
    tags = np.zeros((3, 14), np.float32)
    tags[0, 5] = tags[1, 5] = 1.0   # two pink-haired faces
    tags[2, 0] = 1.0                # one blonde
    # A D that rebuilds every face as mid-grey 0: L(x) = mean |x|.
    rows, overall = script.energy_by_hair(lambda x, training: np.zeros_like(x), images, tags,
                                          batch=2)
    assert set(rows) == {"pink", "blonde"}
    assert rows["pink"][0] == 2 and np.isclose(rows["pink"][1], 0.375)
    assert np.isclose(rows["pink"][2], 0.125)
    assert rows["blonde"] == (1, 1.0, 0.0)
    assert np.isclose(overall, (0.5 + 0.25 + 1.0) / 3)
