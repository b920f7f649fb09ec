"""DeepSeek-R1-Zero: GRPO straight from a base model, with rule rewards only.

    accelerate launch recipes/r1_zero.py --config recipes/tiny/r1_zero.yaml
    accelerate launch --config_file zero3.yaml recipes/r1_zero.py --config recipes/qwen2.5-math-7b/r1_zero.yaml

Paper, section 2.2: the R1-Zero template (``<think>…</think><answer>…</answer>``), an accuracy
reward and a format reward, no SFT and no neural reward model. Data with the template applied:
``synthetic://arithmetic?layout=r1_zero`` or any dataset whose ``prompt`` uses
``trl_r1.text.templates.r1_zero_prompt``.
"""

from trl_r1.training.grpo import main

if __name__ == "__main__":
    main()
