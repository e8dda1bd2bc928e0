"""The GANs of the zoo, one per module; see `tfgan_zoo.registry`."""
