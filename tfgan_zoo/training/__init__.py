"""Training runs: the trainer, its callbacks, atomic checkpoints, the run
directory (`run.load_run`), and the text-encoder phase of the text recipes."""
