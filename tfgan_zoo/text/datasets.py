"""The captioned-image loaders `tfgan_zoo.data` registers (see `shapes`
and `cub`)."""

from tfgan_zoo.text import cub, shapes

LOADERS = {
    "shapes_captions": shapes.load_source,
    "shapes_captions:": shapes.load_source,
    "captions:": cub.load_source,
}
