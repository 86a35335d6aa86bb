"""Core Web Vitals of the public site, as the site reports them (``POST /events``),
in server histograms: ``aurum_web_vitals_seconds{name="LCP"|"INP"}`` and
``aurum_web_vitals_cls``, exposed on ``/metrics`` with the API's own metrics (summed over
the server processes in multiprocess mode), and :func:`snapshot` for ``/admin/system``.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import Histogram

from app.core.middleware import Metrics

SECONDS_BUCKETS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 15, 20, 30)
CLS_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 5)
NAMES = ("LCP", "INP", "CLS")
TIMED = ("LCP", "INP")  # reported in milliseconds


class WebVitals:
    """The histograms, registered with one app's metrics (built in ``create_app``)."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        self.timed = Histogram(
            "aurum_web_vitals_seconds",
            "Core Web Vitals of the public site's page loads (LCP, INP), in seconds.",
            ["name"],
            buckets=SECONDS_BUCKETS,
            registry=metrics.registry,
        )
        self.cls = Histogram(
            "aurum_web_vitals_cls",
            "Cumulative Layout Shift of the public site's page loads (unitless).",
            buckets=CLS_BUCKETS,
            registry=metrics.registry,
        )

    def observe(self, name: str, value: float) -> None:
        """``value`` as web-vitals reports it: milliseconds for LCP and INP."""
        if name in TIMED:
            self.timed.labels(name).observe(value / 1000)
        elif name == "CLS":
            self.cls.observe(value)

    def snapshot(self) -> list[dict[str, Any]]:
        """``[{"name", "p75", "count"}]`` for LCP, INP (milliseconds) and CLS; p75 is
        interpolated within its histogram bucket, null before the first report."""
        buckets: dict[str, list[tuple[float, float]]] = {name: [] for name in NAMES}
        for family in self.metrics.collect():
            if family.name not in ("aurum_web_vitals_seconds", "aurum_web_vitals_cls"):
                continue
            for sample in family.samples:
                if not sample.name.endswith("_bucket"):
                    continue
                name = sample.labels.get("name", "CLS")
                if name in buckets:
                    buckets[name].append((float(sample.labels["le"]), sample.value))
        found = []
        for name in NAMES:
            p75, count = percentile(buckets[name], 0.75)
            if p75 is not None and name in TIMED:
                p75 = round(p75 * 1000)
            elif p75 is not None:
                p75 = round(p75, 3)
            found.append({"name": name, "p75": p75, "count": count})
        return found


def percentile(cumulative: list[tuple[float, float]], q: float) -> tuple[float | None, int]:
    """The ``q`` quantile of a histogram's cumulative (le, count) buckets, interpolated
    within its bucket as Prometheus's histogram_quantile does, and the observation
    count. (``app.system`` imports this module, so it cannot use the system page's own.)"""
    merged: dict[float, float] = {}
    for le, count in cumulative:
        merged[le] = merged.get(le, 0) + count
    ordered = sorted(merged.items())
    total = ordered[-1][1] if ordered else 0
    if not total:
        return None, 0
    rank = q * total
    lower_le, lower_count = 0.0, 0.0
    for le, count in ordered:
        if count >= rank:
            if le == float("inf"):
                return lower_le, int(total)  # beyond the last bound: its lower edge
            width = count - lower_count
            fraction = (rank - lower_count) / width if width else 1.0
            return lower_le + (le - lower_le) * fraction, int(total)
        lower_le, lower_count = le, count
    return lower_le, int(total)


def snapshot(app: Any) -> list[dict[str, Any]]:
    """The web vitals of ``app`` (a FastAPI app) for ``/admin/system``."""
    return app.state.web_vitals.snapshot()
