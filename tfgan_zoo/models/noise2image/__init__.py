"""Noise (and a label) to image: GAN, DCGAN, CGAN, WGAN, WGAN-GP, LSGAN, all
trained by Algorithm 1 written once in `base.NoiseToImageGAN`."""
