"""The load test's arithmetic: what counts as a 5xx, a shed request and the light p99."""

from __future__ import annotations

from bench.load import summarise


def _route(times: list[float], status: dict[str, int], shed=0, failures=0, unfinished=0):
    return {
        "times_ms": times,
        "status": status,
        "shed": shed,
        "failures": failures,
        "unfinished": unfinished,
    }


def test_a_shed_heavy_request_is_not_a_5xx_but_a_light_500_is():
    raw = {
        "seconds": 10.0,
        "heavy": "GET /v1/weaknesses",
        "routes": {
            "GET /v1/weaknesses": _route([900.0, 50.0], {"200": 1, "503": 1}, shed=1),
            "GET /v1/nodes/{id}": _route(
                [float(ms) for ms in range(1, 101)], {"200": 99, "500": 1}, failures=1
            ),
            "GET /v1/stats": _route([], {}, unfinished=2),
        },
    }
    result = summarise(raw)
    heavy, nodes, stats = (result["routes"][name] for name in raw["routes"])
    assert heavy["heavy"] and heavy["shed"] == 1 and heavy["server_errors"] == 0
    assert nodes["server_errors"] == 1 and nodes["failures"] == 1
    assert nodes["p50_ms"] == 51.0 and nodes["p99_ms"] == 99.0 and nodes["max_ms"] == 100.0
    assert stats["p99_ms"] is None and stats["unfinished"] == 2
    assert result["requests"] == 102 and result["requests_per_second"] == 10.2
    assert (result["errors"], result["server_errors"], result["shed"]) == (1, 1, 1)
    assert result["light_p99_ms"] == 99.0  # the heavy route's 900 ms is not a light figure
