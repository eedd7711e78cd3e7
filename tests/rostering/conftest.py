import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
# rt_generator.py lives beside the tests (shared with bench/)
sys.path.insert(0, str(HERE))

CHECKER = HERE.parent.parent.parent / "shared" / "roster-check.py"


Evaluate = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]


@pytest.fixture(scope="session")
def checker() -> Evaluate:
    """``evaluate`` of the independent checker at ../shared/roster-check.py."""
    if not CHECKER.exists():
        pytest.skip(f"independent checker not found at {CHECKER}")
    return load_checker()


def load_checker() -> Evaluate:
    """Import ../shared/roster-check.py (beside the repository) and return ``evaluate``."""
    spec = importlib.util.spec_from_file_location("roster_check", CHECKER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    evaluate: Evaluate = module.evaluate
    return evaluate


@pytest.fixture
def counted_budget_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the counted budget ends a solve: the wall cap (three times the budget, a
    guard for a broken cost model) is raised, so that a busy machine (a CP-SAT run
    beside the suite, say) cannot cut a search these tests expect to end optimal."""
    from app.rostering import solver

    monkeypatch.setattr(solver, "_WALL_FACTOR", 20.0)
