"""Sample grids labelled with their captions (PIL text)."""

from __future__ import annotations

import io
import textwrap

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from tfgan_zoo.images import to_uint8, write_atomic
from tfgan_zoo.text import shapes

TEXT_WIDTH = 230  # pixels of caption beside each row
BACKGROUND = (255, 255, 255)


def _font(size=13):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has only the bitmap font
        return ImageFont.load_default()


def _cell(image, size):
    pixels = to_uint8(image)
    if pixels.shape[-1] == 1:
        pixels = np.repeat(pixels, 3, -1)
    return Image.fromarray(pixels).resize((size, size), Image.NEAREST)


def captioned_grid(rows, captions, path=None, cell=96, headers=None, padding=4):
    """One row per caption: the caption (wrapped) on the left, then that
    row's images (each [H, W, C] in [-1, 1], any size, shown at `cell` px
    with nearest-neighbour upscaling). `headers` names the columns. Writes
    a PNG when `path` is given; returns the grid as uint8 [H, W, 3]."""
    font = _font()
    columns = max(len(r) for r in rows)
    header_h = 22 if headers else 0
    width = TEXT_WIDTH + columns * (cell + padding) + padding
    height = header_h + len(rows) * (cell + padding) + padding
    canvas = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    if headers:
        for j, title in enumerate(headers):
            draw.text((TEXT_WIDTH + padding + j * (cell + padding), 4), title,
                      fill=(0, 0, 0), font=font)
    for i, (images, caption) in enumerate(zip(rows, captions)):
        top = header_h + padding + i * (cell + padding)
        lines = textwrap.wrap(str(caption), width=30)[:cell // 16]
        draw.multiline_text((padding, top + 2), "\n".join(lines), fill=(0, 0, 0),
                            font=font, spacing=2)
        for j, image in enumerate(images):
            canvas.paste(_cell(image, cell), (TEXT_WIDTH + padding + j * (cell + padding), top))
    if path is not None:
        buffer = io.BytesIO()
        canvas.save(buffer, format="PNG")
        write_atomic(path, buffer.getvalue())
    return np.asarray(canvas)


def shape_grid(model, path=None, seed=3):
    """"a large / small <colour> <shape>" for every colour and shape of the
    embedded shapes, two draws each: one row per size and colour, column
    pairs circle, square, triangle, cross. Returns the captioned grid."""
    rows, captions = [], []
    for size in ("large", "small"):
        for colour in shapes.COLOUR_NAMES:
            rows.append([image for shape in shapes.SHAPES
                         for image in model.sample(2, seed=seed,
                                                   text=f"a {size} {colour} {shape}")])
            captions.append(f"a {size} {colour} ...")
    headers = [name for shape in shapes.SHAPES for name in (shape, "")]
    return captioned_grid(rows, captions, path, cell=64, headers=headers)
