"""No memory of earlier programs: a program runs in an address space that never held another
program's source, input or output. Against the old fork server (which decoded every job and every
reply in the process all cases were forked from) a copycat after three correct peers found their
source and their stdout in its own memory and scored 1.0."""

from __future__ import annotations

import dataclasses
import sys

import pytest
from hostile_fixtures import HOSTILE_CONFIG, live_processes

from trl_r1.rewards.code import CodeReward
from trl_r1.sandbox import Case, Job, LocalSandbox

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the local sandbox is Linux-only"
)


@pytest.fixture(scope="module")
def one_worker() -> LocalSandbox:
    """One worker: every program below runs on it, one after another."""
    sandbox = LocalSandbox(dataclasses.replace(HOSTILE_CONFIG, max_workers=1))
    yield sandbox
    sandbox.close()
    assert [p for p, uid, _ in live_processes() if uid in set(sandbox.uids)] == []


def solution(code: str) -> str:
    return f"<think>solve it</think>\n```python\n{code}\n```"


# Peers: correct, each about 1.5 KB, with a recognisable solve() and a recognisable output line.
PEER = (
    "# peer {i}: " + "x" * 1400 + "\ndef solve(n):\n    return n * 3 + {i} - {i}\n"
    "n = int(input())\nprint(f'result={{solve(n)}}')\n"
)
TESTS = [{"input": "5", "output": "result=15"}, {"input": "7", "output": "result=21"}]

# The copycat does not know the rule (n * 3). It scans every readable mapping of its own address
# space for a peer's solve() and for peers' output lines (the patterns are written so that its own
# source never matches them), then answers with what it found: it runs the peer's solve, else it
# votes among the outputs it saw.
COPYCAT = r"""
import ctypes, re, collections
sources, outputs = [], collections.Counter()
for line in open('/proc/self/maps'):
    fields = line.split()
    lo, hi = (int(x, 16) for x in fields[0].split('-'))
    if 'r' not in fields[1] or hi - lo > 1 << 28 or 'vvar' in line or 'vsyscall' in line:
        continue
    try:
        data = ctypes.string_at(lo, hi - lo)
    except Exception:
        continue
    sources += re.findall(rb'def sol[v]e\(n\):\n    return [^\n]+\n', data)
    sources += [s.replace(b'\\n', b'\n') for s in re.findall(rb'def sol[v]e\(n\):\\n    return [^\\]+\\n', data)]
    outputs.update(re.findall(rb'resul[t]=(\d+)\n', data))
n = int(input())
namespace = {}
for src in sources:
    try:
        exec(src.decode(), namespace)
        break
    except Exception:
        pass
if 'solve' in namespace:
    print(f"result={namespace['solve'](n)}")
elif outputs:
    print(f"result={outputs.most_common(1)[0][0].decode()}")
import sys
print("found", len(sources), sum(outputs.values()), file=sys.stderr)
"""


def test_a_copycat_after_correct_peers_on_the_same_worker_scores_zero(one_worker):
    reward = CodeReward(one_worker)
    peers = [solution(PEER.format(i=i)) for i in range(3)]
    scores = reward(completions=[*peers, solution(COPYCAT)], test_cases=[TESTS] * 4)
    assert scores == [1.0, 1.0, 1.0, 0.0]


def test_a_program_finds_no_trace_of_earlier_programs_in_its_memory(one_worker):
    peers = [Job(PEER.format(i=i), (Case(stdin="5"), Case(stdin="7"))) for i in range(3)]
    results = one_worker.run([*peers, Job(COPYCAT, (Case(stdin="5"),))])
    assert [c.stdout for c in results[0].cases] == [
        "result=15\n",
        "result=21\n",
    ]  # the peers ran, and printed
    assert results[-1].cases[0].stdout == "" and results[-1].cases[0].stderr == "found 0 0\n"


def test_a_program_finds_no_earlier_stdin_in_its_memory(one_worker):
    secret = "stdin-of-an-earlier-program-" + "q" * 40
    reader = r"""
import ctypes, re
hits = 0
for line in open('/proc/self/maps'):
    fields = line.split()
    lo, hi = (int(x, 16) for x in fields[0].split('-'))
    if 'r' not in fields[1] or hi - lo > 1 << 28 or 'vvar' in line or 'vsyscall' in line:
        continue
    try:
        hits += len(re.findall(rb'stdin-of-an-earlier-progra[m]', ctypes.string_at(lo, hi - lo)))
    except Exception:
        pass
print(hits)
"""
    results = one_worker.run([Job("input()", (Case(stdin=secret),)), Job(reader, (Case(),))])
    assert results[0].cases[0].status == "ok"
    assert results[1].cases[0].stdout == "0\n"


def test_a_case_finds_no_other_case_of_its_own_program_in_its_memory(one_worker):
    """Each case process reads its own case from the trainer; the job process it is forked from never
    holds a case's stdin or test code, so a test whose answer is another case's input cannot be read
    off (``f(2) == 4`` next to ``f(4) == 16``)."""
    scanner = r"""
import ctypes, re
own = input()
seen = set()
for line in open('/proc/self/maps'):
    fields = line.split()
    lo, hi = (int(x, 16) for x in fields[0].split('-'))
    if 'r' not in fields[1] or hi - lo > 1 << 28 or 'vvar' in line or 'vsyscall' in line:
        continue
    try:
        seen.update(m.decode() for m in re.findall(rb'case-secre[t]-(\d)', ctypes.string_at(lo, hi - lo)))
    except Exception:
        pass
print(own[-1], sorted(seen))
"""
    cases = tuple(Case(stdin=f"case-secret-{i}") for i in range(3))
    result = one_worker.run([Job(scanner, cases)])[0]
    assert [c.stdout for c in result.cases] == [f"{i} ['{i}']\n" for i in range(3)]


def test_pids_start_over_for_every_program(one_worker):
    """Issue 22's red team (RT-XPROG-2): a peer forked until the next pid encoded its answer. The
    zygote resets the pid counter of the worker's namespace before each program: the same pids
    whatever ran before."""
    forker = (
        "import os\nfor _ in range({n}):\n    if os.fork() == 0:\n        os._exit(0)\n    os.wait()\n"
        "print(os.getpid(), len([p for p in os.listdir('/proc') if p.isdigit()]))"
    )
    results = one_worker.run([Job(forker.format(n=n), (Case(),)) for n in (0, 37, 5)])
    outputs = [r.cases[0].stdout for r in results]
    assert results[0].cases[0].status == "ok" and len(set(outputs)) == 1, outputs


def test_page_cache_residency_cannot_be_read(one_worker):
    """RT-XPROG-1: peers touched pages of a big shared read-only file, a later program read which were
    resident. The calls that answer that (mincore, preadv2 with RWF_NOWAIT, cachestat) are refused;
    timing a cold against a warm read stays, as the threat model says."""
    probe = r"""
import ctypes, mmap, os, sys
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open(os.path.realpath(sys.executable), os.O_RDONLY)
m = mmap.mmap(fd, 4096, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ | mmap.PROT_WRITE)  # a valid mapping
vec = ctypes.create_string_buffer(16)
print("mincore", libc.syscall(27, ctypes.c_void_p(ctypes.addressof(ctypes.c_char.from_buffer(m))), 4096, vec))
try:
    os.preadv(fd, [bytearray(16)], 0, os.RWF_NOWAIT)
    print("preadv2 ok")
except OSError:
    print("preadv2 refused")
print("cachestat", libc.syscall(451, fd, None, None, 0))
"""
    result = one_worker.run([Job(probe, (Case(),))])[0].cases[0]
    assert result.stdout == "mincore -1\npreadv2 refused\ncachestat -1\n", result.stderr


def test_the_processes_that_outlive_a_program_are_out_of_sight(one_worker):
    """Issue 22's red team (RT-XPROG-6): the zygote's counters of reaped children (/proc/1/stat)
    grew by what each program did, and a peer steered them to its answer. /proc is mounted with
    hidepid: a program sees its own processes only."""
    probe = (
        "import os\nprint("
        "[p for p in os.listdir('/proc') if p.isdigit()] == [str(os.getpid())], os.path.exists('/proc/1/stat'))"
    )
    assert one_worker.run([Job(probe, (Case(),))])[0].cases[0].stdout == "True False\n"
