"""One line per benchmark on the terminal, and the same in var/bench/results.json for the record."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings

RESULTS = settings.BASE_DIR / "var" / "bench" / "results.json"


@dataclass(frozen=True)
class Result:
    name: str
    ours: float  # in ``unit``
    baseline: float  # the naive loop, or the floor, in ``unit``
    ratio: float  # how many times better ours is than the baseline (>1: better)
    target: str  # the goal, in words: ">= 10x faster", "<= 1.2x the floor", "0 rows"
    met: bool
    unit: str = "s"
    details: dict[str, Any] | None = None

    def line(self) -> str:
        verdict = "met" if self.met else "MISSED"
        return (
            f"{self.name}: ours {self.ours:.3g} {self.unit}, baseline {self.baseline:.3g} {self.unit}, "
            f"ratio {self.ratio:.2f}, target {self.target}: {verdict}"
        )


def record(result: Result) -> Result:
    """Print the result's line and keep it in results.json, replacing an earlier result of the same name."""
    print(f"\n{result.line()}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    kept = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    kept = [r for r in kept if r.get("name") != result.name] + [asdict(result)]
    RESULTS.write_text(json.dumps(kept, indent=2) + "\n")
    return result
