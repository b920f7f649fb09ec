"""R1 rule-based rewards, drop-in for any TRL GRPO script."""
