"""The voice test of issue 14: the simulated patient is spoken (flite), optionally degraded
(noise and a room, sox), recognised (pocketsphinx), and the recognised text is what the skill
hears. See README.md here."""
