"""Each submission graded in its own worker process: limits, and failures kept to one job.

No kernels here: the workers run small stand-ins for the grading of one notebook.
"""

import os
import time

import pytest

from worldlab.grading.execute import Job, JobResult, Limits
from worldlab.grading.workers import run_isolated

#: Small limits: a worker may use 512 MiB, and a notebook's grading 3 s plus 2 s of margin.
SMALL = Limits(notebook_timeout=3.0, worker_margin=2.0, worker_memory_bytes=512 * 1024**2)


def _job(name: str) -> Job:
    return Job(student=f"{name}/nb", notebook_json="{}", data_dir="/", deny=(), limits=SMALL)


def stand_in(job: Job) -> JobResult:
    """What grading a notebook does here: named after the student."""
    name = job.student.split("/")[0]
    if name == "hungry":  # our side builds something huge from a student's reply
        blob = bytearray(2 * 1024**3)
        return JobResult(job.student, str(len(blob)), None, 0.0)
    if name == "endless":  # our side loops on a student's data
        time.sleep(60)
    if name == "crash":
        os._exit(3)
    if name == "raises":
        raise RuntimeError("a reply built to break our code")
    return JobResult(job.student, "{}", None, 0.0)


@pytest.fixture(scope="module")
def results():
    names = ["ok1", "hungry", "endless", "crash", "raises", "ok2"]
    got: dict[str, tuple[JobResult, float]] = {}
    start = time.perf_counter()
    run_isolated(
        [_job(n) for n in names],
        2,
        lambda r: got.setdefault(r.student.split("/")[0], (r, time.perf_counter() - start)),
        target=stand_in,
    )
    return got


def test_every_job_gets_a_result_and_the_others_are_untouched(results):
    assert set(results) == {"ok1", "hungry", "endless", "crash", "raises", "ok2"}
    for name in ("ok1", "ok2"):
        assert results[name][0].error is None and results[name][0].notebook_json == "{}"


def test_a_worker_stays_under_its_memory_limit(results):
    error = results["hungry"][0].error
    assert error and "MemoryError" in error, error


def test_a_grading_ends_within_its_notebook_limit_plus_the_margin(results):
    result, _ = results["endless"]
    assert result.error and "longer than 5 s" in result.error, result.error
    # killed at 3 + 2 s after its process started; slack for a busy machine
    assert result.seconds < SMALL.notebook_timeout + SMALL.worker_margin + 1.5, result.seconds


@pytest.mark.parametrize(
    ("name", "words"),
    [("crash", "exited with code 3"), ("raises", "RuntimeError: a reply built to break")],
)
def test_a_worker_that_dies_or_raises_is_that_jobs_error(results, name, words):
    assert words in (results[name][0].error or ""), results[name][0].error
