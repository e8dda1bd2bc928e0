"""The captioned-image loaders `tfgan_zoo.data` registers (see `shapes`)."""

from tfgan_zoo.text import shapes

LOADERS = {
    "shapes_captions": shapes.load_source,
    "shapes_captions:": shapes.load_source,
}
