r"""Accuracy reward: is the final answer mathematically right?

DeepSeek-R1 (paper, section 2.2.2 "accuracy rewards") checks the final answer of a math
problem, given "in a specified format (e.g., within a box)", with rules. Here (the threat model,
rule by rule with the tests that hold each, is ``docs/reward-threat-model.md``):

1. :func:`extract_final_answer` takes the answer from where the format puts it - the
   ``<answer>`` block (R1-Zero), else the text after the last ``</think>`` (R1 summary) - using
   the one completion parser :func:`trl_r1.text.completion.parse_completion`; the ``\boxed{}`` answers
   inside that part win (several distinct values form one collection; one value boxed twice is one
   answer). An answer written only inside the reasoning never counts.
2. Gold and answer go through one reader, :mod:`trl_r1.rewards.answer_reader` (Unicode math, TeX
   shorthand, thousands separators and mixed numbers resolved, invisible characters dropped; a
   prose final part read after its answer marker, in any script; ``None`` for what has no single
   reading), so every path below reads a string the same way.
3. One final answer, read whole (:func:`~trl_r1.rewards.exact_decisions.final_pair`): a relation
   (``3 = 5``), a disjunction (``5 or 6``), ``\pm``, or an operator of the question left unevaluated
   (``\binom{10}{3}``) against a numeric gold is not a final answer: 0.0, counted in
   ``<name>/not_final``. ``x = 5`` reads as 5, ``18\text{ eggs}`` as 18 against a number, and
   ``\textbf{(B)}\ 27`` by its letter or its value.
4. Exact or defer: pairs whose values are exact (integers, decimals, fractions, surds, ``\pi``, numbers
   in a base, collections of them) are decided in-process by exact arithmetic
   (:func:`~trl_r1.rewards.exact_decisions.decide_without_math_verify`), never by a float tolerance;
   the rest go to math-verify, in a pool of worker processes (:class:`VerifierPool`) that enforces a
   hard timeout from any thread: math-verify's own timeouts use ``signal.alarm`` and TRL turns them
   off outside the main thread. A bare string is read whole (as if boxed) or not at all. A worker
   that hangs is killed and replaced; the item scores 0.0, is counted in ``<name>/timeouts`` and is
   asked again on a later call (a timeout is never remembered). Each distinct gold is parsed once
   per worker, each distinct (gold, answer) pair verified once and remembered across calls.

Infrastructure failures (the pool cannot start, a worker dies) give ``None``, never 0.0: TRL
then skips the completion instead of training on a wrong label.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from trl_r1.rewards._base import Reward, RewardFunction, require_column, texts_of
from trl_r1.rewards._verify_worker import TIMEOUT
from trl_r1.rewards.answer_reader import (
    NOT_FINAL,
    boxed_contents,
    canonical_answer,
    final_answer_text,
    normalised,
    statement_after_boxes,
)
from trl_r1.rewards.exact_decisions import (
    base_number,
    decide_without_math_verify,
    equivalent_exactly,
    exact_value,
    final_pair,
    read_final,
    split_top_level,
)
from trl_r1.rewards.verifier_pool import (
    DEFAULT_TIMEOUT,
    FAILED,
    ClusterTask,
    VerifierPool,
    VerifyTask,
    shared_pool,
)
from trl_r1.text.completion import DEFAULT_MARKERS, Markers, parse_completion

logger = logging.getLogger(__name__)

GOLD_TIMEOUT = "gold_timeout"  # a verdict: parsing the gold answer timed out
NO_ANSWER_CLUSTER = -1

# --------------------------------------------------------------------------------------------
# Answer extraction (main process, cheap string work)
# --------------------------------------------------------------------------------------------


def extract_final_answer(
    text: str, fallback_to_full_text: bool = False, markers: Markers = DEFAULT_MARKERS
) -> str | None:
    r"""The answer string the accuracy reward verifies, or ``None`` when the completion has none.

    The ``<answer>`` block if there is one after the reasoning, else the text after the last
    ``</think>`` (``markers`` names other tags); a ``\boxed{}`` inside that part wins (its content is
    returned). Several distinct boxed answers (``\boxed{(2,2)}`` and ``\boxed{(6,2)}``) are returned
    as one comma-separated collection, ``(2,2), (6,2)``: against a multi-part gold it is compared as
    a whole, against a single-valued gold it is wrong (a hedge earns nothing); one value boxed twice
    (``\boxed{5}``, then ``\boxed{5.0}``) is one answer. With
    ``fallback_to_full_text=True`` a completion without tags is read whole (its boxes winning), for
    models that do not use the R1 format.

    No answer (``None``), so no reward, for the usual ways to game an answer check: an answer only
    inside the reasoning (including a reasoning block that never closes), an empty reasoning block,
    or several ``<answer>`` blocks.

    >>> extract_final_answer("<think>maybe \\boxed{3}</think><answer>4</answer>")
    '4'
    >>> extract_final_answer("<think>...</think>So the answer is $\\boxed{\\frac{1}{2}}$.")
    '\\frac{1}{2}'
    >>> extract_final_answer("<think>...</think>$\\boxed{(2, 2)}$ and $\\boxed{(6, 2)}$")
    '(2, 2), (6, 2)'
    >>> extract_final_answer("<think>...</think><answer>3</answer><answer>4</answer>") is None
    True
    >>> extract_final_answer("The answer is $\\boxed{4}$", fallback_to_full_text=True)
    '4'
    """
    p = parse_completion(text, markers)
    region = p.final_answer_region
    if p.summary is None and p.think_starts > 0:
        region = None  # the reasoning never closed: everything is reasoning
    elif p.summary is not None and not p.reasoning:
        return None  # an empty reasoning block: an answer with no thinking is not an R1 answer
    elif p.answer is not None and (text if p.summary is None else p.summary).count(markers.answer_start) > 1:
        return None  # several answer blocks: a hedge, not an answer
    if region is None:
        if not fallback_to_full_text:
            return None
        region = text
    region = _BOX_ONE_TOKEN.sub(r"\\boxed{\1}", region)  # TeX reads "\boxed 5" as "\boxed{5}"
    # A box that spans two math spans (``$\boxed{12 $ and $13}$``) holds its dollars as delimiters, not content.
    boxed = _distinct_values(re.sub(r"(?<!\\)\$", " ", b).strip() for b in boxed_contents(region))
    if not boxed and _BOX_START.search(region):
        return None  # a box that never closes holds no answer
    if boxed and (stated := statement_after_boxes(region)) is not None:
        return stated.strip()  # the last answer the final part states, after its boxes, is its answer
    answer = ", ".join(boxed) if boxed else region.strip()
    return answer or None


def _distinct_values(boxes) -> list[str]:
    r"""Boxed strings with repeats of one value dropped (``\boxed{5}``, then ``\boxed{5.0}``: one answer)."""
    out: list[str] = []
    seen: set = set()
    for b in boxes:
        key = canonical_answer(b) or b
        value = exact_value(key)
        if key in seen or (value is not None and value in seen):
            continue
        seen.update(x for x in (key, value) if x is not None)
        out.append(b)
    return out


_BOX_START = re.compile(r"\\(?:boxed|fbox)\s*\{")
_BOX_ONE_TOKEN = re.compile(r"\\boxed\s+([0-9A-Za-z])")


def group_equivalent(
    answers: Sequence[str | None], timeout: float = DEFAULT_TIMEOUT, pool: VerifierPool | None = None
) -> list[int]:
    r"""Cluster final answers by mathematical equivalence: one cluster id per answer.

    Ids are numbered by first appearance; ``None`` or empty answers get ``-1`` (no answer), so a
    majority vote (cons@k) can ignore them. Identical strings are grouped without math-verify;
    each distinct answer is parsed once and compared with one representative per cluster, in one
    worker, under the hard per-item ``timeout`` (an answer that times out is its own cluster).

    >>> group_equivalent([r"\frac{1}{2}", "0.5", "3", None, "1/2"])
    [0, 0, 1, -1, 0]
    """
    if answers is None or isinstance(answers, (str, bytes)):
        raise TypeError(
            f"group_equivalent: answers must be a list of answer strings (None for no answer), "
            f"got {type(answers).__name__}"
        )
    keys = [_vote_key(a) for a in answers]
    distinct = list(dict.fromkeys(k for k in keys if k is not None))
    if not distinct:
        return [NO_ANSWER_CLUSTER] * len(keys)
    readable = [k for k in distinct if not k.startswith("\x00")]
    # Exact values first, in-process: one representative per exact cluster goes to math-verify with the
    # answers exact arithmetic cannot read, and math-verify may not merge two exact representatives
    # that exact arithmetic calls different (numbers in other bases, near misses).
    exact_reps: list[str] = []
    exact_cluster: dict[str, str] = {}
    others: list[str] = []
    for k in readable:
        if _exactly_readable(k):
            rep = next((r for r in exact_reps if equivalent_exactly(r, k)), None)
            if rep is None:
                exact_reps.append(k)
                rep = k
            exact_cluster[k] = rep
        else:
            others.append(k)
    task = ClusterTask(exact_reps + others)
    if others:
        (pool or shared_pool()).run([task], timeout=timeout)
        if task.lost:
            logger.warning(
                "group_equivalent: %d answers could not be compared (timeout or verifier failure); "
                "each is its own cluster",
                task.lost,
            )
        task.clusters = _split_exact_merges(task.items, task.clusters, set(exact_reps))
    else:
        task.clusters = list(range(len(task.items)))
    for k in readable:
        if k in exact_cluster and k not in exact_reps:
            task.items.append(k)
            task.clusters.append(task.clusters[task.items.index(exact_cluster[k])])
    for k in distinct:
        if k.startswith("\x00"):
            task.items.append(k)
            task.clusters.append(max(task.clusters, default=-1) + 1)
    cluster_of = dict(zip(task.items, task.clusters))
    # Renumber by first appearance so ids are 0..k-1 whatever the worker returned.
    order: dict[int, int] = {}
    out = []
    for k in keys:
        if k is None:
            out.append(NO_ANSWER_CLUSTER)
        else:
            out.append(order.setdefault(cluster_of[k], len(order)))
    return out


def _vote_key(answer: str | None) -> str | None:
    """What one answer votes for in cons@k: its final answer read whole, as the reward reads it (``None``:
    no vote - no answer, a hedge, a relation, or an operator left unevaluated on numbers); an unreadable
    answer votes only with the same string."""
    if not isinstance(answer, str) or not answer.strip():
        return None
    key = final_answer_text(answer)
    if key is None:
        return "\x00" + answer.strip()
    if key == NOT_FINAL:
        return None
    final = read_final(key)
    if final.not_final or (
        final.operator and not re.search(r"[a-zA-Z]", re.sub(r"\\[a-zA-Z]+", "", final.core))
    ):
        return None
    return key if final.letter else (final.core or key)


def _exactly_readable(key: str) -> bool:
    if exact_value(key) is not None or base_number(key) is not None:
        return True
    items = split_top_level(key.strip("()[]\\{}"))
    return len(items) > 1 and all(exact_value(x.strip()) is not None for x in items)


def _split_exact_merges(items: list[str], clusters: list[int], exact: set[str]) -> list[int]:
    """math-verify's clusters, with two exact representatives it merged split again (exact says different)."""
    out = list(clusters)
    next_id = max(clusters, default=-1) + 1
    first_exact: dict[int, str] = {}
    for i, (item, c) in enumerate(zip(items, clusters)):
        if item not in exact:
            continue
        if c not in first_exact:
            first_exact[c] = item
        elif equivalent_exactly(first_exact[c], item) is False:
            out[i] = next_id
            next_id += 1
    return out


def answers_equivalent(
    a: str, b: str, timeout: float = DEFAULT_TIMEOUT, pool: VerifierPool | None = None
) -> bool:
    r"""Whether two final answers are the same mathematical answer (math-verify, either direction).

    Runs under the same hard timeout as the accuracy reward (a timeout means "not equivalent").

    >>> answers_equivalent(r"\frac{1}{2}", "0.5")
    True
    >>> answers_equivalent("3", "4")
    False
    """
    c = group_equivalent([a, b], timeout=timeout, pool=pool)
    return c[0] == c[1] != NO_ANSWER_CLUSTER


class AccuracyReward(RewardFunction):
    r"""R1 accuracy reward: 1.0 when the final answer equals the gold answer, else 0.0.

    .. math:: r_{acc}(y) = \mathbb{1}[\mathrm{verify}(\mathrm{parse}(gold), \mathrm{parse}(\mathrm{final\_answer}(y)))]

    Rule-based, as in DeepSeek-R1 (section 2.2.2 "accuracy rewards"): the final answer is taken
    from the ``<answer>`` block or the summary after ``</think>`` (see
    :func:`extract_final_answer`) and checked with math-verify against the gold in the
    ``gold_column`` dataset column (``solution`` by default, as in TRL). Both go through one reader
    (:func:`~trl_r1.rewards.answer_reader.canonical_answer`): a bare gold or answer is read whole
    or not at all, TeX shorthand (``\frac12``) reads as TeX reads it, plain numbers are compared
    exactly without math-verify, and unit stripping applies only to a string that ends with a unit.

    Returns ``None`` (TRL skips the row) when the gold cannot be read as a math object or its
    parse timed out (retried on the next call), or when the verifier pool fails; 0.0 when the
    completion has no readable final answer or its verification times out (counted).

    Called like TRL's and open-r1's ``accuracy_reward``: ``reward(completions, solution, **kwargs)``,
    positionally or by keyword. Logged through TRL's ``log_metric`` per call:
    ``<name>/timeouts`` (items that hit the timeout), ``<name>/failures`` (items scored ``None``
    because the pool failed), ``<name>/unparseable_gold`` and ``<name>/no_answer`` (fractions of
    completions). Through ``log_extra`` the completions table gets a ``<name>/final_answer`` column.

    Args:
        timeout: hard limit in seconds for parsing and verifying one answer (or parsing a gold).
        fallback_to_full_text: read completions without R1 tags whole (not R1's rule: off by default).
        num_workers: worker processes (default ``min(4, cpu_count)``).
        gold_column: dataset column holding the gold answer.
        cache_size: (gold, answer) verdicts remembered across calls.
        markers: the reasoning/answer tags (default R1's ``<think>``/``<answer>``).
        reasoning_delimiters: TRL's name for other reasoning-end tags (``["</REASONING_END>"]``);
            the first one replaces ``markers.think_end``.
        start_pool: start the verifier workers now, in the background (the module-level
            ``accuracy_reward`` starts them on its first call instead).
        name: the name TRL logs under.

    Example:
        >>> from trl_r1.rewards import accuracy_reward
        >>> completions = [
        ...     [{"role": "assistant", "content": "<think>1/2</think><answer>0.5</answer>"}],
        ...     "<think>maybe \\boxed{1/2}</think>The answer is $\\boxed{1/3}$.",
        ... ]
        >>> accuracy_reward(completions, [r"\frac12", r"\frac{1}{2}"])
        [1.0, 0.0]
    """

    __name__ = "accuracy_reward"

    def __init__(
        self,
        timeout: float = DEFAULT_TIMEOUT,
        fallback_to_full_text: bool = False,
        num_workers: int | None = None,
        gold_column: str = "solution",
        cache_size: int = 100_000,
        markers: Markers = DEFAULT_MARKERS,
        reasoning_delimiters: Sequence[str] | None = None,
        start_pool: bool = True,
        name: str | None = None,
    ):
        if not isinstance(timeout, (int, float)) or timeout <= 0:
            raise ValueError(f"AccuracyReward: timeout must be > 0 seconds, got {timeout!r}")
        if num_workers is not None and num_workers < 1:
            raise ValueError(f"AccuracyReward: num_workers must be >= 1, got {num_workers}")
        if not isinstance(markers, Markers):
            raise TypeError(
                f"AccuracyReward: markers must be a trl_r1 Markers(...), got {type(markers).__name__}"
            )
        super().__init__(name)
        self.timeout = float(timeout)
        self.fallback_to_full_text = fallback_to_full_text
        self.num_workers = num_workers
        self.gold_column = gold_column
        self.cache_size = cache_size
        self.markers = _with_delimiters(markers, reasoning_delimiters, "AccuracyReward")
        self._init_runtime()
        if start_pool:
            self.pool.start()

    def _init_runtime(self) -> None:
        self._pool: VerifierPool | None = None
        self._verdicts: OrderedDict[tuple[str, str], Any] = OrderedDict()  # (gold, answer) -> verdict
        self._gold_status: OrderedDict[str, str] = OrderedDict()  # gold -> "ok" | "unparseable"
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        # The pool, its pipes and the caches stay behind; a copy starts its own pool lazily.
        return {
            k: v for k, v in self.__dict__.items() if k not in ("_pool", "_verdicts", "_gold_status", "_lock")
        }

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._init_runtime()

    @property
    def pool(self) -> VerifierPool:
        """The worker pool (shared process-wide by rewards asking for the same ``num_workers``)."""
        if self._pool is None:
            self._pool = shared_pool(self.num_workers)
        return self._pool

    def _remember(self, cache: OrderedDict, key: Any, value: Any) -> None:
        cache[key] = value
        if len(cache) > self.cache_size:
            cache.popitem(last=False)

    def __call__(
        self,
        completions: Sequence[Any],
        solution: Sequence[Any] | None = None,
        log_metric: Callable[[str, float], None] | None = None,
        log_extra: Callable[[str, list], None] | None = None,
        reasoning_delimiters: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> list[Reward]:
        texts = texts_of(completions, self.__name__)
        n = len(texts)
        column = kwargs.get(self.gold_column) if self.gold_column != "solution" else None
        golds = require_column(
            column if column is not None else solution,
            self.gold_column,
            n,
            self.__name__,
            f"Add a {self.gold_column!r} column with the gold final answer of each problem (e.g. "
            f"dataset.rename_column('answer', {self.gold_column!r})), or pass "
            f"AccuracyReward(gold_column=<your column>).",
        )
        markers = (
            self.markers
            if reasoning_delimiters is None
            else _with_delimiters(self.markers, reasoning_delimiters, self.__name__)
        )
        gold_keys = [None if g is None else canonical_answer(str(g)) for g in golds]
        extracted = [extract_final_answer(t, self.fallback_to_full_text, markers) for t in texts]
        answers = [None if a is None else final_answer_text(a) for a in extracted]
        if self._pool is None:
            self.pool.start()
        with self._lock:
            verdicts, not_final = self._judge(gold_keys, answers)
        rewards: list[Reward] = []
        timeouts = failures = unparseable = 0
        for v in verdicts:
            if v == TIMEOUT:
                timeouts += 1
                rewards.append(0.0)
            elif v == GOLD_TIMEOUT:
                timeouts += 1
                rewards.append(None)
            elif v == FAILED:
                failures += 1
                rewards.append(None)
            elif v is None:
                unparseable += 1
                rewards.append(None)
            else:
                rewards.append(float(v))
        if failures:
            logger.error(
                "%s: %d of %d completions not scored (verifier pool failure)", self.__name__, failures, n
            )
        if timeouts:
            logger.warning(
                "%s: %d of %d items hit the %.1f s timeout", self.__name__, timeouts, n, self.timeout
            )
        self.log_metrics(
            log_metric,
            timeouts=timeouts,
            failures=failures,
            unparseable_gold=unparseable / max(n, 1),
            no_answer=sum(a is None for a in extracted) / max(n, 1),
            not_final=not_final / max(n, 1),
        )
        if log_extra is not None:
            log_extra(f"{self.__name__}/final_answer", extracted)
        return rewards

    def _judge(self, gold_keys: list[str | None], answers: list[str | None]) -> tuple[list[Any], int]:
        """Verdict per completion: True / False / TIMEOUT / FAILED, or None when the gold is unusable
        (no math object), or GOLD_TIMEOUT when its parse timed out (not remembered: retried next call);
        and how many answers were not final answers (counted, scored False)."""
        out: list[Any] = [None] * len(gold_keys)
        golds: list[str | None] = list(gold_keys)  # the gold string each completion is compared with
        todo: dict[str, dict[str, list[int]]] = {}  # gold -> distinct answer -> completion indices
        same_as_gold: list[int] = []  # completions whose answer is the gold string, gold not read yet
        not_final = 0
        for i, (g, a) in enumerate(zip(gold_keys, answers)):
            if g is None:
                continue
            pair = NOT_FINAL if a == NOT_FINAL else final_pair(g, a) if a is not None else None
            if isinstance(pair, tuple):
                g, a = pair
                golds[i] = g
            exact = exact_value(g) is not None or base_number(g) is not None
            status = "ok" if exact else self._gold_status.get(g)
            if status == "unparseable":
                out[i] = None
            elif pair is None or pair == NOT_FINAL or isinstance(pair, bool):
                out[i] = pair is True  # no readable final answer, not a final answer, or a letter decided
                not_final += pair == NOT_FINAL
                if status is None:
                    todo.setdefault(g, {})  # still learn whether the gold parses (else: None)
            elif (same := decide_without_math_verify(g, a)) is not None:
                out[i] = same  # exact values, collections of them, prose: decided without math-verify
            elif (g, a) in self._verdicts:
                self._verdicts.move_to_end((g, a))
                out[i] = self._verdicts[(g, a)]
            elif normalised(g) == normalised(a):
                if status == "ok":
                    out[i] = True  # the same answer, up to spacing, as a gold that reads
                else:
                    todo.setdefault(g, {})  # true once the gold is known to read
                    same_as_gold.append(i)
            else:
                todo.setdefault(g, {}).setdefault(a, []).append(i)
        tasks = [VerifyTask(g, list(by_answer)) for g, by_answer in todo.items()]
        if tasks:
            self.pool.run(tasks, timeout=self.timeout)
        for task in tasks:
            g, status = task.gold, task.gold_status
            if status in ("ok", "unparseable"):
                self._remember(self._gold_status, g, status)
            if status != "ok":
                verdict = {"unparseable": None, TIMEOUT: GOLD_TIMEOUT}.get(status, FAILED)
                for i, gi in enumerate(golds):
                    if gi == g:
                        out[i] = verdict
                continue
            for a, v in zip(task.answers, task.verdicts):
                if v not in (FAILED, TIMEOUT):
                    self._remember(self._verdicts, (g, a), v)
                for i in todo[g][a]:
                    out[i] = v
        for i in same_as_gold:
            status = self._gold_status.get(golds[i])
            if status == "ok":
                out[i] = True
            elif status is None and out[i] is None:  # the gold's parse failed or timed out: already set
                out[i] = FAILED
        return out, not_final


def _with_delimiters(markers: Markers, reasoning_delimiters: Sequence[str] | None, where: str) -> Markers:
    if reasoning_delimiters is None:
        return markers
    if (
        isinstance(reasoning_delimiters, str)
        or not reasoning_delimiters
        or not all(isinstance(d, str) and d for d in reasoning_delimiters)
    ):
        raise TypeError(
            f"{where}: reasoning_delimiters must be a non-empty list of tag strings such as "
            f"['</think>'], got {reasoning_delimiters!r}"
        )
    return dataclasses.replace(markers, think_end=reasoning_delimiters[0])


accuracy_reward = AccuracyReward(start_pool=False)  # no worker processes at import time
