"""A run directory and what reads it, below training, export and the
models that build on an earlier run: its config, lock and `load_run`
(`run.py`) and its atomic checkpoints (`checkpoint.py`)."""
