"""DeepSeek-R1 stage 4: RL for all scenarios (GRPO on reasoning and general prompts together).

    accelerate launch recipes/r1_stage4.py --config recipes/tiny/stage4.yaml
    accelerate launch --config_file zero3.yaml recipes/r1_stage4.py --config recipes/qwen2.5-7b/stage4.yaml

Paper, section 2.3.4: rule rewards for reasoning prompts (rows with a gold answer in
``solution``), reward models for general prompts (``reward_routing: true``): helpfulness judged on
the summary after the reasoning (``helpfulness=PATH``), harmlessness on the whole response
(``harmlessness=PATH``); the preference rewards only in the last steps (``preference_last_steps``).
"""

from trl_r1.training.grpo import main

if __name__ == "__main__":
    main()
