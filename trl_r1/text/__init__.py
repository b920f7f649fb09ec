"""Pure functions on strings: completion parsing, prompt templates, language identification."""
