"""Yang, Chou & Yang 2017: MidiNet on music21's Bach chorales (offline):
one-bar soprano melodies (16 sixteenths x 24 pitches, C4-B5) conditioned on
the chord of the lower voices and on the bar before, transposed to all 12
keys as the paper augments its data.

The reference code's setting (RichardYang40148/MidiNet v1): batch 72,
z 100, widths 64 and 1024, Adam 2e-4 with beta_1 0.5, feature matching
(lambda_1 0.1, lambda_2 0.01), real label 0.9, two G updates per D update.
Samples are written as a piano-roll PNG and a MIDI file. The checks
(chord-tone ratio against real data and an unconditional model, pitch-class
KL against random notes) are benchmarks/midinet_checks.py."""

from tfgan_zoo.config import Config
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="midinet", model="midinet", dataset="bach_chorales", steps=3000,
                batch_size=72, g_lr=2e-4, d_lr=2e-4, beta_1=0.5, sample_every=500,
                checkpoint_every=500, num_samples=16, mixed_precision="none",
                model_args={"latent_dim": 100})


if __name__ == "__main__":
    main(RECIPE)
