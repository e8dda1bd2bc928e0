"""Network builders and layers: `layers` holds what every family shares, and
each family has its own file (dcgan, image2image, restoration, munit, text).
Builders return functional `keras.Model`s whose outputs are float32."""
