"""Sequence datasets: the fixed oracle, the shapes grammar's exact
validity, RCGAN's sines and MNIST rows, sktime's sets, and bad arguments."""

import importlib.util

import numpy as np
import pytest

from tfgan_zoo.data import load_dataset
from tfgan_zoo.data import sequences
from tfgan_zoo.errors import UserError
from tests.support.models import one_line_error


def test_oracle_is_fixed_by_its_seed():
    first = sequences.oracle_tokens(30, seed=5)
    np.testing.assert_array_equal(first, sequences.oracle_tokens(30, seed=5))
    assert first.shape == (30, 20) and first.min() >= 0 and first.max() < 5000
    assert not np.array_equal(first, sequences.oracle_tokens(30, seed=6))
    params = sequences.oracle_parameters()
    assert [p.shape for p in params][:2] == [(5001, 32), (32, 128)]
    assert abs(float(np.concatenate([p.ravel() for p in params]).std()) - 1) < 0.01
    data = load_dataset("oracle:64", batch_size=16)
    assert data.model_args == {"vocab_size": 5000, "seq_length": 20}
    assert next(iter(data.dataset)).shape == (16, 20)


def test_shapes_grammar_validity_is_exact():
    data = load_dataset("shapes_text:40", batch_size=8, split="test")
    tokens = next(iter(data.dataset)).numpy()
    assert sequences.valid_sentences(tokens) == 1.0
    sentence = sequences.decode_sentence(tokens[0])
    assert sentence in sequences.grammar_sentences()
    broken = tokens.copy()
    broken[:, 0] = sequences.SHAPES_VOCABULARY.index("circle")  # no caption starts so
    assert sequences.valid_sentences(broken) == 0.0
    gap = sequences.encode_sentences(["a small red circle"])
    gap[0, 5] = 3  # a word after the padding
    assert sequences.decode_sentence(gap[0]) is None
    assert data.model_args["vocabulary"][0] == "<pad>"


def test_sines_and_mnist_rows():
    x, y = sequences.sine_waves(200, 30, seed=0)
    assert x.shape == (200, 30, 1) and np.abs(x).max() <= 0.9 and set(y) == {0, 1, 2}
    data = load_dataset("sines:12", batch_size=4)
    series, labels = next(iter(data.dataset))
    assert series.shape == (4, 12, 1) and data.num_classes == 3
    x, y = sequences.mnist_sequences("test", (3, 7))
    assert x.shape[1:] == (14, 14) and -1 <= x.min() and x.max() <= 1 and set(y) == {0, 1}
    assert len(sequences.mnist_sequences("train")[0]) > 1000


@pytest.mark.parametrize("name, fragment", [("sines:0", "sequence length"),
                                            ("mnist_seq:4", "two or more digits"),
                                            ("oracle:-3", "number of sequences")])
def test_bad_arguments_are_one_line_errors(name, fragment):
    with pytest.raises(UserError) as e:
        load_dataset(name, batch_size=2)
    one_line_error(e, fragment)


def test_sktime_sets_or_an_install_hint():
    if importlib.util.find_spec("sktime") is None:
        with pytest.raises(UserError) as e:
            load_dataset("basic_motions", batch_size=2)
        one_line_error(e, "pip install sktime")
        return
    data = load_dataset("basic_motions", batch_size=4, split="test")
    series, labels = next(iter(data.dataset))
    assert series.shape == (4, 100, 6) and data.num_classes == 4
    assert np.abs(series.numpy()).max() <= 1
