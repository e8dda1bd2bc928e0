"""Dressed figures and their products: a procedural stand-in for LookBook
(Yoo et al. 2016), the data of PixelDTGAN.

LookBook pairs photos of dressed people with the catalogue photo of the
garment they wear; it does not ship offline. Here a mannequin from the
person renderer (`tfgan_zoo.data.persons`, arms down, a random look and
pose, over a patch of the bundled photos) wears one Fashion-MNIST item
(Debian `dataset-fashion-mnist`), tinted a random colour and warped onto
the body where it is worn: tops, dresses and coats on the torso, trousers
on the legs, shoes on both feet, a bag in the right hand. The mannequin's
own clothes are grey and the item a saturated colour, so the item is the
one thing to find. The target is the clean product: the same item, same
colour, on white.

The items are drawn large enough to keep their class on the 64x64 figure
(PLACES): tops 0.48 body heights tall (about 25 pixels, near the product's
own 28), coats 0.62 (a size apart from tops, so that size helps tell a
coat from a shirt), dresses and trousers 0.60, and each shoe 0.48 body
heights wide (about 25 pixels), its heel on the ankle and its toe pointing
away from the body, so that the two feet show two whole shoes side by
side; a boot's shaft then covers the shin. A CNN trained on the figures
(benchmarks/pixeldtgan_figure_probe.py, one seed) reads the garment class
on 0.766 of the test figures, against the 0.847 that network reads on the
clean products: T-shirts, pullovers and shirts (0.64 / 0.63 / 0.54) are
taken for one another, sandals (0.56) and sneakers (0.67) for the other
shoes. Earlier drawings on 2026-12-06 read lower: tops 0.40, coats 0.50
and shoes 0.24 (about 13 pixels, the two overlapping toe to toe) 0.702;
tops 0.50, coats 0.56 and shoes 0.40 0.743 (shirts 0.31). So the stand-in
itself holds PixelDTGAN's check down (benchmarks/RESULTS.md). This is a
property of the stand-in, not of LookBook, whose photos show the garment
at full size.

    lookbook   (source, target) pairs: a 64x64 dressed figure -> the 32x32
               product; 10,000 train (garments from Fashion-MNIST's training
               split, photos from the training photos) / 1,000 test (its
               test split and the test photos); paired, labelled with the
               garment class, which only evaluators read
               (`lookbook_arrays`).
"""

from __future__ import annotations

import functools

import numpy as np

from tfgan_zoo.data import digits, persons
from tfgan_zoo.data.photos import PairSource
from tfgan_zoo.errors import UserError

FIGURE_SIZE = 64
PRODUCT_SIZE = 32
LOOKBOOK_COUNT = {"train": 10000, "test": 1000}
SPLIT_SEEDS = {"train": 0, "test": 1}
CLASS_NAMES = digits.FASHION_MNIST_CLASSES
TOPS, TROUSER, DRESS, COAT, SANDAL, SNEAKER, BAG, BOOT = (0, 2, 6), 1, 3, 4, 5, 7, 8, 9
# Where an item is worn: (size, centre x, outward shift, top y) of its 28x28
# box, in body heights, relative to the neck (tops), the hips (trousers),
# each ankle (shoes) or the right wrist (bag); the outward shift moves a
# shoe's box away from the body's midline, so that its heel sits on the
# ankle and its toe points out. Sizes are large enough that the worn item
# keeps its class on a 64x64 figure (an item at 0.24 body heights, about
# 13 pixels, leaves a boot, a sneaker and a sandal one smudge each), and a
# coat's box stands apart from a top's (at 0.56 against 0.50 the figure
# probe read shirts 0.31, at 0.62 against 0.48 0.54).
PLACES = {"top": (0.48, "neck", 0.0, -0.04), "dress": (0.60, "neck", 0.0, -0.04),
          "coat": (0.62, "neck", 0.0, -0.04), "trouser": (0.60, "hips", 0.0, -0.05),
          "shoe": (0.48, "ankle", 0.144, -0.36), "bag": (0.26, "wrist", 0.0, -0.02)}


def fashion_arrays(split):
    """(uint8 [N, 28, 28], int32 [N]) of Fashion-MNIST, with a one-line
    error naming the Debian package when it is missing."""
    source = digits.load_fashion_mnist_local(None, split=split, data_dir=None,
                                             image_size=None)
    return source.images[..., 0], source.labels


def place(label):
    if label in TOPS:
        return "top"
    return {TROUSER: "trouser", DRESS: "dress", COAT: "coat", BAG: "bag"}.get(label, "shoe")


def garment_colour(rng):
    """A saturated colour (HSV saturation and value >= 0.5), which the grey
    mannequin's own clothes never are."""
    from skimage.color import hsv2rgb
    hsv = [rng.uniform(0, 1), rng.uniform(0.5, 1), rng.uniform(0.5, 1)]
    return tuple(int(round(c * 255)) for c in hsv2rgb(np.array([[hsv]]))[0, 0])


def tint(item, colour):
    """(float RGB [28, 28, 3], bool mask): the grey item shaded in `colour`
    (its intensity is the shading), and where the item is."""
    shade = 0.35 + 0.65 * item.astype(np.float32)[..., None] / 255.0
    return shade * np.asarray(colour, np.float32), item > 24


def product(item, colour):
    """The catalogue photo: the tinted item on white, padded to 32x32."""
    rgb, mask = tint(item, colour)
    image = np.where(mask[..., None], rgb, 255.0)
    pad = (PRODUCT_SIZE - item.shape[0]) // 2
    image = np.pad(image, ((pad, pad), (pad, pad), (0, 0)), constant_values=255.0)
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def _wear(item, colour, label):
    """The `extra` painter of `persons.render` that puts the item on."""
    rgb, mask = tint(item, colour)
    kind = place(label)
    size, anchor, outward, top = PLACES[kind]

    def paint(canvas, px, py, points, unit):
        anchors = {"neck": [points[1]], "hips": [(points[8] + points[11]) / 2],
                   "ankle": [points[10], points[13]], "wrist": [points[4]]}[anchor]
        painted = np.zeros(px.shape, bool)
        for i, (x, y) in enumerate(anchors):
            side = size * unit
            # Fashion-MNIST's shoes point left: the image's left shoe as it
            # is, the right one mirrored, both toes pointing away from the body.
            away = -1 if i == 0 else 1
            left = x + away * outward * unit - side / 2
            upper = y + top * unit
            u = ((px - left) / side * item.shape[1]).astype(int)
            v = ((py - upper) / side * item.shape[0]).astype(int)
            if kind == "shoe" and i == 1:
                u = item.shape[1] - 1 - u
            inside = (u >= 0) & (u < item.shape[1]) & (v >= 0) & (v < item.shape[0])
            hit = np.zeros(px.shape, bool)
            hit[inside] = mask[v[inside], u[inside]]
            canvas[hit] = rgb[v[hit], u[hit]]
            painted |= hit
        return painted
    return paint


@functools.lru_cache(maxsize=None)
def lookbook_arrays(split):
    """(figures uint8 [N, 64, 64, 3], products uint8 [N, 32, 32, 3], garment
    classes int32 [N]); seeded per split."""
    if split not in SPLIT_SEEDS:
        raise UserError(f"dataset 'lookbook' has splits 'train' and 'test', got '{split}'")
    items, classes = fashion_arrays(split)
    count = LOOKBOOK_COUNT[split]
    rng = np.random.default_rng(SPLIT_SEEDS[split] + 60)
    chosen = rng.permutation(len(items))[:count]
    backgrounds = persons.background_patches(split, count, FIGURE_SIZE, FIGURE_SIZE,
                                             SPLIT_SEEDS[split] + 61)
    figures, products = [], []
    for i, index in enumerate(chosen):
        look = persons.random_appearance(rng, height=(0.80, 0.86), neutral=True)
        pose = persons.framed_pose(rng, look, FIGURE_SIZE, FIGURE_SIZE, arms=(-5.0, 25.0),
                                   legs=(-3.0, 10.0))
        colour = garment_colour(rng)
        figure, _, _ = persons.render(look, pose, FIGURE_SIZE, FIGURE_SIZE, backgrounds[i],
                                      extra=_wear(items[index], colour, classes[index]))
        figures.append(figure)
        products.append(product(items[index], colour))
    arrays = np.stack(figures), np.stack(products), classes[chosen].astype(np.int32)
    for array in arrays:
        array.setflags(write=False)
    return arrays


def load_lookbook(arg, *, split, data_dir, image_size):
    """Procedural dressed figures -> their clean products, a stand-in for
    LookBook: 64x64 mannequins wearing a tinted Fashion-MNIST item -> the
    32x32 item on white; 10,000 train / 1,000 test pairs (needs the Debian
    package dataset-fashion-mnist); see tfgan_zoo.data.figures."""
    if arg:
        raise UserError(f"dataset 'lookbook' takes no option, got ':{arg}'")
    if image_size not in (None, PRODUCT_SIZE):
        raise UserError(f"dataset 'lookbook' pairs 64x64 figures with {PRODUCT_SIZE}x"
                        f"{PRODUCT_SIZE} products: leave --image-size unset")
    figures, products, _ = lookbook_arrays(split)
    return PairSource("lookbook", True, figures, products)
