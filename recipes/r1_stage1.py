"""DeepSeek-R1 stage 1: cold-start SFT on readable long chains of thought.

    accelerate launch recipes/r1_stage1.py --config recipes/tiny/stage1.yaml --output_dir runs/stage1

YAML keys are the fields of ``trl_r1.cold_start.ColdStartArguments``, ``trl.SFTConfig`` and
``trl.ModelConfig``; command-line flags override them. The output directory holds the model and
tokenizer (load it with ``from_pretrained``), ``cold_start_report.json`` (counts of rows
formatted, filtered, dropped) and ``cold_start_dropped.jsonl`` (every dropped row and why).
"""

import logging

from trl import ModelConfig, SFTConfig, TrlParser

from trl_r1.cold_start import ColdStartArguments, train_cold_start

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = TrlParser((ColdStartArguments, SFTConfig, ModelConfig))
    script_args, training_args, model_args = parser.parse_args_and_config()
    train_cold_start(script_args, training_args, model_args)
