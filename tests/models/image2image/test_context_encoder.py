"""The Context Encoder (Pathak et al. 2016): it keeps the context, fills
the hole from the context alone, and finds the hole of an `inpaint` source."""

import numpy as np
import pytest

from tfgan_zoo.errors import UserError
from tfgan_zoo.masks import center_mask
from tfgan_zoo.models.image2image.context_encoder import ContextEncoder


def test_context_encoder_keeps_the_context_and_fills_the_hole():
    model = ContextEncoder(image_shape=(16, 16, 3), ngf=8, ndf=8, seed=0)
    model.build_networks()
    images = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 3)).astype("float32")
    mask = np.broadcast_to(center_mask(16, 16)[..., None].astype("float32"), (2, 16, 16, 1))
    out = model.inpaint(images, mask).numpy()
    np.testing.assert_array_equal(out[mask[..., 0] == 0], images[mask[..., 0] == 0])
    assert not np.allclose(out[:, 4:12, 4:12], images[:, 4:12, 4:12])
    # The hole's pixels never reach the generator.
    changed = images.copy()
    changed[:, 4:12, 4:12] = 0.7
    np.testing.assert_allclose(model.inpaint(changed, mask).numpy()[:, 4:12, 4:12],
                               out[:, 4:12, 4:12], atol=1e-6)
    # translate() finds the hole of an `inpaint` dataset source (exact zeros).
    source = np.where(mask == 1, 0.0, images).astype("float32")
    np.testing.assert_allclose(model.translate(source).numpy(), out, atol=1e-6)
    with pytest.raises(UserError, match="unknown mask"):
        ContextEncoder(image_shape=(16, 16, 3), mask="ring")
    with pytest.raises(UserError, match="image sides"):
        ContextEncoder(image_shape=(6, 6, 3))
