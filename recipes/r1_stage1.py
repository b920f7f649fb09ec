"""DeepSeek-R1 stage 1: cold-start SFT on readable long chains of thought.

    accelerate launch recipes/r1_stage1.py --config recipes/tiny/stage1.yaml   (writes runs/tiny-stage1)

YAML keys are the fields of ``trl_r1.training.sft.ColdStartArguments``, ``trl.SFTConfig`` and
``trl.ModelConfig``; command-line flags override them. The output directory holds the model and
tokenizer (load it with ``from_pretrained``), ``cold_start_report.json`` (counts of rows
formatted, filtered, dropped) and ``cold_start_dropped.jsonl`` (every dropped row and why).
"""

from trl_r1.training.sft import main

if __name__ == "__main__":
    main()
