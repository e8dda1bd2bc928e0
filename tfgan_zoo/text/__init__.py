"""Text-to-image: captioned data, a text encoder trained in the project, and
what the text-conditioned GANs share.

    shapes       the embedded, procedurally generated captioned-image dataset
                 ("a small red circle above a large blue square"), offline
    cub          CUB-200-2011 / Oxford-102 images with Reed et al.'s captions
    encoder      word-level bidirectional GRU text encoder, tokenization in
                 the graph, trained with the deep symmetric structured joint
                 embedding loss (Reed et al. 2016)
    conditional  `TextConditionalModel`, the base of the text-to-image GANs
    faithfulness attribute classifier and caption-faithfulness scores
    grid         sample grids labelled with their captions
"""
