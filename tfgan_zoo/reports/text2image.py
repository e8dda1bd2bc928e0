"""What the text-to-image recipes write after training: sample grids
labelled with their captions (PIL text), the shape grid, held-out captions,
interpolations, faithfulness scores and the exports (`report`)."""

from __future__ import annotations

import io
import json
import textwrap

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from tfgan_zoo.data import shapes
from tfgan_zoo.evaluation import faithfulness as fm
from tfgan_zoo.export import serving
from tfgan_zoo.files import write_atomic
from tfgan_zoo.images import to_uint8

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


def report(model, config, phases, out, name, before=None, before_title=None):
    """Captioned grids, caption interpolation, faithfulness and exports of
    the final `model`. `before(captions, seed)` draws an extra first column
    (StackGAN: Stage-I's image) titled `before_title`."""
    folder = out / "report"
    on_shapes = config.dataset.startswith("shapes_captions")
    sets = {"captions": list(model.sample_captions)}
    if on_shapes:
        sets = {"captions": shapes.example_captions(10, "test"),
                "heldout": shapes.example_captions(10, "heldout")}
    size = model.image_shape[0]
    drawn = "4 noise draws" if model.latent_dim else "4 source images edited to it"
    headers = ([before_title] if before else []) + [f"{size}px, {drawn}"]
    for kind, captions in sets.items():
        rows = []
        for i, caption in enumerate(captions):
            row = list(before(caption, i)[:1]) if before else []
            rows.append(row + list(model.sample(4, seed=i, text=caption)))
        captioned_grid(rows, captions, folder / f"{kind}.png", headers=headers)
        print(f"  {folder / f'{kind}.png'}: {len(captions)} "
              f"{'held-out (zero-shot) ' if kind == 'heldout' else ''}captions")
    pairs = list(zip(sets["captions"][0::2], sets["captions"][1::2]))[:4]
    rows = [model.interpolate_captions(a, b, steps=6, seed=3) for a, b in pairs]
    captioned_grid(rows, [f"{a} -> {b}" for a, b in pairs], folder / "interpolation.png")
    print(f"  {folder / 'interpolation.png'}: caption interpolation (GAN-INT)")
    if on_shapes:
        shape_grid(model, folder / "shapes.png")
        print(f"  {folder / 'shapes.png'}: a large / small <colour> <shape>, every pair")

    if phases.get("evaluate") and on_shapes:
        print("Measuring caption faithfulness with an attribute classifier ...")
        columns = [(f"{name} {size}px", None)]
        if before:  # the first column is scored too (Stage-I; an unedited source)
            columns.insert(0, (before_title, before))
        scores = fm.score_columns(model, columns, out / "classifier")
        for title in scores:
            for split, s in scores[title].items():
                print(f"  {title}, {split} captions: all attributes right for "
                      f"{s['generated']['all']:.2f} (real images {s['real']['all']:.2f}, "
                      f"shuffled captions {s['shuffled']['all']:.2f})")
        table = fm.shape_table(model, fm.cached_classifier(size, out / "classifier"))
        right = fm.pairs_drawn_right(table)
        scores["shapes"] = {"large_draws_read_as": table, **right}
        print(f"  {name} {size}px, \"a large <colour> <shape>\": drawn as that shape in most "
              f"of 32 draws for {right['seen']['right']} of {right['seen']['pairs']} seen "
              f"pairs, {right['heldout']['right']} of {right['heldout']['pairs']} held-out")
        (folder / "faithfulness.json").write_text(json.dumps(scores, indent=2))

    if config.export:
        result = serving.export_model(model, out / "models", name=name, quantize=("none",),
                                      config=config, latency_runs=5, measure_inputs=4)
        print(f"  SavedModel (text -> uint8 images): {result.saved_model}")
        print(f"  TFLite (embedding -> images): {result.tflite['float32']}")
