"""benchmarks/fidelity_diagnose.py: the share of a clipped critic's weights
that sit at the clip, by variable kind and in all."""

import numpy as np
import pytest

from tests.support.models import build
from tests.support.scripts import load_benchmark


@pytest.fixture(scope="module")
def diagnose():
    return load_benchmark("fidelity_diagnose")


def test_clip_saturation_counts_weights_at_the_clip(diagnose):
    model = build("wgan")
    c = model.clip
    variables = model.discriminator.trainable_variables
    for w in variables:
        w.assign(np.zeros(w.shape, np.float32))
    kernels = [w for w in variables if w.path.endswith("kernel")]
    first = kernels[0]
    # Half of the first kernel at +-c (one at 0.995 c, inside the 0.99 c
    # tolerance), the rest just inside: 0.98 c.
    values = np.full(first.shape, 0.98 * c, np.float32).reshape(-1)
    half = values.size // 2
    values[:half] = c
    values[1] = -c
    values[2] = 0.995 * c
    first.assign(values.reshape(first.shape))
    kernel_size = sum(int(np.prod(w.shape)) for w in kernels)
    total = sum(int(np.prod(w.shape)) for w in variables)
    reading = diagnose.clip_saturation(model)
    assert reading["clip"] == c
    assert reading["kernel"] == round(half / kernel_size, 3)
    assert reading["all"] == round(half / total, 3)
    assert all(reading[kind] == 0 for kind in ("gamma", "beta") if kind in reading)
