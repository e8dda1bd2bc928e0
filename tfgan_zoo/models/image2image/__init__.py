"""Image to image: paired (pix2pix, BicycleGAN, SRGAN, Context Encoder) and
unpaired (CycleGAN, DualGAN, DiscoGAN, MUNIT) translation over the bases in
`base.py`."""
