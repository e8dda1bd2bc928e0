"""Sequence and series metrics: BLEU against nltk's, oracle NLL, MMD,
TSTR and the memorisation check on cases whose answers are known."""

import math

import numpy as np
import pytest

from tfgan_zoo.data.sequences import oracle_tokens
from tfgan_zoo.evaluation import series, sequence


def test_bleu_by_hand_and_against_nltk():
    refs = ["a small red circle above a large blue square", "a large blue square"]
    assert sequence.bleu(refs, [refs[0]]) == pytest.approx(1.0)
    # "a red circle": 3 of 3 unigrams and 1 of 2 bigrams ("red circle") match;
    # brevity against the closest reference (4 words): exp(1 - 4/3).
    expected = math.exp(1 - 4 / 3) * math.sqrt(1.0 * 0.5)
    assert sequence.sentence_bleu([r.split() for r in refs], "a red circle".split(), n=2) \
        == pytest.approx(expected)
    bleu_score = pytest.importorskip("nltk.translate.bleu_score")
    smooth = bleu_score.SmoothingFunction().method1
    for hyp in ("a red circle above a square", "square", "blue blue blue square above"):
        ours = sequence.sentence_bleu([r.split() for r in refs], hyp.split())
        theirs = bleu_score.sentence_bleu([r.split() for r in refs], hyp.split(),
                                          smoothing_function=smooth)
        assert ours == pytest.approx(theirs, abs=1e-9), hyp


def test_oracle_nll_of_its_own_samples_is_the_floor():
    tokens = oracle_tokens(200, seed=3)
    floor = sequence.oracle_nll(tokens)
    shuffled = np.random.default_rng(0).permutation(tokens.ravel()).reshape(tokens.shape)
    assert 3 < floor < sequence.oracle_nll(shuffled)


def test_mmd_tstr_and_memorisation():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5, 2))
    assert abs(series.mmd2(x[:100], x[100:])) < 0.02
    assert series.mmd2(x[:100], x[100:] + 1.0) > 0.1
    labels = (x[:, 0, 0] > 0).astype(int)
    scores = series.tstr(x[:100], labels[:100], x[100:150], labels[100:150],
                         x[150:], labels[150:], trees=20)
    assert scores["trtr"] > 0.8 and scores["tstr"] > 0.8
    copied = series.memorisation(x[:50] + 1e-3, x)
    assert not copied["memorisation_passes"]
    fresh = series.memorisation(rng.normal(size=(50, 5, 2)), x)
    assert fresh["memorisation_passes"]
