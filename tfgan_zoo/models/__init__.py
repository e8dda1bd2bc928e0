"""The GANs of the zoo: one file per GAN, one folder per task family with the
family's base class in `base.py`; `tfgan_zoo.registry` names them all."""
