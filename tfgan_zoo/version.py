"""The package version (read by `tfgan_zoo.__version__` and model cards)."""

__version__ = "0.1.0"
