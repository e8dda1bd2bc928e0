"""What every text-to-image GAN shares: the caption goes in as a string.

`TextConditionalModel` holds the tokenizer and the text encoder (trained by
`tfgan_zoo.text.encoder`, frozen here, as the pretrained char-CNN-RNN is in
Reed et al. 2016 and Zhang et al. 2017). Its generator's named inputs are

    text  tf.string [B]          a caption, tokenized inside the graph
    z     float32 [B, latent]    noise

so a SavedModel answers a plain string. TFLite has no string ops, so the
phone model (its LiteRT view) takes the caption's embedding instead:
`embedding` float32 [1, embedding_dim] and `z`. Training batches are
`(images, features)` from a captioned dataset (`shapes_captions`,
`captions:DIR`): `features["tokens"]` int32 [B, K, L] holds K captions per
image, of which each step uses one at random, and `features["class"]`
tells which pairs really mismatch.
"""

from __future__ import annotations

import collections
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.core import AdversarialModel, Input
from tfgan_zoo.data import shapes
from tfgan_zoo.errors import UserError
from tfgan_zoo.signatures import Endpoint, image_outputs, serving_outputs
from tfgan_zoo.text import encoder, sentence, tokenizer

# One step's conditioning: the chosen captions' embeddings, the embeddings
# of mismatched captions (another example's, see `mismatch`), and 1 where
# the mismatched caption really describes another kind of scene; `labels`
# are the scene's attribute labels, for a model that reads them.
Captions = collections.namedtuple("Captions", "right wrong mismatch tokens labels",
                                  defaults=(None,))


class TextConditionalModel(AdversarialModel):
    """Base of the text-to-image GANs.

    Args:
        vocabulary: words of the tokenizer (default: the shapes dataset's).
        max_length: tokens per caption.
        word_dim, text_hidden, embedding_dim: text encoder sizes.
        text_encoder: directory of a trained encoder (`tfgan_zoo.text.encoder`)
            whose weights are loaded before training; None trains the GAN
            over an untrained (random, frozen) encoder.
        sentence_encoder: folder of a pretrained sentence-embedding model
            (e.g. all-MiniLM-L6-v2, `tfgan_zoo.text.sentence`) to use, frozen,
            instead of a trained encoder; sets embedding_dim to its size.
        sample_captions: captions of the sample grids and example inputs.
        mismatch: the discriminator's wrong text, "random", "hardest" or
            "contrast". "random" pairs an image with another example's
            caption, as in the papers. "hardest" picks, of the batch's
            captions of another kind of scene, the one whose embedding is
            closest. "contrast" gives half the batch (at random) a caption of
            a minimally different scene, the dataset's `contrast_tokens`
            (objects swapped, or one shape, colour or size changed; the
            shapes dataset has them), and the rest the random pairing. With
            random pairs colour alone almost always tells a wrong caption,
            so D need not look at shape, nor G draw it.
    """

    path_hyperparameters = ("text_encoder", "sentence_encoder")
    # Share of the batch whose wrong text is a contrast caption (mismatch="contrast").
    CONTRAST_FRACTION = 0.5

    def __init__(self, *, vocabulary=None, max_length=shapes.MAX_LENGTH, word_dim=64,
                 text_hidden=128, embedding_dim=128, text_encoder=None,
                 sentence_encoder=None, sample_captions=None, mismatch="random", **kwargs):
        super().__init__(**kwargs)
        if mismatch not in ("random", "hardest", "contrast"):
            raise UserError("mismatch must be 'random', 'hardest' or 'contrast', "
                            f"got {mismatch!r}")
        self.mismatch = mismatch
        self.vocabulary = tuple(vocabulary) if vocabulary else shapes.VOCABULARY
        self.max_length = int(max_length)
        self.word_dim, self.text_hidden = int(word_dim), int(text_hidden)
        self.embedding_dim = int(embedding_dim)
        self.text_encoder_path = text_encoder
        if sample_captions:
            self.sample_captions = tuple(str(c) for c in sample_captions)
        elif self.vocabulary == shapes.VOCABULARY:
            self.sample_captions = tuple(shapes.example_captions(8))
        else:
            self.sample_captions = (" ".join(self.vocabulary[:8]),)
        self.vectorizer = tokenizer.make_vectorizer(self.vocabulary, self.max_length)
        # Keras turns XLA off for a model holding string layers; train_step
        # reads token ids only, so the compiled step never meets a string.
        for layer in self.vectorizer._flatten_layers():  # and its StringLookup
            layer.supports_jit = True
        self.sentence_encoder = sentence_encoder and str(Path(sentence_encoder).resolve())
        if self.sentence_encoder:
            if text_encoder:
                raise UserError("pass a trained text_encoder or a sentence_encoder, not both")
            # Rebuilt from the folder whenever the model is built, so kept out
            # of Keras's tracking and hence out of every checkpoint (91 MB each
            # for MiniLM); exports still carry it (`text_networks`).
            object.__setattr__(self, "text_encoder", sentence.word_token_encoder(
                self.sentence_encoder, self.vocabulary, self.max_length))
            self.embedding_dim = self.text_encoder.output_shape[-1]
            self._hyperparameters.update(embedding_dim=self.embedding_dim,
                                         sentence_encoder=self.sentence_encoder)
        else:
            self.text_encoder = encoder.text_encoder(
                len(self.vocabulary) + 2, self.max_length, self.word_dim, self.text_hidden,
                self.embedding_dim)
        self.text_encoder.trainable = False

    # ------------------------------------------------------------ captions
    def tokenize(self, text):
        """Word ids [B, max_length] of a string tensor. Eagerly, an empty or
        all-unknown caption raises UserError; in a graph (an exported
        model) it fails the request with the same explanation."""
        text = tf.convert_to_tensor(text)
        if text.dtype != tf.string:
            raise UserError(f"captions must be strings, got {text.dtype.name}")
        tokens = tf.cast(self.vectorizer(tf.reshape(text, [-1])), tf.int32)
        if tf.executing_eagerly():
            tokenizer.check_tokens(tokens.numpy(), text.numpy())
            return tokens
        with tf.control_dependencies([tokenizer.graph_check_tokens(tokens)]):
            return tf.identity(tokens)

    def embed(self, text):
        """Caption embeddings float32 [B, embedding_dim] of strings."""
        return self.text_encoder(self.tokenize(text), training=False)

    def embed_tokens(self, tokens):
        return self.text_encoder(tokens, training=False)

    def captions(self, features):
        """The step's `Captions` from a batch's features (see module doc)."""
        tokens = encoder.choose_captions(features["tokens"], self.next_seed())
        classes = tf.reshape(features["class"], [-1])
        if self.mismatch == "contrast":
            if "contrast_tokens" not in features:
                raise UserError("mismatch='contrast' needs a dataset with contrast "
                                "captions (shapes_captions): pass --mismatch random")
            others = encoder.choose_captions(features["contrast_tokens"], self.next_seed())
            # One text encoder pass for both (it is frozen and batch-independent).
            right, contrast = tf.split(self.embed_tokens(tf.concat([tokens, others], 0)), 2)
        else:
            right = self.embed_tokens(tokens)
        if self.mismatch == "hardest":
            other = tf.not_equal(classes[:, None], classes[None, :])
            similarity = tf.matmul(right, right, transpose_b=True)
            pick = tf.argmax(tf.where(other, similarity, -1e9), axis=1, output_type=tf.int32)
        else:
            pick = tf.roll(tf.range(tf.shape(classes)[0]), 1, 0)  # the batch rolled by one
        wrong = tf.gather(right, pick)
        mismatch = tf.cast(tf.not_equal(classes, tf.gather(classes, pick)), tf.float32)
        if self.mismatch == "contrast":
            use = tf.random.stateless_uniform(tf.shape(classes), self.next_seed()) < \
                self.CONTRAST_FRACTION
            wrong = tf.where(use[:, None], contrast, wrong)
            mismatch = tf.where(use, 1.0, mismatch)  # another scene by construction
        return Captions(right, wrong, mismatch, tokens)

    def discriminate(self, images, inputs=None, training=False):
        """D's logits for images with their caption (`text`, or a precomputed
        `embedding`) and the model's other D inputs (`discriminator_extras`)."""
        embedding = inputs.get("embedding")
        if embedding is None:
            embedding = self.embed(inputs["text"])
        return self.discriminator(
            [images, embedding, *self.discriminator_extras(inputs)], training=training)

    def discriminator_extras(self, inputs):
        """D inputs after the image and the caption (GAWWN: the boxes)."""
        return []

    def matching_discriminator_step(self, real, fake, text, *extra):
        """One update of the matching-aware discriminator (GAN-CLS, Reed et
        al. 2016, Algorithm 1; StackGAN's too): s_r = D(real, right text) is
        real, s_w = D(real, wrong text) and s_f = D(fake, right text) are
        fake. `extra` inputs (GAWWN's boxes) go with every pair. Returns
        D's loss."""
        split = self.split_discriminator() if not extra else None
        with tf.GradientTape() as tape:
            if split is None:
                real_right = self.discriminator([real, text.right, *extra], training=True)
                fake_right = self.discriminator(
                    [tf.stop_gradient(fake), text.right, *extra], training=True)
                real_wrong = self.discriminator([real, text.wrong, *extra], training=True)
            else:  # the real images' features serve both of their captions
                trunk, head = split
                real_features = trunk(real, training=True)
                fake_features = trunk(tf.stop_gradient(fake), training=True)
                real_right = head([real_features, text.right], training=True)
                real_wrong = head([real_features, text.wrong], training=True)
                fake_right = head([fake_features, text.right], training=True)
            d_loss = self.discriminator_loss(real_right, real_wrong, fake_right, text)
        self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
        return d_loss

    def split_discriminator(self):
        """(trunk, head) of a discriminator whose image features do not see
        the text (a projection discriminator: its `pooled_features` layer),
        else None. Then D(real, right text) and D(real, wrong text) share
        one pass of the trunk: batch norm normalises the same real batch
        either way, and the trunk's gradient is the sum of both pairs', so
        the step computes what three whole passes compute, with two passes
        of the trunk (only batch norm's moving averages, which training does
        not read, see the real batch once instead of twice)."""
        network = self.discriminator
        cached = getattr(self, "_split_discriminator", None)
        if cached is None or cached[0] is not network:
            split = None
            if (isinstance(network, keras.Model) and len(network.inputs) == 2
                    and "pooled_features" in [layer.name for layer in network.layers]):
                image, text = network.inputs
                features = network.get_layer("pooled_features").output
                split = (keras.Model(image, features, name="discriminator_trunk"),
                         keras.Model([features, text], network.outputs,
                                     name="discriminator_head"))
            # Views of D's own layers: kept out of Keras's tracking, so
            # checkpoints and weight lists are unchanged.
            object.__setattr__(self, "_split_discriminator", (network, split))
        return self._split_discriminator[1]

    def discriminator_loss(self, real_right, real_wrong, fake_right, text):
        """The matching-aware loss on D's outputs for the three pairs."""
        return losses.matching_aware_discriminator_loss(real_right, real_wrong, fake_right,
                                                        mismatch=text.mismatch)

    def generator_adversarial_loss(self, outputs, text=None):
        """G's non-saturating loss on D's outputs for its images with the
        right `text`."""
        return losses.non_saturating_generator_loss(outputs)

    def unpack(self, data):
        if (not isinstance(data, (tuple, list)) or len(data) != 2
                or not isinstance(data[1], dict) or "tokens" not in data[1]):
            raise UserError(f"{type(self).__name__} is trained on captioned images: use "
                            "--dataset shapes_captions (or captions:DIR for CUB/Oxford-102)")
        return data[0], data[1]

    # ---------------------------------------------------- generator inputs
    def generator_inputs(self):
        """`text` (strings) and `z`. A phone model takes the caption's
        embedding instead of its string: TFLite's built-in ops have no
        strings, so tokenizer and text encoder stay on the server."""
        captions = self.sample_captions
        text = Input((), "string", example=lambda n, seed: np.array(
            [captions[i % len(captions)] for i in range(n)]),
            lite=Input((self.embedding_dim,)), lite_name="embedding",
            to_lite=lambda text: self.embed(text).numpy(), max_words=self.max_length)
        return {"text": text, **super().generator_inputs()}

    def generate_from(self, inputs, training=False):
        """Images from `text` (or a precomputed `embedding`) and `z`."""
        inputs = dict(inputs)
        embedding = inputs.pop("embedding", None)
        if embedding is None:
            embedding = self.embed(inputs.pop("text"))
        else:
            inputs.pop("text", None)
        return self.generate_from_embedding(tf.cast(embedding, tf.float32), inputs,
                                            training=training)

    def generate_from_embedding(self, embedding, inputs, training=False):
        """Images in [-1, 1] from caption embeddings and the other inputs."""
        raise NotImplementedError

    def sample(self, num, seed=0, text=None, **inputs):
        """`num` images in [-1, 1] for caption(s) `text` (cycled), noise
        from `seed`; without `text`, the sample captions."""
        if text is not None:
            inputs["text"] = self._cycle(text, num)
        return super().sample(num, seed=seed, **inputs)

    @staticmethod
    def _cycle(text, num):
        text = [text] if isinstance(text, str) else list(text)
        return np.array([text[i % len(text)] for i in range(num)])

    def calibration_captions(self, n, rng):
        """`n` real training captions (numpy strings) drawn with `rng`, for
        re-estimating an averaged generator's batch norm
        (`calibration_batches`): on the embedded shapes one random caption
        each of `n` training scenes; on another dataset, whose captions
        this model does not hold, its sample captions (the dataset's
        examples), cycled in a random order."""
        if self.vocabulary == shapes.VOCABULARY:
            scenes = shapes.make_scenes(n, seed=int(rng.integers(2**31)), split="train")
            pick = rng.integers(0, scenes.captions.shape[1], n)
            return np.array([str(c) for c in scenes.captions[np.arange(n), pick]])
        return self._cycle(list(rng.permutation(self.sample_captions)), n)

    def interpolate_captions(self, start, end, steps=8, seed=0, **inputs):
        """GAN-INT's interpolation (Reed et al. 2016, sec. 4.3): images along
        the straight line from the embedding of caption `start` to that of
        `end`, the other inputs (noise `z`, ...) held fixed: given, else
        those of `example_inputs(1, seed)`. Returns numpy [steps, H, W, C]."""
        a, b = self.embed([start]), self.embed([end])
        t = tf.linspace(0.0, 1.0, steps)[:, None]
        fixed = {k: v for k, v in self.example_inputs(1, seed).items() if k != "text"}
        fixed.update(inputs)
        spec = self.generator_input_spec()
        batch = {}
        for key, value in fixed.items():  # one row, repeated along the path
            value = np.asarray(value, np.float32)
            row = value.reshape(value.shape[value.ndim - spec[key].shape.rank + 1:])
            batch[key] = tf.repeat(tf.constant(row[None]), steps, axis=0)
        batch["embedding"] = a * (1 - t) + b * t
        return self.generate_from(batch).numpy()

    def example_data(self, n, seed=0):
        """n random training examples in the layout `train_step` reads (the
        registry tests train every model on such a batch)."""
        rng = np.random.default_rng(seed)
        images = rng.uniform(-1, 1, (n,) + self.image_shape).astype("float32")
        tokens = rng.integers(2, len(self.vocabulary) + 2, (n, 2, self.max_length))
        tokens[:, :, self.max_length // 2:] = 0
        y0x0 = rng.uniform(0, 0.5, (n, 2, 2))
        bbox = np.concatenate([y0x0, y0x0 + 0.4], -1).astype("float32")
        return images, {"tokens": tokens.astype("int32"),
                        "class": (np.arange(n) % 4).astype("int32"),
                        "attributes": np.zeros((n, len(shapes.ATTRIBUTES)), "int32"),
                        "bbox": bbox}

    # --------------------------------------------------- training and export
    def build_for_training(self):
        super().build_for_training()
        self.load_pretrained()
        self.split_discriminator()  # built here, not inside the traced step

    def load_pretrained(self):
        """Load the trained text encoder named by `text_encoder`, if any."""
        if not self.text_encoder_path:
            return
        config = encoder.encoder_config(self.text_encoder_path)
        mine = {"vocabulary": list(self.vocabulary), "max_length": self.max_length,
                "word_dim": self.word_dim, "text_hidden": self.text_hidden,
                "embedding_dim": self.embedding_dim}
        changed = [k for k, v in mine.items() if config[k] != v]
        if changed:
            raise UserError(f"the text encoder in {self.text_encoder_path} has a different "
                            f"{', '.join(changed)} than this model: pass the encoder's "
                            "settings (tfgan_zoo.text.encoder.model_args) or retrain it")
        encoder.load_encoder_weights(self.text_encoder, self.text_encoder_path)

    def text_networks(self):
        return [self.vectorizer, self.text_encoder]

    def image_networks(self):
        """The networks that turn an embedding (and noise) into images."""
        return [self.generator]

    def export_networks(self):
        return self.text_networks() + self.image_networks()

    def lite_networks(self):
        return self.image_networks()

    def export_endpoints(self, batch_size=None):
        """`embed_text`: text [B] -> embedding [B, embedding_dim], what the
        phone (LiteRT) generator takes. `interpolate_text`: text_start [B],
        text_end [B], steps and the
        other generator inputs (z [B, nz], ...) -> B * steps images along the
        line between the two captions' embeddings (pair-major), the other
        inputs fixed per pair."""
        others = {k: v for k, v in self.generator_input_spec().items() if k != "text"}

        def interpolate_text(inputs):
            steps = tf.cast(tf.reshape(inputs["steps"], []), tf.int32)
            a, b = self.embed(inputs["text_start"]), self.embed(inputs["text_end"])
            t = tf.linspace(0.0, 1.0, steps)[None, :, None]
            batch = {k: tf.repeat(inputs[k], steps, axis=0) for k in others}
            batch["embedding"] = tf.reshape(a[:, None] * (1.0 - t) + b[:, None] * t,
                                            [-1, self.embedding_dim])
            return serving_outputs(self.generate_from(batch))

        example = self.example_inputs(2, seed=0)
        embed_text = Endpoint(
            "embed_text", lambda inputs: {"embedding": self.embed(inputs["text"])},
            {"text": tf.TensorSpec([batch_size], tf.string, name="text")},
            {"embedding": tf.TensorSpec([None, self.embedding_dim], tf.float32,
                                        name="embedding")},
            {"text": example["text"][:1]},
            "text [B] -> embedding float32 [B, embedding_dim]: the caption embedding "
            "the LiteRT generator takes")
        return [embed_text, Endpoint(
            "interpolate_text", interpolate_text,
            {"text_start": tf.TensorSpec([batch_size], tf.string, name="text_start"),
             "text_end": tf.TensorSpec([batch_size], tf.string, name="text_end"),
             "steps": tf.TensorSpec(None, tf.int32, name="steps"),
             **{k: tf.TensorSpec([batch_size, *v.shape[1:]], v.dtype, name=k)
                for k, v in others.items()}},
            image_outputs(self.image_shape),
            {"text_start": example["text"][:1], "text_end": example["text"][1:2],
             "steps": np.int32(3), **{k: example[k][:1] for k in others}},
            "text_start [B], text_end [B], steps (scalar), "
            + ", ".join(f"{k} [B, ...]" for k in others)
            + " -> B * steps images along the line between the two captions' "
            "embeddings (GAN-INT), pair-major, the other inputs fixed per pair")]


