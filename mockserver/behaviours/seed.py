"""Seed records from a collection's `seed` declaration: literal records plus generated ones."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any


def seed_records(seed: dict[str, Any] | None, rng: random.Random) -> Iterator[dict[str, Any]]:
    """The literal `records` (copied), then `generate.count` records made field by field."""
    if not seed:
        return
    for record in seed.get("records", []):
        yield dict(record)
    generate = seed.get("generate")
    if generate:
        # Each field's generator is prepared once: a million records cost a few seconds.
        makers = [(name, _maker(spec, rng)) for name, spec in generate["fields"].items()]
        for n in range(generate["count"]):
            yield {name: make(n) for name, make in makers}


def _maker(spec: dict[str, Any], rng: random.Random) -> Callable[[int], Any]:
    if "value" in spec:
        value = spec["value"]
        return lambda n: value
    if "sequence" in spec:
        start, step = spec["sequence"]["start"], spec["sequence"].get("step", 1)
        return lambda n: start + n * step
    if "cycle" in spec:
        values = list(spec["cycle"])
        return lambda n: values[n % len(values)]
    if "choice" in spec:
        choices = list(spec["choice"])
        return lambda n: rng.choice(choices)
    if "format" in spec:
        text = str(spec["format"])
        return lambda n: text.replace("{n}", str(n))
    raise ValueError(f"unknown generator {sorted(spec)}")  # the linter rejects this earlier
