"""Export trained generators: SavedModel for TF Serving, TFLite for phones."""
