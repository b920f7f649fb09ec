"""Server-mode benchmark evaluation (``vllm_mode: server``): every problem of the rank goes to the server in
one request, and each problem gets back its own samples."""

import types

from trl_r1.generation import render_prompt
from trl_r1.models.tiny import build_tiny_tokenizer
from trl_r1.training.benchmark_eval import BenchmarkEvalCallback, problem_seed

BENCHMARK = "synthetic://arithmetic?split=test&n=5&seed=0"


class FakeServer:
    """TRL's VLLMClient.generate contract: n completions per prompt, prompt-major. Each completion spells
    the position of its prompt in the request (so the test sees which problem got which samples)."""

    def __init__(self, tokenizer):
        self.tokenizer, self.calls = tokenizer, []

    def generate(self, prompts, n, temperature, top_p, max_tokens, generation_kwargs, **kwargs):
        self.calls.append(
            {
                "prompts": prompts,
                "n": n,
                "temperature": temperature,
                "top_p": top_p,
                "max_tokens": max_tokens,
                **generation_kwargs,
            }
        )
        eos = [self.tokenizer.eos_token_id]
        ids = [
            self.tokenizer(f"<answer>{j}</answer>", add_special_tokens=False)["input_ids"] + eos
            for j in range(len(prompts))
            for _ in range(n)
        ]
        return {"completion_ids": ids}


def server_trainer(tokenizer, client):
    engine = types.SimpleNamespace(mode="server", vllm_client=client, sync_weights=lambda: None)
    accelerator = types.SimpleNamespace(num_processes=1, process_index=0, is_main_process=True)
    return types.SimpleNamespace(
        processing_class=tokenizer,
        use_vllm=True,
        vllm_generation=engine,
        accelerator=accelerator,
        state=types.SimpleNamespace(global_step=0),
        _last_loaded_step=0,
        args=types.SimpleNamespace(max_completion_length=32),
    )


def test_server_mode_sends_one_request_for_all_problems_and_routes_each_problems_samples():
    tokenizer = build_tiny_tokenizer()
    client = FakeServer(tokenizer)
    callback = BenchmarkEvalCallback(BENCHMARK, k=3, temperature=0.6, top_p=0.95, seed=4, max_new_tokens=16)
    callback.bind(server_trainer(tokenizer, client))
    assert callback._sampler() == "server"

    samples = callback._sample("server", list(range(5)))

    assert len(client.calls) == 1  # not one request per problem
    call = client.calls[0]
    assert len(call["prompts"]) == 5 and call["n"] == 3
    assert (call["temperature"], call["top_p"], call["max_tokens"]) == (0.6, 0.95, 16)
    assert call["seed"] == problem_seed(4, 0)
    expected = [
        tokenizer(render_prompt(tokenizer, p), add_special_tokens=False)["input_ids"]
        for p in callback.prompts
    ]
    assert call["prompts"] == expected
    assert [len(group) for group in samples] == [3] * 5
    for j, group in enumerate(samples):  # problem j got the completions of prompt j
        assert all(s.text == f"<answer>{j}</answer>" and s.finished for s in group)


def test_server_mode_asks_nothing_for_a_rank_without_problems():
    tokenizer = build_tiny_tokenizer()
    client = FakeServer(tokenizer)
    callback = BenchmarkEvalCallback(BENCHMARK, k=2).bind(server_trainer(tokenizer, client))
    assert callback._sample("server", []) == [] and client.calls == []
