"""Text encoders for the text-to-image GANs.

    tokenizer  tokenization in the graph (word ids), so exports take strings
    encoder    word-level bidirectional GRU text encoder trained with the deep
               symmetric structured joint embedding loss (Reed et al. 2016)
    sentence   a pretrained BERT-family sentence model (e.g. all-MiniLM-L6-v2)
               read from a local folder, as a frozen encoder
"""
