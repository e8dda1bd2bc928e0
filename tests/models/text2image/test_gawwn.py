"""GAWWN (Reed et al. 2016, "Learning What and Where to Draw"): the boxes
of the example captions are the scenes' own, and moving a box moves what
is drawn."""

import numpy as np
import tensorflow as tf

from tfgan_zoo.data import shapes
from tfgan_zoo.models.text2image.gawwn import GAWWN


def test_gawwn_draws_where_the_boxes_are():
    model = GAWWN(image_shape=(16, 16, 3), seed=0, latent_dim=4, **GAWWN.test_config)
    scenes = shapes.example_scenes(3)
    np.testing.assert_allclose(model.boxes_for(scenes.captions[:, 0]), scenes.bbox)
    inputs = {k: tf.constant(v) for k, v in model.example_inputs(2).items()}
    moved = dict(inputs, bbox=tf.constant([[[0.6, 0.6, 0.95, 0.95], [0, 0, 0, 0]]] * 2,
                                          tf.float32))
    assert np.abs(model.generate_from(inputs) - model.generate_from(moved)).max() > 1e-3
