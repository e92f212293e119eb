"""The users of the load test, for Locust. bench/load.py runs it headless against ``rsn serve``
on loopback; it is not meant to be run by hand (it reads its plan from ``RSN_LOAD_PLAN``).

Three kinds of user, all with keys made for the run:

- readers (analyst key): node reads, introductions between two actors of a prefecture, stats;
- centres (the key of one centre): candidates for an enterprise and a need, and referrals,
  each created, then accepted, put in progress and completed (the moves with the admin key,
  which may act for the receiving centre);
- ``heavy_users`` analysts that ask for a weakness report (the whole network or a big
  prefecture, in turn) every ``heavy_every`` seconds.

A 503 with ``Retry-After`` on the heavy route is the server shedding load as designed: it is
counted as ``shed``, not as a failure. Anything else that is not the expected status is a
failure. A request still unanswered when the run ends is counted as ``unfinished``. When
Locust quits, the figures go to the JSON file ``RSN_LOAD_OUT`` names, with the moment the last
user started (``measured_from``, seconds since the run started), from which bench/load.py
measures the steady state.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from locust import FastHttpUser, between, constant_pacing, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["RSN_LOAD_PLAN"]).read_text(encoding="utf-8"))
HEAVY = "GET /v1/weaknesses"
#: Each referral takes the next enterprise, so two open referrals never share one.
_NEXT_ENTERPRISE = itertools.count()
_SCOPES = itertools.cycle(PLAN["heavy_scopes"])

_times: dict[str, list[float]] = defaultdict(list)
#: When each request of ``_times`` ended, in seconds since the run started (same order).
_ends: dict[str, list[float]] = defaultdict(list)
_status: dict[str, Counter] = defaultdict(Counter)
_shed: Counter = Counter()
_failures: Counter = Counter()
_begun: Counter = Counter()
_clock: dict[str, float] = {}


def _auth(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {PLAN['keys'][role]}"}


def _call(
    user: FastHttpUser,
    method: str,
    path: str,
    name: str,
    role: str,
    expected: int = 200,
    body: dict[str, Any] | None = None,
) -> Any:
    """One request as ``role``, marked a success or a failure; its JSON when it has the
    expected status, else None. On the heavy route a 503 with Retry-After is a success (the
    server shedding load as designed), counted as shed by :func:`_record`."""
    _begun[name] += 1
    with user.client.request(
        method, path, json=body, headers=_auth(role), name=name, catch_response=True
    ) as response:
        if response.status_code == expected:
            response.success()
            return response.json()
        if name == HEAVY and response.status_code == 503 and response.headers.get("Retry-After"):
            response.success()
            return None
        response.failure(f"HTTP {response.status_code}")
        return None


class Reader(FastHttpUser):
    """An analyst's system: reads nodes, asks for introductions, looks at the totals."""

    weight = 6
    wait_time = between(*PLAN["wait"])

    @task(5)
    def node(self) -> None:
        node_id = random.choice(PLAN["nodes"])
        _call(self, "GET", f"/v1/nodes/{node_id}", "GET /v1/nodes/{id}", "analyst")

    @task(3)
    def introductions(self) -> None:
        source, target = random.choice(PLAN["pairs"])
        query = urlencode({"source": source, "target": target, "k": 3, "max_hops": 4})
        _call(self, "GET", f"/v1/introductions?{query}", "GET /v1/introductions", "analyst")

    @task(1)
    def stats(self) -> None:
        _call(self, "GET", "/v1/stats", "GET /v1/stats", "analyst")


class Centre(FastHttpUser):
    """A centre's system: looks for candidates and refers enterprises, which are then moved
    on to completed."""

    weight = 3
    wait_time = between(*PLAN["wait"])

    def _candidates(self, enterprise: str, need: str) -> list[str]:
        query = urlencode({"enterprise": enterprise, "need": need})
        path = f"/v1/referrals/candidates?{query}"
        found = _call(self, "GET", path, "GET /v1/referrals/candidates", "centre")
        return [row["centre"]["id"] for row in (found or {}).get("candidates", [])]

    @task(3)
    def candidates(self) -> None:
        self._candidates(random.choice(PLAN["enterprises"]), random.choice(PLAN["needs"]))

    @task(1)
    def referral(self) -> None:
        enterprises = PLAN["enterprises"]
        enterprise = enterprises[next(_NEXT_ENTERPRISE) % len(enterprises)]
        need = random.choice(PLAN["needs"])
        found = self._candidates(enterprise, need) or [random.choice(PLAN["other_centres"])]
        body = {"enterprise": enterprise, "to_centre": found[0], "need": need}
        body["note"] = f"{PLAN['note']} {enterprise}"
        made = _call(self, "POST", "/v1/referrals", "POST /v1/referrals", "centre", 201, body)
        if made is None:
            return
        for move in (
            {"status": "accepted"},
            {"status": "in_progress"},
            {"status": "completed", "outcome": "a loan agreed"},
        ):
            path = f"/v1/referrals/{made['id']}"
            if _call(self, "PATCH", path, "PATCH /v1/referrals/{id}", "admin", 200, move) is None:
                return


class Heavy(FastHttpUser):
    """An analyst asking for a whole weakness report every few seconds."""

    fixed_count = PLAN["heavy_users"]
    abstract = PLAN["heavy_users"] == 0  # no heavy user at all (fixed_count 0 means "any")
    wait_time = constant_pacing(PLAN["heavy_every"])

    @task
    def weaknesses(self) -> None:
        scope = next(_SCOPES)
        query = urlencode({"limit": 100, **({"prefecture": scope} if scope else {})})
        _call(self, "GET", f"/v1/weaknesses?{query}", HEAVY, "analyst")


@events.request.add_listener
def _record(name: str, response_time: float, response: Any = None, exception: Any = None, **_):
    """Keep every latency and status by route (status 0: no answer at all)."""
    status = getattr(response, "status_code", None) or 0
    _times[name].append(response_time)
    _ends[name].append(round(time.monotonic() - _clock.get("start", time.monotonic()), 3))
    _status[name][str(status)] += 1
    headers = getattr(response, "headers", None) or {}
    if name == HEAVY and status == 503 and headers.get("Retry-After"):
        _shed[name] += 1
    if exception is not None:
        _failures[name] += 1


@events.test_start.add_listener
def _started(**_: Any) -> None:
    _clock["start"] = time.monotonic()


@events.spawning_complete.add_listener
def _all_started(**_: Any) -> None:
    _clock.setdefault("measured", time.monotonic())


@events.test_stop.add_listener
def _stopped(**_: Any) -> None:
    _clock["stop"] = time.monotonic()


@events.quitting.add_listener
def _write(**_: Any) -> None:
    """Write the raw figures for bench/load.py."""
    start = _clock.get("start", time.monotonic())
    seconds = _clock.get("stop", time.monotonic()) - start
    routes = {
        name: {
            "times_ms": _times[name],
            "ends_s": _ends[name],
            "status": dict(_status[name]),
            "shed": _shed[name],
            "failures": _failures[name],
            "unfinished": _begun[name] - len(_times[name]),
        }
        for name in sorted(set(_times) | set(_begun))
    }
    report = {
        "seconds": seconds,
        "measured_from": _clock.get("measured", start) - start,
        "heavy": HEAVY,
        "routes": routes,
    }
    Path(os.environ["RSN_LOAD_OUT"]).write_text(json.dumps(report), encoding="utf-8")
