"""Issue 22 red team: each hostile program of ``redteam_programs`` runs against the code reward (or the
sandbox), and each test asserts that the program's goal failed and that nothing of it survived.

Needs Linux; runs as whatever user the suite runs as (the isolation is strongest as root). The sandbox
uids used here (``UID0`` and up) are this module's own, so "no process of a sandbox uid" is checked
without racing other suites that use the default range.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from redteam_programs import (  # noqa: E402
    COPYCAT_FAULTS_COPY,
    COPYCAT_FAULTS_PEER,
    COPYCAT_IPC_COPY,
    COPYCAT_IPC_PEER,
    COPYCAT_PAGECACHE_COPY,
    COPYCAT_PAGECACHE_MINCORE_COPY,
    COPYCAT_PAGECACHE_PEER,
    COPYCAT_PAGECACHE_TIMING_COPY,
    COPYCAT_PID_COPY,
    COPYCAT_PID_PEER,
    FORGE,
    GRADING_HACKS,
    PROBES,
    SECRET_PREFIX,
    GradingHack,
    Probe,
    completion,
    scanner_program,
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the local sandbox needs Linux")

# this run's own sandbox uids, UID0 .. UID0 + 255: unique per test process, so two runs of this module at
# once (another worktree running it too) never see each other's processes as survivors
UID0 = 400000 + (os.getpid() % 2000) * 256
UID_END = UID0 + 256


def _sandbox_uid_processes() -> list[str]:
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            st = os.stat(f"/proc/{pid}")
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue
        if UID0 <= st.st_uid < UID_END or comm == "rt22daemon":
            found.append(f"pid {pid} uid {st.st_uid} {comm}")
    return found


def _leftover_files() -> list[str]:
    found = []
    for root in ("/tmp", "/dev/shm", "/var/tmp"):
        try:
            entries = list(os.scandir(root))
        except OSError:
            continue
        for e in entries:
            try:
                st = e.stat(follow_symlinks=False)
            except OSError:
                continue
            if UID0 <= st.st_uid < UID_END or "rt22" in e.name:
                found.append(e.path)
    return found


# Worker directories of this process that existed before this module opened its sandboxes (another test
# module's sandbox, closed at its own end or at exit): not this module's to answer for.
_DIRS_BEFORE: set[str] = set()


def _leftover_worker_dirs() -> list[str]:
    return [
        str(p) for p in Path("/tmp").glob(f"trl_r1_sandbox_{os.getpid()}_*") if str(p) not in _DIRS_BEFORE
    ]


def assert_nothing_survives(closed: bool = False) -> None:
    deadline = time.monotonic() + 5
    while True:
        procs, files = _sandbox_uid_processes(), _leftover_files()
        dirs = _leftover_worker_dirs() if closed else []
        if not (procs or files or dirs) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert not procs, f"processes of a sandbox uid survived: {procs}"
    assert not files, f"files left behind: {files}"
    assert not dirs, f"worker directories left behind after close: {dirs}"


class Metrics:
    def __init__(self) -> None:
        self.values: dict[str, float] = {}

    def __call__(self, key: str, value: float) -> None:
        self.values[key] = self.values.get(key, 0.0) + float(value)


def _make_reward(uid: int, **config):
    from trl_r1.rewards import CodeReward
    from trl_r1.sandbox import SandboxConfig

    defaults = dict(
        max_workers=2, sandbox_uid=uid, uid_span=64, timeout_s=2.0, cpu_time_s=2, compile_timeout_s=10.0
    )
    defaults.update(config)
    return CodeReward(SandboxConfig(**defaults), name="code_reward")


@pytest.fixture(scope="module")
def _all_closed():
    """Torn down after every sandbox of the module is closed: then no worker directory it made may remain."""
    _DIRS_BEFORE.update(str(p) for p in Path("/tmp").glob(f"trl_r1_sandbox_{os.getpid()}_*"))
    yield
    assert_nothing_survives(closed=True)


@pytest.fixture(scope="module")
def reward(_all_closed):
    r = _make_reward(UID0)
    yield r
    r.provider.close()


@pytest.fixture(scope="module")
def one_worker_reward(_all_closed):
    """One worker, so programs of a batch run one after the other in the same worker (peers, then a copycat)."""
    r = _make_reward(UID0 + 64, max_workers=1)
    yield r
    r.provider.close()


@pytest.fixture(autouse=True)
def _nothing_survives_each_case():
    yield
    assert_nothing_survives()


def score(reward, completions: list[str], column: str, rows: list) -> tuple[list, Metrics]:
    metrics = Metrics()
    out = reward(completions=completions, **{column: rows}, log_metric=metrics)
    return out, metrics


def _check(attack_score, honest_score, metrics: Metrics, case: GradingHack) -> None:
    untrusted = metrics.values.get("code_reward/untrusted_tests", 0.0)
    if case.expect == "zero":
        assert attack_score == 0.0, (
            f"{case.id}: {case.goal}: the attack scored {attack_score!r} (metrics {metrics.values})"
        )
    else:
        assert attack_score == 0.0 or (attack_score is None and untrusted > 0), (
            f"{case.id}: {case.goal}: the attack scored {attack_score!r} (metrics {metrics.values})"
        )
    if honest_score is not None or case.honest_expect == "one":
        assert honest_score == 1.0, (
            f"{case.id}: the honest twin scored {honest_score!r} (metrics {metrics.values})"
        )
    else:
        assert untrusted > 0, (
            f"{case.id}: the honest twin scored None without untrusted_tests ({metrics.values})"
        )


@pytest.mark.parametrize("case", GRADING_HACKS, ids=[c.id for c in GRADING_HACKS])
def test_grading_hack_fails_and_its_honest_twin_passes(reward, case: GradingHack) -> None:
    completions = [completion(case.attack, case.attack_lang)]
    rows = [case.tests]
    if case.honest is not None:
        completions.append(completion(case.honest, case.honest_lang))
        rows.append(case.tests)
    scores, metrics = score(reward, completions, case.column, rows)
    _check(scores[0], scores[1] if case.honest is not None else 1.0, metrics, case)


def _secret() -> int:
    return SECRET_PREFIX * 10**10 + random.SystemRandom().randrange(10**10)


SCANNER_SHAPES = [
    "stdin",
    "call",
    "assert",
    "assert_with_message",
    "apps_input_output",
    "livecodebench_functional",
]


@pytest.mark.parametrize("shape", SCANNER_SHAPES)
def test_the_expected_value_is_nowhere_the_program_can_look(reward, shape: str) -> None:
    """RT-LEAK-1..6: a program that scans everything it can reach (objects, frames, its memory, argv,
    environment, /proc, every file) for the secret 15-digit expected value, run beside an honest program
    that knows the value (so the value has also been in a sandbox on the same workers). Goal: answer with
    the secret. Defence holds: the scanner scores 0.0, the honest program 1.0."""
    s = _secret()
    if shape == "stdin":
        column, row = "test_cases", [{"input": "3\n", "output": str(s)}]
        scanner, honest = scanner_program("stdin"), f"input()\nprint({s})"
    elif shape == "call":
        column, row = "test_cases", [{"fn_name": "solve", "input": [3], "output": s}]
        scanner, honest = scanner_program("call"), f"def solve(x):\n    return {s}"
    elif shape == "assert":
        column, row = "test_cases", [{"assert": f"assert solve(3) == {s}"}]
        scanner, honest = scanner_program("call"), f"def solve(x):\n    return {s}"
    elif shape == "assert_with_message":
        column, row = "test_cases", [{"assert": f"assert solve(3) == {s}, 'solve(3) should be {s}'"}]
        scanner, honest = scanner_program("call"), f"def solve(x):\n    return {s}"
    elif shape == "apps_input_output":
        column, row = "input_output", {"inputs": [[3]], "outputs": [[s]], "fn_name": "solve"}
        scanner, honest = scanner_program("call"), f"def solve(x):\n    return {s}"
    else:
        column = "test_cases"
        row = [{"testtype": "functional", "fn_name": "solve", "input": "3", "output": str(s)}]
        scanner, honest = scanner_program("call"), f"def solve(x):\n    return {s}"
    case = GradingHack(
        f"RT-LEAK-{shape}",
        "reading the expected value",
        "find the secret expected value",
        scanner,
        row,
        honest,
        expect="zero_or_untrusted",
        honest_expect="one_or_untrusted" if shape == "assert_with_message" else "one",
    )
    scores, metrics = score(
        reward, [completion(honest), completion(scanner), completion(scanner)], column, [row] * 3
    )
    _check(scores[1], scores[0], metrics, case)
    _check(scores[2], scores[0], metrics, case)


def test_the_scanner_finds_a_secret_within_its_reach(reward) -> None:
    """Positive control for RT-LEAK-*: the same scanner, with the secret planted in its own stdin, finds it
    (so a 0.0 above means the secret was not there, not that the scanner is blind)."""
    s = _secret()
    row = [{"input": f"{s}\n", "output": str(s)}]
    scores, _ = score(reward, [completion(scanner_program("stdin"))], "test_cases", [row])
    assert scores == [1.0]


@pytest.mark.parametrize("probe", PROBES, ids=[p.id for p in PROBES])
def test_escape_probe_gets_nothing(reward, probe: Probe) -> None:
    from trl_r1.sandbox import Case, Job

    salt = random.SystemRandom().randrange(1 << 32)
    stdins = [t % salt if "%" in t else t for t in probe.stdins] or [""] * probe.cases
    result = reward.provider.run(
        [Job(probe.code, tuple(Case(stdin=x) for x in stdins), language=probe.language)]
    )[0]
    assert result.error is None, f"{probe.id}: the sandbox failed: {result.error}"
    if probe.id == "RT-ESC-11":
        cap = 4 * (1 << 20)
        assert len(result.compile_output) <= cap, (
            f"{probe.id}: compile_output of {len(result.compile_output)} chars"
        )
        assert all(c.status == "compile_error" for c in result.cases), result.cases
        return
    out = "".join(c.stdout for c in result.cases)
    if probe.id in ("RT-ESC-1", "RT-ESC-3") and "PROBE-DONE" not in out:
        # seccomp killing a foreign-ABI syscall (SIGSYS) is the defence holding
        assert [(c.status, c.signal) for c in result.cases] == [("error", 31)] * len(result.cases), (
            result.cases
        )
        assert "ESCAPED" not in out, out
        return
    escaped = [line for line in out.splitlines() if line.startswith("ESCAPED")]
    assert not escaped, f"{probe.id}: {probe.goal}: {escaped}"
    assert "PROBE-DONE" in out, (
        f"{probe.id}: the probe did not run to its end: {result.cases[0].status} {result.cases[0].stderr[-2000:]}"
    )
    forbidden = list(probe.forbidden)
    if probe.id == "RT-ESC-9":
        forbidden += [f"_{os.getpid()}_", "trl_r1_sandbox", "/work/wt", "/work/main", "codered", "pytest"]
    leaked = [f for f in forbidden if f in out]
    assert not leaked, f"{probe.id}: host information visible: {leaked}"


def _copycat_row() -> tuple[str, int, int]:
    rng = random.SystemRandom()
    a, b = rng.randrange(1000, 60000), rng.randrange(1000, 60000)
    return f"{a} {b} {rng.randrange(10**12)}\n", a, b


@pytest.mark.parametrize(
    "name,peer,copy,modulus",
    [
        ("RT-XPROG-1 page cache", COPYCAT_PAGECACHE_PEER, COPYCAT_PAGECACHE_COPY, 65536),
        ("RT-XPROG-2 pid counter", COPYCAT_PID_PEER, COPYCAT_PID_COPY, 256),
        ("RT-XPROG-3 ipc/mq/socket/files", COPYCAT_IPC_PEER, COPYCAT_IPC_COPY, 65536),
        ("RT-XPROG-4 page cache via mincore", COPYCAT_PAGECACHE_PEER, COPYCAT_PAGECACHE_MINCORE_COPY, 65536),
        pytest.param(
            "RT-XPROG-5 page cache via read latency",
            COPYCAT_PAGECACHE_PEER,
            COPYCAT_PAGECACHE_TIMING_COPY,
            65536,
            # OPEN: a timing channel through the host's page cache between programs run one after another on
            # a worker; no syscall filter closes it (docs/code-reward-threat-model.md, residual risks). Not
            # strict: timing noise can make the copycat miss, which proves nothing.
            marks=pytest.mark.xfail(
                reason="open residual risk: page-cache timing channel between programs", strict=False
            ),
        ),
        (
            "RT-XPROG-6 the zygote's reaped-children fault count",
            COPYCAT_FAULTS_PEER,
            COPYCAT_FAULTS_COPY,
            128,
        ),
    ],
    ids=["RT-XPROG-1", "RT-XPROG-2", "RT-XPROG-3", "RT-XPROG-4", "RT-XPROG-5", "RT-XPROG-6"],
)
def test_a_copycat_learns_nothing_from_earlier_programs(one_worker_reward, name, peer, copy, modulus) -> None:
    """Goal: peers of the same policy that solved the problem leave the answer in kernel state that
    outlives a program on the worker (page cache of a shared read-only file, the pid namespace's pid
    counter, SysV/POSIX IPC, abstract sockets, files); a later copycat on that worker reads it back.
    Defence holds: the peers score 1.0, the copycat 0.0."""
    stdin, a, b = _copycat_row()
    row = [{"input": stdin, "output": str((a * b) % modulus)}]
    # padded so that a scheduler that orders programs by size (either way) cannot tell it from a peer
    # by position: the copycat is run both after and between the peers
    padded = copy + "\n# " + "x" * 4000 + "\n"
    scores, _ = score(
        one_worker_reward,
        [completion(peer), completion(peer), completion(padded), completion(copy)],
        "test_cases",
        [row] * 4,
    )
    assert scores[:2] == [1.0, 1.0], f"{name}: the peers did not pass: {scores}"
    assert scores[2:] == [0.0, 0.0], (
        f"{name}: the copycats scored {scores[2:]} by reading what the peers left"
    )


def test_a_record_of_colliding_hashes_cannot_stall_the_batch(_all_closed) -> None:
    """RT-REC-8: a forged set record of 40000 integers that all hash alike (multiples of 2**61 - 1):
    decoding it into a set in the trainer is quadratic (tens of seconds; the 4 MiB report cap allows
    ~140000 elements, about 12x longer). Goal: spend the call's budget in the trainer, where no cut
    reaches, so the honest programs after it score None. Defence holds: the attack scores 0.0 and both
    honest programs after it 1.0 within a 10 s budget (they need well under a second each)."""
    m = 2**61 - 1
    items = ", ".join(f'["i", "{k * m}"]' for k in range(1, 40001))
    record = '{"i": 0, "v": ["S", [' + items + "]]}"
    attack = FORGE + f"_forge(0, None, raw={record!r})\n_os._exit(0)\ndef area(r):\n    return 0"
    honest = "def area(r):\n    return 2.5 * r"
    row = [{"fn_name": "area", "input": [1.0], "output": 2.5}]
    reward = _make_reward(UID0 + 128, max_workers=1, budget_s=10.0)
    try:
        start = time.monotonic()
        scores, metrics = score(
            reward, [completion(attack), completion(honest), completion(honest)], "test_cases", [row] * 3
        )
        print(
            f"RT-REC-8: reward call took {time.monotonic() - start:.1f} s; scores {scores}; metrics {metrics.values}"
        )
    finally:
        reward.provider.close()
    assert scores == [0.0, 1.0, 1.0], f"RT-REC-8: {scores} {metrics.values}"


def _trainer_cpu_seconds(reward, text: str) -> float:
    row = [{"input": "2 3\n", "output": "5"}]
    start = time.process_time()
    scores = reward(completions=[text], test_cases=[row])
    assert scores == [0.0], scores
    return time.process_time() - start


@pytest.mark.parametrize(
    "opener", ["```python\n", "```cpp\n", "~~~python\n"], ids=["backticks", "cpp", "tildes"]
)
def test_unclosed_fences_cost_the_trainer_linear_time(one_worker_reward, opener: str) -> None:
    """RT-PARSE-1..3: a completion of N unclosed code-fence openers (degenerate repetition, common in RL
    samples, or a policy that learned to stall). Measured before this test existed: 4000 openers (40 KB,
    ~12k tokens) cost the trainer 21 s, 20000 (200 KB) 479 s: quadratic, in the trainer, before any
    budget applies. Goal: stall training. Defence holds: 10x the openers cost at most 40x the trainer CPU
    (linear is 10x, quadratic 100x); a ratio of CPU times measured in one run, not a speed target."""
    warm = _trainer_cpu_seconds(one_worker_reward, "<think>x</think>\n" + opener * 10)
    small = _trainer_cpu_seconds(one_worker_reward, "<think>x</think>\n" + opener * 400)
    large = _trainer_cpu_seconds(one_worker_reward, "<think>x</think>\n" + opener * 4000)
    floor = max(small, warm, 0.01)
    assert large <= 40 * floor, (
        f"{opener!r}: 400 openers {small:.3f} s, 4000 openers {large:.3f} s of trainer CPU"
    )


RAW_COMPLETIONS = {
    "RT-FMT-1 empty": "",
    "RT-FMT-2 unclosed think": "<think>I will print 5\n```python\nprint(5)\n```",
    "RT-FMT-3 two think closings": "<think>a</think>b</think>\n```python\nprint(0)\n```",
    "RT-FMT-4 two answer blocks": "<think>a</think><answer>```python\nprint(0)\n```</answer><answer>```python\nprint(1)\n```</answer>",
    "RT-FMT-5 fence only in think": "<think>```python\nprint(0)\n```</think>no code here",
    "RT-FMT-6 NUL and surrogates": "<think>a</think>\n```python\nprint(0)\x00\n```\ud800",
    "RT-FMT-7 fence language with NUL": "<think>a</think>\n```pyth\x00on\nprint(0)\n```",
}


@pytest.mark.parametrize("name", list(RAW_COMPLETIONS), ids=[n.split()[0] for n in RAW_COMPLETIONS])
def test_malformed_completions_score_zero_not_none(reward, name: str) -> None:
    """RT-FMT-*: a wrong completion whose format is broken (empty, unclosed or doubled tags, code only in
    the reasoning, NUL bytes and lone surrogates) tries to be unscorable (None, advantage 0) instead of
    wrong. Defence holds: 0.0, and the call does not raise."""
    row = [{"input": "2 3\n", "output": "5"}]
    scores, metrics = score(reward, [RAW_COMPLETIONS[name]], "test_cases", [row])
    assert scores == [0.0], f"{name}: {scores} {metrics.values}"
