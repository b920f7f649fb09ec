"""Text: the R1 completion format, prompt templates, language identification and reflective words (pure
functions on strings, no torch)."""
