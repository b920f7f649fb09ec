"""Training stages: the SFT core (cold start, stage 3), GRPO, callbacks, and what the stages share."""
