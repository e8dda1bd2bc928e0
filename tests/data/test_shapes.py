"""The captioned shapes (tfgan_zoo.data.shapes): seeded scenes, held-out
colour-shape pairs, contrast scenes one edit away, captions that describe
the scene and its image, and the pipeline's batches of tokens."""

import re

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.data import load_dataset, shapes
from tfgan_zoo.errors import UserError


def test_scenes_are_deterministic_per_seed():
    a, b = shapes.make_scenes(40, seed=3), shapes.make_scenes(40, seed=3)
    for field in ("attributes", "bbox", "captions", "classes"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.attributes, shapes.make_scenes(40, seed=4).attributes)
    np.testing.assert_array_equal(shapes.render(a, 16), shapes.render(b, 16))


def _pairs(attributes):
    pairs = {(a[1], a[2]) for a in attributes}
    pairs |= {(a[4], a[5]) for a in attributes if a[0] > 0}
    return {(shapes.COLOUR_NAMES[c], shapes.SHAPES[s]) for c, s in pairs}


def test_held_out_pairs_never_in_train_or_test():
    held = set(shapes.HELD_OUT)
    for split in ("train", "test"):
        seen = _pairs(shapes.make_scenes(3000, split=split).attributes)
        assert not seen & held, split
        assert len(seen) == 6 * 4 - len(held)  # every other pair does occur
    heldout = shapes.make_scenes(300, split="heldout").attributes
    for a in heldout:  # every held-out scene has a held-out object
        objects = {(shapes.COLOUR_NAMES[a[1]], shapes.SHAPES[a[2]])}
        if a[0] > 0:
            objects.add((shapes.COLOUR_NAMES[a[4]], shapes.SHAPES[a[5]]))
        assert objects & held


def test_contrast_scenes_differ_by_one_edit():
    """A contrast scene swaps two different objects or changes one object's
    colour, shape or size; it never makes a held-out pair in train/test."""
    scenes = shapes.make_scenes(600, seed=2)
    edited = shapes.contrast_attributes(scenes.attributes, np.random.default_rng(0))
    assert (shapes.scene_class(edited) != scenes.classes).all()
    kinds = set()
    for a, e in zip(scenes.attributes, edited):
        changed = np.flatnonzero(a != e)
        if a[0] and (e[1:4] == a[4:7]).all() and (e[4:7] == a[1:4]).all():
            kinds.add("swap")
        else:
            assert len(changed) == 1 and changed[0] != 0, (a, e)  # one attribute
            kinds.add(shapes.ATTRIBUTES[changed[0]][:-1])
    assert kinds == {"swap", "colour", "shape", "size"}
    assert not _pairs(edited) & set(shapes.HELD_OUT)
    captions = shapes.contrast_captions(scenes.attributes[:20], seed=1)
    assert captions.shape == (20, shapes.CAPTIONS)
    np.testing.assert_array_equal(
        captions, shapes.contrast_captions(scenes.attributes[:20], seed=1))
    for own, contrast in zip(scenes.captions, captions):  # never the scene's own caption
        assert not set(own) & set(contrast)


OBJECT = re.compile(r"(small|large) (%s) (%s)" % ("|".join(shapes.COLOURS),
                                                  "|".join(shapes.SHAPES)))


def _object(a, slot):
    return (shapes.SIZES[a[3 + 3 * slot]], shapes.COLOUR_NAMES[a[1 + 3 * slot]],
            shapes.SHAPES[a[2 + 3 * slot]])


def test_captions_describe_the_scene_and_image():
    scenes = shapes.make_scenes(200, seed=5)
    images = shapes.render(scenes, 32)
    for a, box, captions, image in zip(scenes.attributes, scenes.bbox, scenes.captions, images):
        assert len(set(captions)) == shapes.CAPTIONS
        for caption in captions:
            if a[0] == 0:
                assert set(caption.split()) >= set(_object(a, 0)), caption
                continue
            found = [m.groups() for m in OBJECT.finditer(caption)]
            if not found:  # "a green circle that is small"
                continue
            assert len(found) == 2 and set(found) <= {_object(a, 0), _object(a, 1)}
            # The subject of the relation: second in "a B with a A above it"
            # and "above a B there is a A", first otherwise.
            second = " with a " in caption or caption.startswith(("above", "below", "to the"))
            subject = found[1] if second else found[0]
            first_slot = any(w in caption for w in ("above", "left"))
            assert subject == _object(a, 0 if first_slot else 1), caption
        for slot in range(1 if a[0] == 0 else 2):  # the box centre has the colour
            y0, x0, y1, x1 = box[slot]
            pixel = image[int((y0 + y1) / 2 * 32), int((x0 + x1) / 2 * 32)]
            colour = shapes.COLOURS[shapes.COLOUR_NAMES[a[1 + 3 * slot]]]
            assert np.abs(pixel.astype(int) - colour).max() < 40


def test_dataset_pipeline_and_tokens():
    data = load_dataset("shapes_captions:64", batch_size=8, image_size=16, shuffle=False)
    images, features = next(iter(data.dataset))
    assert data.image_shape == (16, 16, 3) and images.shape == (8, 16, 16, 3)
    assert float(tf.reduce_min(images)) >= -1 and float(tf.reduce_max(images)) <= 1
    assert features["tokens"].shape == (8, shapes.CAPTIONS, shapes.MAX_LENGTH)
    assert features["tokens"].dtype == tf.int32
    assert features["contrast_tokens"].shape == features["tokens"].shape
    assert features["attributes"].shape == (8, 7) and features["bbox"].shape == (8, 2, 4)
    scenes = shapes.generate(64, 16)
    words = ("", "[UNK]") + shapes.VOCABULARY
    decoded = " ".join(words[i] for i in features["tokens"][0, 0].numpy() if i)
    assert decoded == scenes.captions[0, 0]
    with pytest.raises(UserError, match="splits"):
        load_dataset("shapes_captions:8", batch_size=4, split="validation")
