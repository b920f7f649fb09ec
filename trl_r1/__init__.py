"""trl_r1: the DeepSeek-R1 training recipe on HuggingFace TRL.

The package is a thin layer: TRL owns training loops, losses and generation; trl_r1 owns what
the R1 paper adds (rule rewards, the cold-start format, readability filters, rejection sampling,
the multi-stage runner, R1-style evaluation and monitors).
"""

__version__ = "0.1.0"
