"""Training runs: the trainer, its callbacks and the text-encoder phase of
the text recipes. The run directory they write (config, lock, atomic
checkpoints, `load_run`) lives a floor below, in `tfgan_zoo.rundir`."""
