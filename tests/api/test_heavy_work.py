"""Heavy work in a process of its own (api.heavy): the same answers as in the server's
threads, current with the server's writes, its errors as the API's, and a killed worker
answered 503 then replaced."""

from __future__ import annotations

import os
import pickle
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from pydantic import ValidationError

from api import create_app
from api.heavy import HeavyConfig, HeavyWork, keep_map_figures, warm_reports
from graph import errors
from graph.model import Node, NodeKind
from graph.provenance import Attribution
from graph.queries.regional_measures import kept_history
from graph.settings import Settings
from graph.store.embedded import EmbeddedStore
from graph.valid_time import today
from tests.api.conftest import load_with_keys, serve

#: Heavy requests and the answers both ways must give: reports, what-if, density, errors.
HEAVY_REQUESTS = [
    ("/v1/weaknesses", {}),
    ("/v1/weaknesses", {"prefecture": "13"}),
    ("/v1/weaknesses", {"prefecture": "17", "limit": 1}),
    ("/v1/weaknesses/what-if", {"remove": "C1"}),
    ("/v1/weaknesses/what-if", {"remove": "F1", "prefecture": "13"}),
    ("/v1/weaknesses/what-if", {"remove": "NOPE"}),  # 404 from the worker
    ("/v1/weaknesses/what-if", {"remove": "A1"}),  # 422 from the worker
    ("/v1/density", {"by": "prefecture"}),
    ("/v1/density", {"by": "block"}),
]


@dataclass
class TwoApis:
    """The same store served twice: heavy work in a worker process, and in threads."""

    worker: str
    threads: str
    worker_app: object
    keys: dict[str, str]

    def client(self, base_url: str, role: str = "analyst") -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.keys[role]}"}
        return httpx.Client(base_url=base_url, headers=headers, timeout=60)

    @property
    def work(self) -> HeavyWork:
        return self.worker_app.state.heavy_work


@pytest.fixture
def two_apis(settings: Settings, small_dataset) -> Iterator[TwoApis]:
    made = load_with_keys(settings, small_dataset, ("admin", "analyst"))
    worker_app = create_app(settings, heavy=HeavyConfig(RSN_HEAVY_PROCESSES=1))
    thread_app = create_app(settings, heavy=HeavyConfig(RSN_HEAVY_PROCESSES=0))
    with serve(worker_app) as worker, serve(thread_app) as threads:
        yield TwoApis(worker, threads, worker_app, made)


def test_heavy_routes_answer_the_same_through_the_worker_as_in_threads(two_apis):
    with two_apis.client(two_apis.worker) as worker, two_apis.client(two_apis.threads) as threads:
        for path, params in HEAVY_REQUESTS:
            apart, inside = worker.get(path, params=params), threads.get(path, params=params)
            assert apart.status_code == inside.status_code, (path, params, apart.text)
            assert apart.json() == inside.json(), (path, params)
            assert apart.headers["content-type"] == "application/json"
        statuses = {
            p["remove"]: worker.get(path, params=p).status_code for path, p in HEAVY_REQUESTS[5:7]
        }
        assert statuses == {"NOPE": 404, "A1": 422}
    # the answers above came from another process, which has the store open
    pids = two_apis.work.worker_pids()
    assert len(pids) == 1 and pids[0] != os.getpid()


def test_a_report_asked_after_a_write_through_the_server_holds_it(two_apis):
    new = {
        "kind": "Enterprise",
        "values": {"id": "E9", "name": "New Co", "prefecture": "13", "industry": "E"},
    }
    with two_apis.client(two_apis.worker, "admin") as client:
        before = client.get("/v1/weaknesses", params={"prefecture": "13"}).json()
        assert "E9" not in [f["id"] for f in before["isolated"]]
        assert client.post("/v1/nodes", json=[new]).status_code == 200
        after = client.get("/v1/weaknesses", params={"prefecture": "13"}).json()
        assert "E9" in [f["id"] for f in after["isolated"]]
        assert "E9" in [f["id"] for f in after["unsupported_enterprises"]]
        tie = {"source": "C1", "type": "SUPPORTS", "target": "E9", "strength": 0.6}
        assert client.post("/v1/relations", json=[tie]).status_code == 200
        supported = client.get("/v1/weaknesses", params={"prefecture": "13"}).json()
        assert "E9" not in [f["id"] for f in supported["isolated"]]
        assert "E9" not in [f["id"] for f in supported["unsupported_enterprises"]]
        what_if = client.get("/v1/weaknesses/what-if", params={"remove": "C1"}).json()
        assert "E9" in [a["id"] for a in what_if["lose_centre"]]


def test_a_killed_worker_is_503_with_retry_after_then_replaced(two_apis):
    with two_apis.client(two_apis.worker) as client:
        first = client.get("/v1/density")
        assert first.status_code == 200
        (pid,) = two_apis.work.worker_pids()
        os.kill(pid, signal.SIGKILL)
        broken = client.get("/v1/density")
        assert broken.status_code == 503
        assert int(broken.headers["Retry-After"]) > 0
        assert "unavailable" in broken.json()["detail"]
        # the next request gets a new worker (which opens the store first)
        again = client.get("/v1/density")
        assert again.status_code == 200 and again.json() == first.json()
        (replaced,) = two_apis.work.worker_pids()
        assert replaced != pid
        # light routes never depended on it
        assert client.get("/v1/stats").status_code == 200


def test_every_error_of_the_project_crosses_a_process_boundary_as_itself():
    import api.heavy  # noqa: F401  (registers how the errors with other arguments pickle)

    made = [
        errors.NotFound("no node with id 'X'"),
        errors.InvalidArgument("A1 is not an actor"),
        errors.Conflict("moved by someone else"),
        errors.Forbidden("not your centre"),
        errors.StoreUnavailable("down"),
        errors.StoreError("broken"),
        errors.ConfigurationError("bad"),
        errors.RowInvalid([("id", "is required"), ("name", "is too long")]),
        errors.DatasetInvalid([errors.Problem("a.csv", 3, "id", "is required")], total=7),
    ]
    for error in made:
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and str(back) == str(error)
    row = pickle.loads(pickle.dumps(made[7]))
    assert row.problems == [("id", "is required"), ("name", "is too long")]
    dataset = pickle.loads(pickle.dumps(made[8]))
    assert dataset.total == 7 and str(dataset.problems[0]) == "a.csv:3: id: is required"


def test_the_settings_given_to_the_app_pickle_as_they_are(tmp_path):
    given = Settings(
        RSN_BACKEND="neo4j",
        RSN_DATA_DIR=tmp_path,
        NEO4J_URI="bolt://127.0.0.1:1",
        NEO4J_PASSWORD="secret",
    )
    back = pickle.loads(pickle.dumps(given))
    assert back == given and back.neo4j_password.get_secret_value() == "secret"


def test_the_number_of_heavy_processes_is_bounded():
    assert HeavyConfig().processes >= 0
    assert HeavyConfig(RSN_HEAVY_PROCESSES=0).processes == 0
    for bad in (-1, 17):
        with pytest.raises(ValidationError):
            HeavyConfig(RSN_HEAVY_PROCESSES=bad)


def _tokyo_enterprises(store) -> int | None:
    """Tokyo's enterprises today in the map's figures the store keeps; None when none."""
    kept = kept_history(store, today())
    return None if kept is None else kept[-1].rows["13"].enterprises


def _eventually(check, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.02)
    return check()


def test_the_worker_works_the_map_figures_out_again_once_writes_settle(small_store_dir):
    """The heavy work process works today's map figures out when it starts, and again once
    another process wrote and then stopped writing, with no request asking: the next
    visitor of the map finds them ready and current."""
    server = EmbeddedStore(small_store_dir, watch_seconds=None)
    worker = EmbeddedStore(small_store_dir, watch_seconds=None)
    stop = threading.Event()
    keeper = threading.Thread(target=keep_map_figures, args=(worker, stop, 0.02, 0.2))
    keeper.start()
    try:
        assert _eventually(lambda: _tokyo_enterprises(worker) == 2)
        new = Node("E9", NodeKind.ENTERPRISE, "江戸前工房", {"prefecture": "13", "industry": "E"})
        server.upsert_nodes([new], by=Attribution("tokyo"))
        assert _eventually(lambda: _tokyo_enterprises(worker) == 3)
        assert worker.get_node("E9") == server.get_node("E9")
    finally:
        stop.set()
        keeper.join(timeout=30)
        server.close()
        worker.close()
    assert not keeper.is_alive()


class _ReadingAhead:
    """A store whose read ahead for the reports gives ``read`` or raises ``error``."""

    def __init__(self, read: dict[str, int] | None = None, error: Exception | None = None):
        self.read, self.error = read or {}, error

    def warm_reports(self) -> dict[str, int]:
        if self.error is not None:
            raise self.error
        return self.read


def test_the_read_ahead_for_the_reports_is_said_in_the_log_and_a_failure_only_warned(caplog):
    with caplog.at_level("INFO", logger="uvicorn.error"):
        warm_reports(_ReadingAhead({"prefectures": 8}))
        warm_reports(_ReadingAhead())
        warm_reports(_ReadingAhead(error=errors.StoreUnavailable("the server went away")))
    said = [record.getMessage() for record in caplog.records]
    assert said[0].startswith("read ahead for the reports in ") and said[0].endswith(
        ": 8 prefectures"
    )
    assert said[1].endswith(": nothing to read")
    assert said[2] == "reading ahead for the reports failed: the server went away"
    assert [record.levelname for record in caplog.records] == ["INFO", "INFO", "WARNING"]
    stopped = threading.Event()
    stopped.set()  # the store was closed because the process stops: nothing to say
    with caplog.at_level("INFO", logger="uvicorn.error"):
        warm_reports(_ReadingAhead(error=errors.StoreUnavailable("closed")), stopped)
    assert len(caplog.records) == 3
