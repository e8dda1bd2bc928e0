"""Music: generators of symbolic music, one bar of a piano-roll at a time
(MidiNet), served as piano-rolls and note masks (`tfgan_zoo.samples`'
"pianoroll" kind) and previewed as a piano-roll picture and a MIDI file.
Their data is `tfgan_zoo.data.music` (music21's bundled corpus), their
metrics `tfgan_zoo.evaluation.music`."""
