"""Seed records from a collection's `seed` declaration: literal records plus generated ones."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any


def seed_records(seed: dict[str, Any] | None, rng: random.Random) -> Iterator[dict[str, Any]]:
    """The literal `records` (copied), then `generate.count` records made field by field."""
    if not seed:
        return
    for record in seed.get("records", []):
        yield dict(record)
    generate = seed.get("generate")
    if generate:
        fields = generate["fields"]
        for n in range(generate["count"]):
            yield {name: _generated_value(spec, n, rng) for name, spec in fields.items()}


def _generated_value(spec: dict[str, Any], n: int, rng: random.Random) -> Any:
    if "value" in spec:
        return spec["value"]
    if "sequence" in spec:
        sequence = spec["sequence"]
        return sequence["start"] + n * sequence.get("step", 1)
    if "cycle" in spec:
        values = spec["cycle"]
        return values[n % len(values)]
    if "choice" in spec:
        return rng.choice(spec["choice"])
    if "format" in spec:
        return str(spec["format"]).replace("{n}", str(n))
    raise ValueError(f"unknown generator {sorted(spec)}")  # the linter rejects this earlier
