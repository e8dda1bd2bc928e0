"""What the digit recipes share: mnist5k's 4,500 training digits (the 500
held out for evaluation never reach training) at 28 px, batch 64, and
Radford et al.'s Adam (learning rate 2e-4, beta_1 0.5) for every player."""

DIGITS_28 = dict(dataset="mnist5k:train", image_size=28, batch_size=64,
                 g_lr=2e-4, d_lr=2e-4, beta_1=0.5)
