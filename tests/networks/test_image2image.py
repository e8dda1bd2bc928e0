"""Image-to-image building blocks (tfgan_zoo.networks.image2image): the
image pool of past fakes (Shrivastava et al. 2017, as in CycleGAN) and the
PatchGAN discriminator's receptive field."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.networks.image2image import ImagePool, patch_discriminator, patch_receptive_field


def test_image_pool_fills_then_mixes_past_and_current():
    pool = ImagePool((1, 1, 1), size=4)
    query = tf.function(lambda x, seed: pool(x, seed=seed))
    first = query(tf.reshape(tf.range(4, dtype=tf.float32), [4, 1, 1, 1]),
                  tf.constant([0, 0]))
    np.testing.assert_array_equal(first.numpy().ravel(), [0, 1, 2, 3])  # filling
    np.testing.assert_array_equal(sorted(pool.images.numpy().ravel()), [0, 1, 2, 3])
    past = 0
    for step in range(1, 201):
        value = 100.0 + step
        out = query(tf.fill([1, 1, 1, 1], value), tf.constant([step, 1])).numpy().ravel()[0]
        stored = pool.images.numpy().ravel()
        if out != value:  # returned a stored image, which the new one replaced
            past += 1
            assert out < value and value in stored
        assert int(pool.count.numpy()) == 4
    assert 70 <= past <= 130  # p = 1/2 over 200 queries


def test_image_pool_is_per_replica_under_mirrored_strategy(mirrored):
    with mirrored.scope():
        pool = ImagePool((1, 1, 1), size=2)

    @tf.function
    def step():
        replica = tf.distribute.get_replica_context().replica_id_in_sync_group
        return pool(tf.fill([2, 1, 1, 1], tf.cast(replica, tf.float32) + 1.0),
                    seed=tf.constant([0, 0]))

    mirrored.run(step)
    local = [v.numpy().ravel().tolist()
             for v in mirrored.experimental_local_results(pool.images.value)]
    assert sorted(local) == [[1.0, 1.0], [2.0, 2.0]]


def test_patchgan_receptive_field_is_70_for_three_layers():
    assert patch_receptive_field(3) == 70
    assert patch_discriminator((32, 32, 6), ndf=4, n_layers=3)(
        np.zeros((1, 32, 32, 6))).shape == (1, 4, 4, 1)
    with pytest.raises(UserError, match="divisible by 8"):
        patch_discriminator((12, 12, 3), ndf=4, n_layers=3)
