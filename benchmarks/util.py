"""Measurements, statistics and the printed table."""

from __future__ import annotations

import math
import os
import platform
from dataclasses import dataclass, field


@dataclass
class Measurement:
    """One line of the table: samples in milliseconds (or a single value with a unit)."""

    operation: str
    samples: list[float] = field(default_factory=list)
    baseline: list[float] | None = None
    note: str = ""
    value: str | None = None          # a non-timing result ("412 MB", "38.2 s")


def percentile(samples: list[float], q: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    k = (len(ordered) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def stats(samples: list[float]) -> tuple[float, float, float]:
    return percentile(samples, 0.5), percentile(samples, 0.95), max(samples) if samples else float("nan")


def peak_rss_kb() -> int:
    """This process's peak resident memory in KiB (``VmHWM``: ``ru_maxrss`` survives ``exec``, so a spawned
    child would report its parent's peak when that was larger)."""
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))


def machine() -> str:
    cores = os.cpu_count()
    mem = "?"
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
                    break
    except OSError:
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = " load %.2f %.2f %.2f" % os.getloadavg()
    return f"{platform.system()} {platform.machine()}, {cores} cores, {mem} RAM,{load} Python {platform.python_version()}"


def table(rows: list[Measurement]) -> str:
    head = ["operação", "n", "mediana ms", "p95 ms", "máx ms", "base mediana", "base p95", "p95 base/nós", "nota"]
    lines = []
    for m in rows:
        if m.value is not None:
            lines.append([m.operation, "", m.value, "", "", "", "", "", m.note])
            continue
        med, p95, mx = stats(m.samples)
        cells = [m.operation, str(len(m.samples)), f"{med:.1f}", f"{p95:.1f}", f"{mx:.1f}"]
        if m.baseline:
            bmed, bp95, _ = stats(m.baseline)
            cells += [f"{bmed:.1f}", f"{bp95:.1f}", f"{bp95 / p95:.1f}×"]
        else:
            cells += ["", "", ""]
        lines.append(cells + [m.note])
    widths = [max(len(str(r[i])) for r in [head] + lines) for i in range(len(head))]
    fmt = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([fmt(head), sep] + [fmt(r) for r in lines])
