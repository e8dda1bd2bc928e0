"""SeqGAN: Yu, Zhang, Wang, Yu 2017, "SeqGAN: Sequence Generative Adversarial
Nets with Policy Gradient".

The generator G is an LSTM language model, a policy over tokens; the
discriminator D a CNN over the token sequence (Kim 2014's sentence CNN with
a highway layer). Training runs in the paper's three phases (Algorithm 1),
chosen from the checkpointed optimizer step counts so a resumed run carries
on in the right one; each phase is its own compiled step (an optimizer
update cannot sit inside a tf.cond under tf.distribute):

1. `pretrain_steps` steps of MLE on real sequences;
2. `d_pretrain_steps` steps of D on real against G's samples;
3. adversarial steps: draw Y ~ G, value every prefix by `rollouts`
   Monte-Carlo completions from a delayed copy of G scored by D (eq. 4),
   one REINFORCE step of G (eq. 6), move the rollout copy towards G
   (w_roll <- rate w_roll + (1 - rate) w_G, the reference code's 0.8),
   then `n_critic` D steps on fresh samples.

Served: `z` [B, T] of N(0, 1) noise -> `tokens` (int32 ids), the draw
token_t = #{k : cdf_k < Phi(z_t)} (an exact categorical sample for normal
z), so `sample`'s seed gives reproducible sentences; `score` (tokens ->
per-token NLL under G) refuses ids outside the vocabulary; `text` (the
words) where the model has a vocabulary.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import losses, policy
from tfgan_zoo.core import AdversarialModel, Input
from tfgan_zoo.errors import UserError
from tfgan_zoo.networks.sequence import TokenGenerator, normal_cdf, token_discriminator
from tfgan_zoo.signatures import Endpoint

PHASES = ("mle", "discriminator", "adversarial")


@keras.saving.register_keras_serializable("tfgan_zoo")
class SeqGAN(AdversarialModel):
    """SeqGAN over token sequences (Yu et al. 2017).

    Args:
        vocab_size: number of tokens; from the data.
        seq_length: tokens per sequence; from the data.
        vocabulary: the words of the ids (for text previews); from the data.
        embedding_dim: G's token embedding (32 in the reference code).
        hidden_dim: G's LSTM units (32).
        d_embedding_dim: D's token embedding (64).
        filter_sizes: D's convolution widths (1-10, 15, 20).
        num_filters: D's filters per width (100, 200 x4, 100 x5, 160, 160).
        dropout: D's dropout rate (0.25, keep 0.75).
        rollouts: Monte-Carlo rollouts per prefix (16).
        rollout_rate: how much of its own weights the rollout copy keeps at
            each update (0.8).
        pretrain_steps: MLE steps of G before D is trained.
        d_pretrain_steps: D steps on G's samples before the adversarial phase.
    """

    loss_names = ("d_loss", "g_loss", "mle_loss", "reward")
    unused_hyperparameters = ("vocab_size", "seq_length", "vocabulary", "latent_dim")
    sample_kind = "tokens"
    test_config = {"vocab_size": 11, "seq_length": 6, "embedding_dim": 8, "hidden_dim": 8,
                   "d_embedding_dim": 8, "filter_sizes": (2, 3), "num_filters": (4, 4),
                   "rollouts": 2, "pretrain_steps": 0, "d_pretrain_steps": 0}

    def __init__(self, *, vocab_size=5000, seq_length=20, vocabulary=(), embedding_dim=32,
                 hidden_dim=32, d_embedding_dim=64,
                 filter_sizes=(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20),
                 num_filters=(100, 200, 200, 200, 200, 100, 100, 100, 100, 100, 160, 160),
                 dropout=0.25, rollouts=16, rollout_rate=0.8, pretrain_steps=1000,
                 d_pretrain_steps=100, **kwargs):
        kwargs.pop("latent_dim", None)
        if int(vocab_size) < 2:
            raise UserError(f"vocab_size must be at least 2, got {vocab_size}")
        if int(seq_length) < 2:
            raise UserError(f"a sequence length must be at least 2 tokens, got {seq_length}: "
                            "pass a dataset of longer sequences")
        if len(filter_sizes) != len(num_filters) or not filter_sizes:
            raise UserError(f"--filter-sizes and --num-filters must be lists of the same "
                            f"length, got {len(filter_sizes)} and {len(num_filters)}")
        if vocabulary and len(vocabulary) != int(vocab_size):
            raise UserError(f"the vocabulary has {len(vocabulary)} words for vocab_size "
                            f"{vocab_size}")
        # z is one N(0, 1) number per token: the sampler's noise.
        super().__init__(latent_dim=int(seq_length), **kwargs)
        self.vocab_size, self.seq_length = int(vocab_size), int(seq_length)
        self.vocabulary = tuple(vocabulary)
        self.rollouts, self.rollout_rate = int(rollouts), float(rollout_rate)
        self.pretrain_steps, self.d_pretrain_steps = int(pretrain_steps), int(d_pretrain_steps)
        self.generator = TokenGenerator(vocab_size, embedding_dim, hidden_dim, name="generator")
        self.rollout = TokenGenerator(vocab_size, embedding_dim, hidden_dim, name="rollout")
        self.rollout.trainable = False
        self.discriminator = token_discriminator(
            vocab_size, seq_length, d_embedding_dim, filter_sizes, num_filters, dropout)
        self._announced = None

    # ------------------------------------------------------------ contract
    @property
    def sample_shape(self):
        return (self.seq_length,)

    def preview_info(self):
        return {"vocabulary": list(self.vocabulary) or None}

    def generator_inputs(self):
        return {"z": Input.noise(self.seq_length)}

    def generate_from(self, inputs, training=False):
        """Token ids [B, T] as float32 from per-token noise z [B, T]."""
        tokens = self.generator.sample(normal_cdf(inputs["z"]))
        return tf.cast(tokens, tf.float32)

    def build_networks(self):
        tokens = tf.zeros([2, self.seq_length], tf.int32)
        for network in (self.generator, self.rollout):
            network.logits(tokens)
        self.rollout.set_weights(self.generator.get_weights())
        super().build_networks()

    def discriminate(self, tokens, inputs=None, training=False):
        return self.discriminator(tf.cast(tokens, tf.int32), training=training)

    def example_data(self, n):
        """Random token sequences (what the registry tests train on)."""
        return np.random.default_rng(0).integers(0, self.vocab_size, (n, self.seq_length),
                                                 dtype=np.int32)

    # --------------------------------------------------------------- phases
    def phase(self):
        """The phase of the next step, from the optimizers' step counts."""
        if int(self.g_optimizer.iterations.numpy()) < self.pretrain_steps:
            return "mle"
        if int(self.d_optimizer.iterations.numpy()) < self.d_pretrain_steps:
            return "discriminator"
        return "adversarial"

    def make_train_function(self, force=False):
        if self.train_function is not None and not force:
            return self.train_function
        steps = {"mle": self._make_function(self.mle_step),
                 "discriminator": self._make_function(self.discriminator_step),
                 "adversarial": self._make_function(self.adversarial_step)}

        def train_function(iterator):
            phase = self.phase()
            if phase != self._announced:
                print(f"SeqGAN: {phase} phase from generator step "
                      f"{int(self.g_optimizer.iterations.numpy())}", flush=True)
                self._announced = phase
            return steps[phase](iterator)

        self.train_function = train_function
        return train_function

    def train_step(self, data):
        return getattr(self, f"{self.phase()}_step")(data)

    # ---------------------------------------------------------------- steps
    def draw(self, network, batch):
        """`batch` sequences from `network` with fresh seeded uniforms."""
        u = tf.random.stateless_uniform([batch, self.seq_length], self.next_seed())
        return network.sample(u)

    def mle_step(self, tokens):
        """Algorithm 1, line 3: pre-train G by maximum likelihood."""
        real = self.critic_batches(tokens)[0][0]
        with tf.GradientTape() as tape:
            nll = policy.token_nll(self.generator.logits(real, training=True), real)
        self.minimize(self.g_optimizer, tape, nll, self.generator)
        self.update_rollout(0.0)  # the rollout copy starts from the pre-trained G
        return self.track(g_loss=nll, mle_loss=nll)

    def discriminator_step(self, tokens):
        """Algorithm 1, lines 4-5 and 12-14: D on real against G's samples."""
        d_loss = None
        for (real,) in self.critic_batches(tokens):
            fake = self.draw(self.generator, tf.shape(real)[0])
            with tf.GradientTape() as tape:
                d_loss = losses.minimax_discriminator_loss(
                    self.discriminate(real, training=True),
                    self.discriminate(fake, training=True))
            self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
        return self.track(d_loss=d_loss)

    def adversarial_step(self, tokens):
        """Algorithm 1, lines 7-14: a policy-gradient step of G, then D."""
        real = self.critic_batches(tokens)[0][0]
        batch = tf.shape(real)[0]
        fake = self.draw(self.generator, batch)
        rewards = policy.rollout_rewards(
            lambda prefix, given, seed: self.rollout.sample(prefix=prefix, given=given,
                                                            seed=seed),
            lambda t: tf.sigmoid(self.discriminate(t))[:, 0], fake, self.rollouts,
            self.next_seed())
        with tf.GradientTape() as tape:
            g_loss = policy.reinforce_loss(self.generator.logits(fake, training=True),
                                           fake, rewards)
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        self.update_rollout(self.rollout_rate)
        mle = policy.token_nll(self.generator.logits(real), real)
        self.discriminator_step(tokens)
        return self.track(g_loss=g_loss, mle_loss=mle, reward=losses.global_mean(rewards))

    def update_rollout(self, rate):
        """w_roll <- rate * w_roll + (1 - rate) * w_G (the delayed copy)."""
        for mine, theirs in zip(self.rollout.weights, self.generator.weights):
            mine.assign(rate * mine + (1.0 - rate) * tf.cast(theirs, mine.dtype))

    # ------------------------------------------------------------- scoring
    def check_tokens(self, tokens):
        """`tokens` as int32 [B, T], or a one-line UserError."""
        tokens = np.asarray(tokens)
        if tokens.ndim != 2 or tokens.shape[1] != self.seq_length:
            raise UserError(f"tokens must have shape [batch, {self.seq_length}], "
                            f"got {tokens.shape}")
        if tokens.size and (tokens.min() < 0 or tokens.max() >= self.vocab_size
                            or not np.all(tokens == np.round(tokens))):
            raise UserError(f"token ids must be whole numbers in [0, {self.vocab_size}), "
                            f"got {tokens.min()}..{tokens.max()}: use ids of the "
                            "model's vocabulary")
        return tokens.astype(np.int32)

    def score(self, tokens):
        """Per-sequence mean NLL (nats a token) of `tokens` under G."""
        tokens = tf.constant(self.check_tokens(tokens))
        return policy.token_nll(self.generator.logits(tokens), tokens,
                                reduce=lambda x: tf.reduce_mean(x, axis=1)).numpy()

    def words(self, tokens):
        """Sentences of id rows, with the model's vocabulary."""
        ids = self.check_tokens(np.rint(tokens))
        if not self.vocabulary:
            return [" ".join(map(str, row)) for row in ids]
        return [" ".join(self.vocabulary[i] for i in row) for row in ids]

    # -------------------------------------------------------------- export
    def export_endpoints(self, batch_size=None):
        """`score`: tokens -> per-token NLL under G (in-vocabulary ids only);
        `text` (with a vocabulary): z -> the words of the sampled tokens."""
        tokens_spec = tf.TensorSpec([batch_size, self.seq_length], tf.int32, name="tokens")
        example = self.example_data(2)

        def score(inputs):
            tokens = inputs["tokens"]
            with tf.control_dependencies([
                tf.debugging.assert_non_negative(
                    tokens, message=f"tokens must be ids in [0, {self.vocab_size})"),
                tf.debugging.assert_less(
                    tokens, self.vocab_size,
                    message=f"tokens must be ids in [0, {self.vocab_size})")]):
                tokens = tf.identity(tokens)
            nll = policy.token_nll(self.generator.logits(tokens), tokens,
                                   reduce=lambda x: tf.reduce_mean(x, axis=1))
            return {"nll": nll}

        found = [Endpoint("score", score, {"tokens": tokens_spec},
                          {"nll": tf.TensorSpec([batch_size], tf.float32, name="nll")},
                          {"tokens": example},
                          f"tokens int32 [B, {self.seq_length}] (ids in [0, "
                          f"{self.vocab_size})) -> nll float32 [B], nats a token under G")]
        if self.vocabulary:
            words = tf.constant(list(self.vocabulary))

            def text(inputs):
                ids = tf.cast(self.generate_from(inputs), tf.int32)
                joined = tf.strings.reduce_join(tf.gather(words, ids), axis=1, separator=" ")
                return {"tokens": ids, "text": tf.strings.strip(
                    tf.strings.regex_replace(joined, "( ?<pad>)+", ""))}

            found.append(Endpoint(
                "text", text, {"z": self.generator_inputs()["z"].spec("z", batch_size)},
                {"tokens": tf.TensorSpec([batch_size, self.seq_length], tf.int32,
                                         name="tokens"),
                 "text": tf.TensorSpec([batch_size], tf.string, name="text")},
                {"z": self.example_inputs(2)["z"]},
                "z [B, T] -> tokens int32 and text, the sampled words (padding dropped)"))
        return found
