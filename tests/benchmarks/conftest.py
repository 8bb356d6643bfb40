import time
from dataclasses import dataclass

import pytest
import requests

from tests.benchmarks.results import Result, record


@dataclass
class Measure:
    seconds: float
    requests: int


@pytest.fixture
def measure(sandbox):
    """Run ``fn`` and count the vendor requests the sandbox saw meanwhile."""

    def total_requests(vendor):
        counters = requests.get(f"{sandbox.url}/_control/counters", timeout=10).json()[vendor]["requests"]
        return sum(counters.values())

    def run(vendor, fn):
        before = total_requests(vendor)
        started = time.perf_counter()
        fn()
        return Measure(time.perf_counter() - started, total_requests(vendor) - before)

    return run


def report(title: str, ours: Measure, naive: Measure, unit: str) -> None:
    print(
        f"\n{title}\n"
        f"  ours : {ours.seconds * 1000:8.0f} ms  {ours.requests:5d} requests\n"
        f"  naive: {naive.seconds * 1000:8.0f} ms  {naive.requests:5d} requests\n"
        f"  ratio: {naive.seconds / ours.seconds:6.1f}x faster, "
        f"{naive.requests / max(ours.requests, 1):.1f}x fewer requests per {unit}"
    )
    ratio = naive.seconds / ours.seconds
    record(
        Result(
            name=f"client only: {title}",
            ours=ours.seconds,
            baseline=naive.seconds,
            ratio=ratio,
            target="faster than the naive loop",
            met=ratio > 1,
            details={"ours_requests": ours.requests, "naive_requests": naive.requests},
        )
    )
