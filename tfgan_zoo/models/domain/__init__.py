"""Domain adaptation and cross-domain generation: a classifier or generator
trained on a labelled source domain that must work on an unlabelled target
domain (DANN, ADDA, MDAN) or carry an image across domains while keeping what
it shows (DTN). The family's base (`base.py`) holds the shared feature
extractor, label classifier and target-accuracy reporting."""
