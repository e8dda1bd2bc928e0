"""Stand-ins for a text-to-image generator and an attribute classifier on
the captioned shapes, for faithfulness and report tests."""

import numpy as np

from tfgan_zoo.data import shapes


class ShapeDrawer:
    """A stand-in generator for "a large <colour> <shape>": its images
    carry the shape it draws as a pixel value (`draw` maps the caption's
    shape to the drawn one), at 64 px."""

    def __init__(self, draw=lambda shape: shape):
        self.draw = draw

    def sample(self, num, seed=0, text=None):
        shape = self.draw(text.split()[-1])
        return np.full((num, 64, 64, 3), shapes.SHAPES.index(shape) / 4, np.float32)


class ShapeReader:
    """A stand-in classifier at 32 px that reads that pixel value back."""
    input_shape = (None, 32, 32, 3)

    def predict(self, images, **_):
        assert images.shape[1:] == (32, 32, 3)  # average-pooled from 64 px
        shape = np.round(images[:, 0, 0, 0] * 4).astype(int)
        return [np.eye(n)[shape if head == "shape0" else np.zeros(len(images), int)]
                for head, n in zip(shapes.ATTRIBUTES, shapes.ATTRIBUTE_CLASSES)]
