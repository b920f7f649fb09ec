"""Text: the R1 completion format, prompt templates and reflective words (pure functions, no torch)."""
