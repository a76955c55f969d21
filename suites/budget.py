"""How much each suite generates, scaled from the loaded hypothesis profile.

`ci` (max_examples=50, the default) keeps both contracts' suites within about three minutes on
two cores; `thorough` (1000) runs twenty times longer; a small profile (the selftests' `selftest`)
shrinks everything. Every property and state machine takes its settings from here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test

SUPPRESSED = [
    HealthCheck.too_slow,
    HealthCheck.function_scoped_fixture,
    HealthCheck.filter_too_much,
]


def phases() -> tuple[Phase, ...]:
    """The profile's phases, without shrinking on a deployment: every request costs the target
    (and its throttle), so a failure is reported as found, not minimised."""
    loaded = settings.default
    chosen = tuple(loaded.phases) if loaded is not None else tuple(Phase)
    if on_deployment():
        chosen = tuple(p for p in chosen if p not in (Phase.shrink, Phase.explain))
    return chosen


def on_deployment() -> bool:
    """Whether the suites run against a --target (not the bundled mock)."""
    from specmock_suites.plugin import current_session

    try:
        return current_session().options.target is not None
    except RuntimeError:
        return False


def profile_examples() -> int:
    """max_examples of the loaded profile."""
    loaded = settings.default
    return int(loaded.max_examples) if loaded is not None else 100


def examples(fraction: float = 1.0, minimum: int = 2) -> settings:
    """Settings for a property: a fraction of the profile's examples, no deadline."""
    return settings(
        max_examples=max(minimum, int(profile_examples() * fraction)),
        deadline=None,
        suppress_health_check=SUPPRESSED,
        phases=phases(),
    )


def machine(fraction: float = 0.2, minimum: int = 2) -> settings:
    """Settings for a state machine: fewer runs, steps growing with the profile (10 to 40)."""
    runs = max(minimum, int(profile_examples() * fraction))
    return settings(
        max_examples=runs,
        stateful_step_count=max(10, min(40, profile_examples() // 4)),
        deadline=None,
        suppress_health_check=SUPPRESSED,
        phases=phases(),
    )


def run_machine(factory: Callable[[], RuleBasedStateMachine], config: settings) -> None:
    """Run a state machine built by `factory` (hypothesis accepts factories; its stubs say
    classes only)."""
    __tracebackhide__ = True
    run_state_machine_as_test(cast(type[RuleBasedStateMachine], factory), settings=config)
