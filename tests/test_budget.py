"""common/budget.py: work run in a child process within a CPU and memory budget, and what
happens when it goes over (the work here is made to misbehave; the hostile report files are
in tests/test_formats.py and tests/test_serve.py)."""

from __future__ import annotations

import os
import signal
import time

import pytest

from common import budget
from common.budget import Budget, OverBudget
from common.errors import ReportParseError

QUICK = Budget(step_seconds=0.5, total_seconds=1.5, memory_mb=200)


def spin(steps: int = 0) -> None:
    """Busy for ever, saying it got further ``steps`` times along the way (a step a 0.25 s)."""
    started, said = time.process_time(), 0
    while True:
        if said < steps and time.process_time() - started > 0.25 * (said + 1):
            budget.checkpoint()
            said += 1


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def refuse(path: str) -> None:
    raise ReportParseError(path, 7, "not a report")


def my_pid() -> int:
    return os.getpid()


def wait_then_answer(seconds: float) -> str:
    time.sleep(seconds)
    return "answered"


def test_work_that_never_ends_is_stopped_after_its_step_budget_and_the_next_runs():
    with pytest.raises(OverBudget) as caught:
        budget.run(spin, budget=QUICK)
    assert caught.value.limit == "step_seconds"
    assert "more than 0.5 s of CPU time without getting further" in caught.value.reason
    assert budget.run(allocate, 1, budget=QUICK) == 1024 * 1024  # a fresh child


def test_steps_keep_work_going_until_its_total_budget():
    with pytest.raises(OverBudget) as caught:
        budget.run(spin, 100, budget=QUICK)  # a step every 0.25 s: never 0.5 s without one
    assert caught.value.limit == "total_seconds"
    assert "more than 1.5 s of CPU time" in caught.value.reason


def test_memory_past_the_budget_is_refused_and_the_child_retired():
    first = budget.run(my_pid, budget=QUICK)
    with pytest.raises(OverBudget) as caught:
        budget.run(allocate, 400, budget=QUICK)
    assert caught.value.limit == "memory_mb" and "200 MB of memory" in caught.value.reason
    assert budget.run(allocate, 100, budget=QUICK) == 100 * 1024 * 1024
    assert budget.run(my_pid, budget=QUICK) != first  # not the child that ran short


def test_a_child_is_kept_for_the_next_piece_of_work():
    pids = {budget.run(my_pid, budget=QUICK) for _ in range(5)}
    assert len(pids) == 1 and os.getpid() not in pids


def test_the_works_own_error_comes_back_whole():
    with pytest.raises(ReportParseError) as caught:
        budget.run(refuse, "a.txt", budget=QUICK)
    error = caught.value
    assert (error.path, error.line, error.reason) == ("a.txt", 7, "not a report")


def test_a_child_killed_from_outside_is_a_clear_stop_not_a_hang():
    pid = budget.run(my_pid, budget=QUICK)
    os.kill(pid, signal.SIGKILL)  # while idle: the next work gets a fresh child
    assert budget.run(wait_then_answer, 0, budget=QUICK) == "answered"
    pid = budget.run(my_pid, budget=QUICK)

    from threading import Timer

    Timer(0.5, os.kill, (pid, signal.SIGKILL)).start()  # while working
    with pytest.raises(OverBudget) as caught:
        budget.run(wait_then_answer, 5, budget=QUICK)
    assert caught.value.limit is None and "signal 9" in caught.value.reason
