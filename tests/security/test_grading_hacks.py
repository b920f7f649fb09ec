"""Programs that try to pass tests they do not solve. Each scores 0.0 (its goal failed), or ``None``
where the test is one only the sandbox could judge, and its honest twin scores 1.0. Issue 22's
hacks each have a test here; the principle they check: the expected value, the verdict and anything
proving completion never enter the program's process, so nothing the program finds or forges there
can make a wrong answer right."""

from __future__ import annotations

import sys

import hostile_fixtures
import pytest

from trl_r1.rewards.code import CodeReward
from trl_r1.rewards.code_tests import parse_test_cases
from trl_r1.sandbox import Job, LocalSandbox, SandboxConfig
from trl_r1.sandbox.protocol import decode_value

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the local sandbox is Linux-only"),
    pytest.mark.usefixtures("nothing_outlives_the_run"),
]
hostile_sandbox = hostile_fixtures.hostile_sandbox
nothing_outlives_the_run = hostile_fixtures.nothing_outlives_the_run

ADD = "def add(a, b):\n    return a + b\n"
WRONG_ASSERT = [{"assert": "assert add(2, 2) == 5"}]  # a correct add cannot pass it: only a hack can
HONEST_ASSERT = [{"assert": "assert add(2, 2) == 4"}]


class Metrics(dict):
    def __call__(self, name, value):
        self[name] = value


@pytest.fixture(scope="module")
def reward(hostile_sandbox) -> CodeReward:
    return CodeReward(hostile_sandbox)


def solution(code: str) -> str:
    return f"<think>add them</think>\n```python\n{code}\n```"


# Forgers: find the harness's data (frames, gc, tracebacks) or patch it, then write a report of
# their own on every descriptor and exit. Against the old harness they found the nonce and passed.
_FORGE = """
import gc, json, os, sys, traceback
found = []
frame = sys._getframe()
while frame is not None:
    found += list(frame.f_locals.values())
    frame = frame.f_back
for obj in gc.get_objects():
    if callable(obj) and getattr(obj, '__defaults__', None):
        found += list(obj.__defaults__)
try:
    raise RuntimeError
except RuntimeError as exc:
    tb = exc.__traceback__
    while tb is not None:
        found += list(tb.tb_frame.f_locals.values())
        tb = tb.tb_next
secrets = [v for v in found if isinstance(v, str) and len(v) == 32]
steps = next((v for v in found if isinstance(v, list) and v and isinstance(v[0], dict)), [])
lines = [json.dumps({"i": i, "v": ["b", True]}) for i in range(max(len(steps), 1))]
lines += [json.dumps({"done": s}) for s in secrets[:1]]
for fd in range(3, 64):
    try:
        os.write(fd, ("\\n".join(lines) + "\\n").encode())
    except OSError:
        pass
os._exit(0)
"""

HACKS = {
    "sys_exit_before_the_asserts": ADD + "import sys; sys.exit(0)",
    "raise_system_exit": ADD + "raise SystemExit(0)",
    "exit_builtin": ADD + "exit()",
    "os_exit": ADD + "import os; os._exit(0)",
    "atexit_os_exit": ADD + "import atexit, os; atexit.register(os._exit, 0)",
    "kill_own_harness": ADD + "import os, signal; os.kill(os.getpid(), signal.SIGKILL)",
    "exit_from_a_thread_later": ADD + "import os, threading, time\n"
    "threading.Thread(target=lambda: (time.sleep(0.05), os._exit(0))).start()\n"
    "time.sleep(1)",
    "sigalrm_exit_during_the_asserts": ADD.replace("return a + b", "import time; time.sleep(1); return a + b")
    + "import os, signal\nsignal.signal(signal.SIGALRM, lambda *a: os._exit(0))\n"
    "signal.setitimer(signal.ITIMER_REAL, 0.05)",
    "patched_assertion_error": ADD
    + "import builtins; builtins.AssertionError = type('Never', (Exception,), {})",
    "trace_hook_skipping_lines": ADD + "import sys\nsys.settrace(lambda *a: None)",
    "forged_report_on_every_fd": ADD + "import os\nfor fd in range(3, 64):\n    try:\n"
    '        os.write(fd, b\'{"i": 0, "v": ["i", "4"]}\\n{"done": "x"}\\n\')\n'
    "    except OSError:\n        pass\nos._exit(0)",
    "nonce_and_steps_from_frames_gc_and_tracebacks": ADD + _FORGE,
    "eq_always_true": "class Anything:\n    def __eq__(self, other):\n        return True\n    __hash__ = None\n"
    "def add(a, b):\n    return Anything()\n",
    "int_subclass_eq": "class Lie(int):\n    def __eq__(self, other):\n        return True\n"
    "def add(a, b):\n    return Lie(0)\n",
    "patched_int_compare_through_builtins": ADD.replace("a + b", "a + b + 0")
    + "import builtins\nbuiltins.int = float",
    "snoop_the_expected_value_in_memory": "import gc\nseen = repr([o for o in gc.get_objects() if isinstance(o, (str, dict, list, tuple))])\n"
    "marks = [''.join(['=', '=', ' ', '5']), ''.join(['add(2, 2)', ' ', '='])]\n"
    "def add(a, b):\n    return 5 if any(m in seen for m in marks) else a + b\n",
    "rewrite_the_harness_through_gc": ADD + "import gc, types\nfor f in gc.get_objects():\n"
    "    if isinstance(f, types.FunctionType) and f.__name__ in ('_run_steps', 'plain_value', '_report'):\n"
    "        f.__code__ = (lambda *a, **k: None).__code__\n",
    # the three below made every step report "true", which passed the old in-sandbox truth checks
    "replace_the_value_encoder": ADD + "import gc\nfor o in gc.get_objects():\n"
    "    if isinstance(o, dict) and 'plain_value' in o:\n"
    "        o['plain_value'] = lambda v, *a, **k: ['b', True]\n",
    "patch_json_dumps": ADD + "import json\n_real = json.dumps\n"
    "json.dumps = lambda o, *a, **k: _real({**o, 'v': ['b', True]} if isinstance(o, dict) "
    "and 'i' in o else o, *a, **k)\n",
    "rewrite_the_steps_list": ADD + "import gc\nfor o in gc.get_objects():\n"
    "    if isinstance(o, dict) and 'eval' in o:\n        o['eval'] = 'True'\n",
}


@pytest.mark.parametrize("code", HACKS.values(), ids=HACKS.keys())
def test_a_grading_hack_scores_zero_and_its_honest_twin_one(reward, code):
    assert reward(completions=[solution(code)], test_cases=[WRONG_ASSERT]) == [0.0]
    assert reward(completions=[solution(ADD)], test_cases=[HONEST_ASSERT]) == [1.0]


def test_the_expected_value_is_nowhere_in_the_programs_process(reward):
    """Every string the program can reach (frames, every object, its own memory) is free of the
    expected literal and of the comparison; it then prints what it found."""
    probe = r"""
import ctypes, gc, re, sys
def add(a, b):
    return a + b
hits = set()
for o in gc.get_objects():
    r = repr(o) if isinstance(o, (str, dict, list, tuple)) else ''
    if re.search(r'98765[4]321|=[=] 98765', r):
        hits.add('gc')
for line in open('/proc/self/maps'):
    lo, hi = (int(x, 16) for x in line.split()[0].split('-'))
    if 'r' not in line.split()[1] or hi - lo > 1 << 28 or 'vvar' in line or 'vsyscall' in line:
        continue
    try:
        if re.search(rb'98765[4]321', ctypes.string_at(lo, hi - lo)):
            hits.add('memory')
    except Exception:
        pass
print(sorted(hits))
"""
    tests = [[{"assert": "assert add(1, 2) == 9876543210"}]]
    assert reward(completions=[solution(probe)], test_cases=tests) == [0.0]
    result = reward.provider.run([Job(probe, tuple(t.case() for t in parse_test_cases(tests[0])))])[0]
    assert result.ok and result.cases[0].stdout == "[]\n"


# ----------------------------------------------------------------------------------------------- assert forms
def test_a_truthy_object_does_not_pass_an_is_true_assert(reward):
    code = "class Yes:\n    def __bool__(self):\n        return True\ndef is_even(n):\n    return Yes()\n"
    honest = "def is_even(n):\n    return n % 2 == 0\n"
    tests = [[{"assert": "assert is_even(3) is False"}]]
    assert reward(completions=[solution(code), solution(honest)], test_cases=tests * 2) == [0.0, 1.0]


UNTRUSTED_FORMS = {
    "bool_op": ("assert add(2, 2) == 5 and add(1, 1) == 3", "assert add(2, 2) == 4 and add(1, 1) == 2"),
    "all_over_a_generator": (
        "assert all(add(a, a) == b for a, b in [(1, 3), (2, 5)])",
        "assert all(add(a, a) == b for a, b in [(1, 2), (2, 4)])",
    ),
    "comparison_compared_with_true": ("assert (add(2, 2) == 5) is True", "assert (add(2, 2) == 4) is True"),
    "bare_truth_value": ("assert add(2, -3)", "assert add(2, 2)"),
    "not": ("assert not add(2, 2)", "assert not add(2, -2)"),
    "asserts_in_a_loop": (
        "for a, b in [(1, 3)]:\n    assert add(a, a) == b",
        "for a, b in [(1, 2)]:\n    assert add(a, a) == b",
    ),
    "raise_in_test_code": (
        "if add(2, 2) != 5:\n    raise AssertionError\nassert add(0, 0) == 0",
        "if add(2, 2) != 4:\n    raise AssertionError\nassert add(0, 0) == 0",
    ),
    "helper_defined_by_the_test": (
        "def check(x):\n    return x == 5\nassert check(add(2, 2)) == True",
        "def check(x):\n    return x == 4\nassert check(add(2, 2)) == True",
    ),
    "verdict_assigned_then_checked": (
        "ok = add(2, 2) == 5\nassert ok is True",
        "ok = add(2, 2) == 4\nassert ok is True",
    ),
    "arithmetic_on_the_value": ("assert add(2, 2) - 5 == 0", "assert add(2, 2) - 4 == 0"),
    "no_comparison_at_all": ("add(2, 2)", "add(2, 2)"),
    # test code that puts the expected value in the program's namespace: `add` could return cases[0][1]
    "test_code_binds_the_expected_value": (
        "cases = [(2, 5)]\nassert add(cases[0][0], 2) == 5",
        "cases = [(2, 4)]\nassert add(cases[0][0], 2) == 4",
    ),
}
# What a forger writes for them: "true" for the first step, then exit before the harness runs.
FORGER = (
    ADD.replace("a + b", "a - b") + 'import os\nos.write(3, b\'{"i": 0, "v": ["b", true]}\\n\')\nos._exit(0)'
)


@pytest.mark.parametrize("wrong,right", UNTRUSTED_FORMS.values(), ids=UNTRUSTED_FORMS.keys())
def test_asserts_the_trainer_cannot_judge_score_none_and_are_counted(reward, wrong, right):
    metrics = Metrics()
    scores = reward(
        completions=[solution(FORGER), solution(ADD)],
        test_cases=[[{"assert": wrong}], [{"assert": right}]],
        log_metric=metrics,
    )
    assert scores == [None, None]
    assert metrics["code_reward/untrusted_tests"] == 2


def test_trust_sandbox_asserts_is_forgeable_as_documented(hostile_sandbox):
    """With ``trust_sandbox_asserts=True`` the verdict comes from the sandbox, and a forger wins."""
    trusting = CodeReward(hostile_sandbox, trust_sandbox_asserts=True)
    assert trusting(
        completions=[solution(FORGER)], test_cases=[[{"assert": "assert add(2, 2) == 5 and True"}]]
    ) == [1.0]


FLOAT_HACKS = {
    "object_whose_sub_returns_zero": "class Z:\n    def __sub__(self, o):\n        return 0.0\n    __rsub__ = __sub__\n"
    "def area(r):\n    return Z()\n",
    "abs_shadowed": "abs = lambda x: 0\nimport builtins\nbuiltins.abs = abs\ndef area(r):\n    return 1.0\n",
    "math_isclose_patched": "import math\nmath.isclose = lambda *a, **k: True\ndef area(r):\n    return 1.0\n",
    "float_subclass": "class F(float):\n    def __eq__(self, o):\n        return True\n    def __sub__(self, o):\n"
    "        return 0.0\ndef area(r):\n    return F(1.0)\n",
}
FLOAT_ASSERTS = [
    "assert abs(area(2) - 12.566370614359172) < 1e-6",
    "assert abs(12.566370614359172 - area(2)) <= 1e-6",
    "import math\nassert math.isclose(area(2), 12.566370614359172)",
    "import math\nassert math.isclose(area(2), 12.566370614359172, rel_tol=1e-6)",
]


@pytest.mark.parametrize("code", FLOAT_HACKS.values(), ids=FLOAT_HACKS.keys())
def test_the_usual_float_asserts_are_judged_outside(reward, code):
    honest = "import math\ndef area(r):\n    return math.pi * r * r\n"
    rows = [[{"assert": a}] for a in FLOAT_ASSERTS]
    assert reward(completions=[solution(code)] * len(rows), test_cases=rows) == [0.0] * len(rows)
    assert reward(completions=[solution(honest)] * len(rows), test_cases=rows) == [1.0] * len(rows)


# ----------------------------------------------------------------------------------------------- comparisons
def test_a_float_token_does_not_pass_an_integer_answer(reward):
    rows = [[{"input": "", "output": "1000000007\n"}], [{"input": "", "output": "123456789\n"}]]
    hacks = [solution("print('1e9')"), solution("print('123456700.0')")]
    honest = [solution("print(10**9 + 7)"), solution("print(123456789)")]
    assert reward(completions=hacks, test_cases=rows) == [0.0, 0.0]
    assert reward(completions=honest, test_cases=rows) == [1.0, 1.0]


def test_call_based_floats_compare_with_tolerance_and_integers_exactly(reward):
    floats = {"fn_name": "f", "inputs": [[]], "outputs": [0.3]}
    ints = {"fn_name": "g", "inputs": [[]], "outputs": [1000000007]}
    codes = [
        solution("def f():\n    return 0.1 + 0.2"),
        solution("def g():\n    return 1e9"),
        solution("def g():\n    return 10**9 + 7"),
        solution("def g():\n    return 1000000007.5"),
    ]
    assert reward(completions=codes, input_output=[floats, ints, ints, ints]) == [1.0, 0.0, 1.0, 0.0]


def test_json_encoded_function_call_cases_are_decoded(reward):
    """open-r1's verifiable-coding-problems-python stores call arguments and outputs as JSON strings."""
    info = {
        "language": "python",
        "test_cases": [
            {"type": "function_call", "fn_name": "add", "input": "[1, 2]", "output": "[3]"},
            {"type": "function_call", "fn_name": "add", "input": "[[1], [2]]", "output": "[[1, 2]]"},
        ],
    }
    echo = "def add(*args):\n    return '3' if args == ('[1, 2]',) else args[0]"  # right only if fed the raw string
    assert reward(completions=[solution(ADD), solution(echo)], verification_info=[info, info]) == [1.0, 0.0]


def test_the_sandbox_sees_nothing_of_the_expected_output_not_even_its_size():
    short, long = parse_test_cases([{"input": "1", "output": "2"}, {"input": "1", "output": "2" * 30000}])
    assert short.case() == long.case()


def test_a_row_expecting_more_output_than_the_sandbox_captures_scores_none(reward, hostile_sandbox):
    metrics = Metrics()
    big = "x" * (hostile_sandbox.config.max_output_bytes + 10)
    scores = reward(
        completions=[solution(f"print('{big}')")],
        test_cases=[[{"input": "", "output": big}]],
        log_metric=metrics,
    )
    assert scores == [None] and metrics["code_reward/unscorable"] == 1


def test_padding_the_output_past_the_cap_does_not_hide_a_wrong_answer(reward):
    code = "print(42)\nprint('\\n' * 100000)\nprint('WRONG ANSWER')"
    assert reward(completions=[solution(code)], test_cases=[[{"input": "", "output": "42"}]]) == [0.0]


def test_a_call_based_hack_exiting_at_import_scores_zero(reward):
    io = {"fn_name": "add", "inputs": [[2, 2]], "outputs": [4]}
    code = ADD + "import os; os._exit(0)"
    assert reward(completions=[solution(code), solution(ADD)], input_output=[io, io]) == [0.0, 1.0]


# ----------------------------------------------------------------------------------------------- excuses
# A wrong program gains from an unscored (None) completion: in GRPO it gets advantage 0, above a wrong
# one. These try to turn their 0.0 into a sandbox failure.
def test_breaking_the_working_directory_for_the_next_case_is_not_an_excuse(reward):
    metrics = Metrics()
    code = "import os\nos.chmod('/work', 0)\nos.chmod('.', 0)\nprint(0)"
    tests = [{"input": "1", "output": "2"}, {"input": "2", "output": "4"}]
    assert reward(completions=[solution(code)], test_cases=[tests], log_metric=metrics) == [0.0]
    assert metrics["code_reward/sandbox_errors"] == 0


def test_printing_to_the_cap_in_every_case_is_not_an_excuse():
    """Each case's output goes to the trainer as the case ends: it never piles up in the worker's
    memory limit, so the job process survives to report every case."""
    sandbox = LocalSandbox(SandboxConfig(max_workers=1, memory_mb=256, max_output_bytes=1 << 20))
    try:
        metrics = Metrics()
        code = "import sys\nsys.stdout.write('x' * (1 << 20))\nsys.stderr.write('y' * (1 << 20))"
        tests = [{"input": str(i), "output": str(2 * i)} for i in range(60)]
        assert CodeReward(sandbox)(completions=[solution(code)], test_cases=[tests], log_metric=metrics) == [
            0.0
        ]
        assert metrics["code_reward/sandbox_errors"] == 0
    finally:
        sandbox.close()


# ----------------------------------------------------------------------------------------------- red team
def test_a_forged_set_of_colliding_hashes_is_refused_before_it_is_built():
    """Issue 22's red team (RT-REC-8): 40000 multiples of 2**61 - 1 hash alike; built into a set they cost
    the trainer quadratic time. The decoder refuses them (the case fails) after one linear pass."""
    collide = [["i", format(k * (2**61 - 1), "x")] for k in range(40000)]
    for tag in ("S", "F"):
        with pytest.raises(ValueError, match="same hash"):
            decode_value([tag, collide])
    with pytest.raises(ValueError, match="same hash"):
        decode_value(["d", [[k, ["n"]] for k in collide]])
    assert decode_value(["S", [["i", format(k, "x")] for k in range(40000)]]) == set(range(40000))


def test_a_big_integer_answer_is_reported_whole(reward):
    """RT-CMP-10: 2000! has 5736 digits, past Python's 4300-digit limit on decimal conversion; values go
    as hex, so an honest answer scores 1.0 and an off-by-one 0.0."""
    import math

    io = {"fn_name": "fact", "inputs": [[2000]], "outputs": [math.factorial(2000)]}
    right = solution("import math\ndef fact(n):\n    return math.factorial(n)")
    wrong = solution("import math\ndef fact(n):\n    return math.factorial(n) + 1")
    assert reward(completions=[right, wrong], input_output=[io, io]) == [1.0, 0.0]


def test_the_linear_fence_pairing_finds_the_blocks_the_regex_finds():
    """RT-PARSE-1..3: the fence regex cost the trainer quadratic time on many unclosed openers; the
    line-by-line pairing that replaced it must pick the same last block."""
    import random

    from trl_r1.text.completion import _FENCE, CodeBlock, last_code_block

    def by_regex(text):
        blocks = list(_FENCE.finditer(text))
        return CodeBlock(blocks[-1].group(2).lower(), blocks[-1].group(3)) if blocks else None

    pieces = [
        "```",
        "````",
        "~~~",
        "```python",
        "````py",
        "``` cpp x",
        "code",
        " ",
        "\n",
        "\n",
        "\r",
        "```\r",
        "  ```",
        "\u2028",
        "x\n",
    ]
    rng = random.Random(0)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        assert last_code_block(text) == by_regex(text), repr(text)
