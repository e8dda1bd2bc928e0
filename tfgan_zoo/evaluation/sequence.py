"""Metrics for generated token sequences (SeqGAN, issue #24).

- `oracle_nll`: the mean negative log-likelihood per token, in nats, of
  samples under the synthetic oracle LSTM (Yu et al. 2017, §4, eq. 13);
  lower is better, and the oracle's NLL on its own samples is the floor.
- `bleu`: BLEU-n of each generated sentence against a set of references,
  averaged (the SeqGAN / Texygen protocol), with nltk's "method1"
  smoothing; written here so that no NLP package is needed, and tested
  against nltk's `sentence_bleu`.
- `valid_rate`: the exact fraction of grammatical sentences of the shapes
  grammar (`tfgan_zoo.data.sequences.valid_sentences`).
"""

from __future__ import annotations

import collections
import math

import numpy as np
import tensorflow as tf

from tfgan_zoo import policy
from tfgan_zoo.data.sequences import oracle_network, valid_sentences

__all__ = ["bleu", "oracle_nll", "sample_tokens", "sentence_bleu", "valid_rate"]

valid_rate = valid_sentences


def oracle_nll(tokens, oracle=None, batch_size=1000):
    """Mean NLL per token (nats) of int token rows [N, T] under the oracle
    LSTM (`tfgan_zoo.data.sequences.oracle_network` by default)."""
    oracle = oracle or oracle_network()
    tokens = np.asarray(tokens).astype(np.int32)
    logits = tf.function(oracle.logits)
    total = 0.0
    for i in range(0, len(tokens), batch_size):
        chunk = tf.constant(tokens[i:i + batch_size])
        total += float(policy.token_nll(logits(chunk), chunk,
                                        reduce=tf.reduce_sum)) / tokens.shape[1]
    return total / len(tokens)


def sample_tokens(model, n, seed=0, batch_size=1000):
    """n token rows int32 from a token model's served sampler (its z)."""
    rows = [model.sample(min(batch_size, n - i), seed=seed + i) for i in range(0, n, batch_size)]
    return np.rint(np.concatenate(rows)).astype(np.int32)


def _ngrams(words, n):
    return collections.Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def sentence_bleu(references, hypothesis, n=4, epsilon=0.1):
    """BLEU-n of one hypothesis (a word list) against reference word lists:
    uniform weights over 1..n-grams, clipped counts, the brevity penalty of
    the closest reference length, and zero counts smoothed to `epsilon`
    (nltk's SmoothingFunction().method1)."""
    if not hypothesis:
        return 0.0
    log_precision = 0.0
    for k in range(1, n + 1):  # (nltk: no unigram in common is a score of 0)
        counts = _ngrams(hypothesis, k)
        most = collections.Counter()
        for reference in references:
            for gram, c in _ngrams(reference, k).items():
                most[gram] = max(most[gram], c)
        clipped = sum(min(c, most[g]) for g, c in counts.items())
        total = max(1, sum(counts.values()))
        if k == 1 and not clipped:
            return 0.0
        log_precision += math.log((clipped or epsilon) / total) / n
    closest = min((abs(len(r) - len(hypothesis)), len(r)) for r in references)[1]
    brevity = 1.0 if len(hypothesis) > closest else math.exp(1 - closest / len(hypothesis))
    return brevity * math.exp(log_precision)


def bleu(references, hypotheses, n=4):
    """The mean BLEU-n of each hypothesis against all references (word lists
    or strings; strings are split on whitespace)."""
    split = lambda xs: [x.split() if isinstance(x, str) else list(x) for x in xs]
    references = split(references)
    return float(np.mean([sentence_bleu(references, h, n) for h in split(hypotheses)]))
