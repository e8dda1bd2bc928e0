"""Tokenization in the graph: `keras.layers.TextVectorization` (lower case,
punctuation stripped, split on whitespace) maps a string to word ids, so an
exported model takes a plain string. Id 0 is padding, 1 an unknown word,
2.. the vocabulary. `tokenize` gives the same ids outside a graph."""

from __future__ import annotations

import functools

import numpy as np
import tensorflow as tf
from keras import layers

from tfgan_zoo.errors import UserError

PAD, UNKNOWN = 0, 1


# ------------------------------------------------------------ tokenization
def make_vectorizer(vocabulary, max_length, name="tokenize"):
    """String -> int32 word ids [max_length] (0 pads, 1 is unknown)."""
    vectorizer = layers.TextVectorization(
        vocabulary=list(vocabulary), output_mode="int",
        output_sequence_length=int(max_length), split="whitespace",
        standardize="lower_and_strip_punctuation", name=name)
    vectorizer(tf.constant([""]))  # built, so it can be exported and tracked
    return vectorizer


@functools.lru_cache(maxsize=8)
def _cached_vectorizer(vocabulary, max_length):
    return make_vectorizer(vocabulary, max_length)


def check_tokens(tokens, texts):
    """UserError for a caption that is empty or has no known word."""
    tokens = np.asarray(tokens)
    for row, text in zip(tokens, np.asarray(texts).reshape(-1)):
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        if not (row != PAD).any():
            raise UserError(f"empty caption {text!r}: describe the image in words, "
                            "e.g. 'a small red circle above a large blue square'")
        if not (row > UNKNOWN).any():
            raise UserError(f"caption {text!r} has no word the text encoder knows: "
                            "use words of its vocabulary (see encoder.json)")


def tokenize(texts, vocabulary, max_length, check=True):
    """Word ids int32 [N, max_length] of N strings, tokenized exactly as the
    models tokenize inside their graphs."""
    texts = np.asarray(texts, dtype=object).reshape(-1)
    if not len(texts):
        raise UserError("no captions given")
    ids = _cached_vectorizer(tuple(vocabulary), int(max_length))(
        tf.constant(texts.astype(str))).numpy().astype(np.int32)
    if check:
        check_tokens(ids, texts)
    return ids


def graph_check_tokens(tokens):
    """In-graph version of `check_tokens` for exported models: a request
    with an empty or all-unknown caption fails with this message."""
    known = tf.reduce_any(tokens > UNKNOWN, axis=-1)
    return tf.debugging.assert_equal(
        known, tf.ones_like(known), message=(
            "every caption needs at least one word the text encoder knows "
            "(an empty caption or only unknown words was sent)"))
