"""Models: resolving names, tokenizer surgery, LoRA, tiny offline models (layer 4)."""
