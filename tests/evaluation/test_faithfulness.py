"""Text-to-image faithfulness (tfgan_zoo.evaluation.faithfulness): the
attribute match scores by hand, a perfect generator read by an oracle, and
the colour-by-shape table with stand-in generator and classifier."""

import numpy as np
import pytest

from tfgan_zoo.data import shapes
from tfgan_zoo.evaluation import faithfulness
from tests.support.shapes import ShapeDrawer, ShapeReader


def test_match_scores_by_hand():
    target = np.array([[0, 1, 2, 0, -1, -1, -1], [1, 3, 0, 1, 2, 1, 0]])
    predicted = np.array([[0, 1, 3, 0, 5, 5, 1], [1, 3, 0, 1, 2, 2, 0]])
    scores = faithfulness.match_scores(predicted, target)
    # Slot 1 of the single-object scene is not scored.
    assert scores == {"layout": 1.0, "colour": 1.0, "shape": pytest.approx(1 / 3),
                      "size": 1.0, "all": 0.0}


def test_faithfulness_of_a_perfect_generator():
    """A generator that draws the real scene of each caption, read by an
    oracle classifier: it matches like real images and far above the
    shuffled captions; one- and two-object scenes are reported apart."""
    data = shapes.generate(64, 16, 11, "test")
    answers = {np.round(faithfulness._scaled(im), 3).tobytes(): a
               for im, a in zip(data.images, data.attributes)}

    class Oracle:
        input_shape = (None, 16, 16, 3)

        def predict(self, images, **_):
            rows = np.stack([answers[np.round(im, 3).tobytes()] for im in images])
            return [np.eye(n)[np.maximum(rows[:, i], 0)]
                    for i, n in enumerate(shapes.ATTRIBUTE_CLASSES)]

    index = {str(c): i for i, c in enumerate(data.captions[:, 0])}
    perfect = lambda captions, seed: faithfulness._scaled(  # noqa: E731
        data.images[[index[c] for c in captions]])
    s = faithfulness.faithfulness(None, Oracle(), "test", num=64, generate=perfect)
    assert s["generated"] == s["real"] and s["generated"]["all"] == 1.0
    assert s["shuffled"]["all"] < 0.2
    single = int((data.attributes[:, 0] == 0).sum())
    assert s["one_object"]["captions"] == single
    assert s["two_objects"]["captions"] == 64 - single
    assert s["one_object"]["generated"]["all"] == 1.0


def test_shape_table_and_pairs_drawn_right():
    """Every colour and shape is drawn `num` times and read; a pair is
    right when most draws read as its shape; held-out pairs count apart."""
    table = faithfulness.shape_table(ShapeDrawer(), ShapeReader(), num=3)
    assert list(table) == list(shapes.COLOUR_NAMES)
    assert table["red"]["triangle"] == [0, 0, 3, 0]
    assert faithfulness.pairs_drawn_right(table) == {
        "seen": {"right": 20, "pairs": 20}, "heldout": {"right": 4, "pairs": 4}}
    circles = faithfulness.shape_table(ShapeDrawer(lambda shape: "circle"), ShapeReader(),
                                       num=3)
    assert circles["green"]["cross"] == [3, 0, 0, 0]
    # Right only where the caption asks for a circle: 5 seen colours, and yellow (held out).
    assert faithfulness.pairs_drawn_right(circles) == {
        "seen": {"right": 5, "pairs": 20}, "heldout": {"right": 1, "pairs": 4}}
    half = {"red": {"circle": [1, 1, 0, 0], "square": [0, 2, 1, 0]}}  # a tie is not most
    assert faithfulness.pairs_drawn_right(half)["seen"] == {"right": 1, "pairs": 2}
