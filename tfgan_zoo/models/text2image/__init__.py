"""Text to image: GAN-INT-CLS, GAWWN, StackGAN and semantic image synthesis
over `base.TextConditionalModel`, whose exports take a caption string."""
