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


def test_requests_made_while_the_users_start_are_reported_apart_but_their_errors_count():
    # the run's users had all started at 2.0 s: requests that started before are the ramp's
    raw = {
        "seconds": 12.0,
        "measured_from": 2.0,
        "heavy": "GET /v1/weaknesses",
        "routes": {
            "GET /v1/nodes/{id}": {
                **_route([400.0, 300.0, 5.0, 7.0, 9.0], {"200": 4, "500": 1}, failures=1),
                # started at 0.1 s, 1.9 s, 2.0 s, 5.0 s and 9.0 s
                "ends_s": [0.5, 2.2, 2.005, 5.007, 9.009],
            },
            "GET /v1/weaknesses": {**_route([1500.0], {"200": 1}), "ends_s": [1.6]},
        },
    }
    result = summarise(raw)
    nodes, heavy = result["routes"]["GET /v1/nodes/{id}"], result["routes"]["GET /v1/weaknesses"]
    assert nodes["requests"] == 3 and nodes["ramp_requests"] == 2
    assert nodes["max_ms"] == 9.0 and result["light_p99_ms"] == 9.0
    assert result["ramp_requests"] == 2 and result["ramp_light_p99_ms"] == 400.0
    assert heavy["requests"] == 0 and heavy["ramp_requests"] == 1
    assert nodes["server_errors"] == 1 and result["errors"] == 1  # the whole run's
    assert result["seconds"] == 10.0 and result["requests_per_second"] == 0.3
