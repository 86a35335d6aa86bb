"""deploy/monitoring: the Prometheus scrape config and the Grafana dashboard that the
compose profile `monitoring` starts, checked against the metrics the API exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from prometheus_client.metrics_core import Metric

from app.core.middleware import Metrics
from tests.deploy.deployfiles import REPO_DIR, bind_mounts, load_compose, read_yaml

MONITORING = REPO_DIR / "deploy" / "monitoring"
DASHBOARD = MONITORING / "grafana" / "dashboards" / "aurum.json"
OPERATOR_ENV = {"SECRET_KEY": "x" * 40, "POSTGRES_PASSWORD": "p"}
# Queried by the dashboard, exported by others: the worker's own metric arrives with
# `aurum worker`; redis_* come from the redis-exporter service.
WORKER_METRICS = {"aurum_worker_job_lag_seconds"}
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}


def _exported_sample_names() -> set[str]:
    families: list[Metric] = list(Metrics().registry.collect())
    return {f.name + suffix for f in families for suffix in SUFFIXES[f.type]}


def _expressions() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]


def _metric_names(expression: str) -> set[str]:
    return set(re.findall(r"\b((?:aurum|redis)_[a-z_]+)\b", expression))


def test_the_dashboard_queries_only_metrics_that_exist() -> None:
    exported = _exported_sample_names()
    queried = set().union(*(_metric_names(e) for e in _expressions()))
    ours = {name for name in queried if name.startswith("aurum_")}
    assert ours - exported == WORKER_METRICS, ours - exported


@pytest.mark.parametrize(
    "pattern",
    [
        r"rate\(aurum_http_requests_total\{[^}]*\}\[5m\]\)",  # request rate
        r"histogram_quantile\(0\.95, sum by \(le, route\) \(rate\(aurum_http_request_duration",
        r'status=~"5\.\."',  # errors per route
        r"aurum_db_pool_checked_out_connections",
        r"redis_up",
        r"aurum_worker_job_lag_seconds",
    ],
)
def test_the_dashboard_shows_what_operators_watch(pattern: str) -> None:
    assert any(re.search(pattern, e) for e in _expressions()), pattern


def test_the_dashboard_uses_the_provisioned_prometheus() -> None:
    (datasource,) = read_yaml(
        MONITORING / "grafana" / "provisioning" / "datasources" / "prometheus.yml"
    )["datasources"]
    assert datasource["url"] == "http://prometheus:9090"
    dashboard = json.loads(DASHBOARD.read_text())
    uids = {
        source["uid"]
        for panel in dashboard["panels"]
        for source in [
            panel.get("datasource"),
            *(t.get("datasource") for t in panel.get("targets", [])),
        ]
        if source
    }
    assert uids == {datasource["uid"]}


def test_grafana_loads_the_dashboard_from_where_compose_mounts_it() -> None:
    stack = load_compose(REPO_DIR / "docker-compose.base.yml", OPERATOR_ENV)
    mounts = dict(bind_mounts(stack["services"]["grafana"]))
    (provider,) = read_yaml(MONITORING / "grafana" / "provisioning" / "dashboards" / "aurum.yml")[
        "providers"
    ]
    dashboards_dir = Path(next(s for s, t in mounts.items() if t == provider["options"]["path"]))
    assert DASHBOARD.parent == dashboards_dir
    home = stack["services"]["grafana"]["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home == f"{provider['options']['path']}/{DASHBOARD.name}"
    assert mounts[MONITORING / "grafana" / "provisioning"] == "/etc/grafana/provisioning"
