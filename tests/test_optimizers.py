"""tfgan_zoo.optimizers: the linear learning-rate decay (CycleGAN, §7)."""

import numpy as np
import pytest

from tfgan_zoo.errors import UserError
from tfgan_zoo.optimizers import LinearDecay


def test_linear_decay_over_the_second_half():
    schedule = LinearDecay(2e-4, total_steps=100, decay_start=50)
    values = [float(schedule(t)) for t in (0, 25, 50, 75, 100, 150)]
    np.testing.assert_allclose(values, [2e-4, 2e-4, 2e-4, 1e-4, 0.0, 0.0], atol=1e-12)
    clone = LinearDecay.from_config(schedule.get_config())
    assert float(clone(75)) == pytest.approx(1e-4)
    with pytest.raises(UserError, match="decay must start inside the run"):
        LinearDecay(1.0, total_steps=10, decay_start=10)
