"""Confidential ties through the API, on both backends: who sees a firm's lenders,
guarantors and advisors, on every route that can show a tie, and the audit log of the
answers that showed one.

The network (prefecture 13 throughout):

- E1 (consent yes): F1 LENDS_TO E1 and S1 ADVISES E1; C1 supports it; C3 holds an accepted
  referral of it, C5 one that completed.
- E2 (consent no): F3 GUARANTEES E2; C1 supports it; C4 holds an accepted referral of it.
- E3 (consent yes): F2 LENDS_TO E3, asserted by C6 alone; C7 holds an in-progress referral.
- E9: no financier; C2 supports it.
- Public ties: C1 PARTNERS_WITH F1 (weak), C2 COLLABORATES_WITH C1, S1 WORKED_AT F1,
  S1 AFFILIATED_WITH C2, E1 TRADES_WITH E3.

Each caller below is a key: an admin, an analyst, and one centre key per centre.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from api import create_app
from graph.loaders import load_dataset
from graph.model import NodeKind
from graph.rows import RELATION_COLUMNS, node_columns
from graph.settings import Settings
from graph.store import open_keys, open_store
from graph.store.keys import Role
from tests.api.conftest import LiveApi, serve
from tests.conftest import write_csv

ENTERPRISE_COLUMNS = [*node_columns(NodeKind.ENTERPRISE), "consent"]


def _dataset(folder: Path) -> Path:
    write_csv(
        folder / "enterprises.csv",
        ENTERPRISE_COLUMNS,
        [
            ["E1", "Yamada Works", "13", "E", "25", "1962", "", "yes"],
            ["E2", "Sakura Foods", "13", "I", "", "", "", "no"],
            ["E3", "Kaga Lacquer", "13", "E", "4", "1890", "", "yes"],
            ["E9", "Naha Tours", "13", "M", "12", "2001", "", ""],
        ],
    )
    write_csv(
        folder / "centres.csv",
        list(node_columns(NodeKind.CENTRE)),
        [[f"C{i}", f"Centre {i}", "13", "chamber_of_commerce", "40", ""] for i in range(1, 8)],
    )
    write_csv(
        folder / "financiers.csv",
        list(node_columns(NodeKind.FINANCIER)),
        [
            ["F1", "Tokyo Bank", "regional_bank", "13", ""],
            ["F2", "Shinkin Two", "shinkin_bank", "13", ""],
            ["F3", "Tokyo Credit Guarantee", "credit_guarantee_corporation", "13", ""],
        ],
    )
    write_csv(
        folder / "specialists.csv",
        list(node_columns(NodeKind.SPECIALIST)),
        [["S1", "Sato Hanako", "banker", "finance;succession", "13", ""]],
    )
    write_csv(folder / "assets.csv", list(node_columns(NodeKind.ASSET)), [])
    write_csv(
        folder / "relations.csv",
        list(RELATION_COLUMNS),
        [
            ["F1", "LENDS_TO", "E1", "0.9", "", ""],
            ["S1", "ADVISES", "E1", "0.8", "", ""],
            ["F3", "GUARANTEES", "E2", "0.6", "", ""],
            ["C1", "SUPPORTS", "E1", "0.8", "", ""],
            ["C1", "SUPPORTS", "E2", "0.7", "", ""],
            ["C2", "SUPPORTS", "E9", "0.6", "", ""],
            ["C1", "PARTNERS_WITH", "F1", "0.1", "", ""],
            ["C2", "COLLABORATES_WITH", "C1", "0.5", "", ""],
            ["S1", "WORKED_AT", "F1", "0.5", "", ""],
            ["S1", "AFFILIATED_WITH", "C2", "0.6", "", ""],
            ["E1", "TRADES_WITH", "E3", "0.5", "", ""],
        ],
    )
    return folder


CALLERS = ["admin", "analyst", *(f"C{i}" for i in range(1, 8))]

#: Who sees each confidential tie.
SEES = {
    ("F1", "LENDS_TO", "E1"): {"admin", "C1", "C3"},
    ("S1", "ADVISES", "E1"): {"admin", "C1", "C3"},
    ("F3", "GUARANTEES", "E2"): {"admin", "C1"},
    ("F2", "LENDS_TO", "E3"): {"admin", "C6", "C7"},
}


def _referral(api: LiveApi, sender: str, receiver: str, enterprise: str, *moves: str) -> None:
    with api.client(sender) as client:
        made = client.post(
            "/v1/referrals",
            json={
                "enterprise": enterprise,
                "to_centre": receiver,
                "need": "finance",
                "allow_duplicate": True,
            },
        )
        assert made.status_code == 201, made.text
    with api.client(receiver) as client:
        for status in moves:
            moved = client.patch(
                f"/v1/referrals/{made.json()['id']}",
                json={"status": status, "outcome": "done" if status == "completed" else None},
            )
            assert moved.status_code == 200, moved.text


def _start(settings: Settings, folder: Path):
    with open_store(settings) as store:
        load_dataset(_dataset(folder), store)
    keys = open_keys(settings)
    try:
        made = {
            "admin": keys.add("k-admin", Role.ADMIN),
            "analyst": keys.add("k-analyst", Role.ANALYST),
        }
        for i in range(1, 8):
            made[f"C{i}"] = keys.add(f"k-c{i}", Role.CENTRE, f"C{i}")
    finally:
        keys.close()
    return made


@pytest.fixture
def matrix_api(settings: Settings, tmp_path: Path):
    made = _start(settings, tmp_path / "dataset")
    with serve(create_app(settings)) as base_url:
        api = LiveApi(base_url, made, settings)
        with api.client("admin") as client:
            written = client.post(
                "/v1/relations",
                json={
                    "contributor": "C6",
                    "relations": [
                        {"source": "F2", "type": "LENDS_TO", "target": "E3", "strength": 0.7}
                    ],
                },
            )
            assert written.status_code == 200, written.text
        _referral(api, "C1", "C3", "E1", "accepted")
        _referral(api, "C1", "C4", "E2", "accepted")
        _referral(api, "C1", "C5", "E1", "accepted", "in_progress", "completed")
        _referral(api, "C1", "C7", "E3", "accepted", "in_progress")
        yield api


def _audit(api: LiveApi) -> list[dict]:
    with api.client("admin") as client:
        answer = client.get("/v1/audit")
    assert answer.status_code == 200, answer.text
    return answer.json()["entries"]


def _get(api: LiveApi, caller: str, path: str, **params) -> dict | str:
    """The answer of ``caller`` and the audit entries it added."""
    before = len(_audit(api))
    with api.client(caller) as client:
        answer = client.get(path, params=params)
    assert answer.status_code == 200, (caller, path, answer.text)
    added = _audit(api)[before:]
    body = answer.json() if "json" in answer.headers["content-type"] else answer.text
    return body, added


def _confidential(ties) -> set[tuple[str, str, str]]:
    return {key for key in ((t["source"], t["type"], t["target"]) for t in ties) if key in SEES}


def test_node_reads_show_each_confidential_tie_only_to_those_entitled(matrix_api):
    for caller in CALLERS:
        for node in ("E1", "E2", "E3", "F1", "F2", "F3", "S1"):
            body, added = _get(matrix_api, caller, f"/v1/nodes/{node}")
            shown = _confidential(body["ties"])
            expected = {
                tie for tie, who in SEES.items() if node in (tie[0], tie[2]) and caller in who
            }
            assert shown == expected, (caller, node)
            if shown:
                (entry,) = added
                assert entry["key"] == f"k-{caller.lower()}"
                assert entry["route"].startswith(f"GET /v1/nodes/{node}")
                assert entry["enterprises"] == sorted({t[2] for t in shown})
            else:
                assert added == [], (caller, node)


def test_an_introduction_through_an_unseen_tie_is_not_returned_and_the_best_visible_one_is(
    matrix_api,
):
    for caller in CALLERS:
        body, added = _get(
            matrix_api, caller, "/v1/introductions", source="C2", target="F1", k=3, max_hops=4
        )
        paths = [p["nodes"] for p in body["paths"]]
        if caller in SEES[("F1", "LENDS_TO", "E1")]:
            # the best path runs through E1's advisor and lender
            assert paths[0] == ["C2", "S1", "E1", "F1"], caller
            assert ["C2", "C1", "E1", "F1"] in paths
            assert added and added[0]["enterprises"] == ["E1"]
        else:
            # the best path the caller may see: through S1's former employer
            assert paths == [["C2", "S1", "F1"], ["C2", "C1", "F1"]], caller
            for path in body["paths"]:
                for step in path["steps"]:
                    pair = {step["from"], step["to"]}
                    for (source, kind, target), who in SEES.items():
                        if pair == {source, target} and step["type"] == kind:
                            assert caller in who, (caller, step)
            assert added == [] or all(set(e["enterprises"]) <= {"E3"} for e in added), (
                caller,
                added,
            )


def test_introducers_count_only_ties_the_caller_sees(matrix_api):
    for caller in CALLERS:
        body, added = _get(matrix_api, caller, "/v1/introducers", a="E1", b="F1")
        found = [
            i["node"]["id"] if isinstance(i.get("node"), dict) else i["id"]
            for i in body["introducers"]
        ]
        if caller in SEES[("S1", "ADVISES", "E1")]:
            assert set(found) == {"C1", "S1"}, caller
            assert [e["enterprises"] for e in added] == [["E1"]]
        else:
            assert found == ["C1"], caller
            assert added == []


def test_weakness_lists_hold_only_what_the_caller_sees_and_say_what_was_withheld(matrix_api):
    for caller in CALLERS:
        body, _ = _get(matrix_api, caller, "/v1/weaknesses", prefecture="13")
        admin, _ = _get(matrix_api, "admin", "/v1/weaknesses", prefecture="13")
        assert body["counts"] == admin["counts"], caller  # counts stay whole
        listed = {f["id"] for f in body["unfinanced_enterprises"]}
        if caller == "admin":
            assert "E9" in listed and body["withheld"] == {}
            continue
        sees_e9 = caller == "C2"
        assert ("E9" in listed) <= sees_e9, caller
        total = admin["counts"]["unfinanced_enterprises"]
        assert body["withheld"]["unfinanced_enterprises"] + len(listed) == min(
            total, len(admin["unfinanced_enterprises"]) + body["withheld"]["unfinanced_enterprises"]
        )
        for finding in (
            f
            for name in (
                "articulation_points",
                "unfinanced_enterprises",
                "unsupported_enterprises",
                "isolated",
            )
            for f in body[name]
        ):
            path = finding["next_step"]["path"]
            for hidden, who in SEES.items():
                if caller not in who:
                    assert not _walks(path, hidden[0], hidden[2]), (caller, finding)
        for bridge in body["bridges"]:
            key = (bridge["source"], bridge["type"], bridge["target"])
            assert key not in SEES or caller in SEES[key]


def _walks(path: list[str], a: str, b: str) -> bool:
    return any({u, v} == {a, b} for u, v in zip(path, path[1:], strict=False))


def test_what_if_lists_only_the_firms_whose_financing_the_caller_sees(matrix_api):
    for caller in CALLERS:
        body, added = _get(matrix_api, caller, "/v1/weaknesses/what-if", remove="F1")
        only = [n["id"] for n in body["only_financier"]]
        if caller in SEES[("F1", "LENDS_TO", "E1")]:
            assert only == ["E1"], caller
            assert [e["enterprises"] for e in added] == [["E1"]]
        else:
            assert only == [], caller
            assert body["withheld"]["only_financier"] == 1
            assert added == []


_EDGE = re.compile(r'\{"from": "([^"]+)", "to": "([^"]+)"')


def _edges(page: str) -> set[frozenset[str]]:
    return {frozenset(pair) for pair in _EDGE.findall(page)}


def test_pages_draw_only_the_ties_the_caller_sees(matrix_api):
    for caller in CALLERS:
        page, added = _get(matrix_api, caller, "/v1/viz/network", prefecture="13")
        edges = _edges(page)
        assert frozenset(("C1", "E1")) in edges  # a public tie is drawn for everyone
        for (source, _, target), who in SEES.items():
            assert (frozenset((source, target)) in edges) == (caller in who), (
                caller,
                source,
                target,
            )
        expected = sorted({t[2] for t, who in SEES.items() if caller in who})
        if expected:
            (entry,) = added
            assert entry["enterprises"] == expected
        else:
            assert added == []


def test_candidates_reasons_leave_out_a_tie_of_a_confidential_type(settings, tmp_path):
    """With COLLABORATES_WITH made confidential, C1's key is no longer told that C2 already
    collaborates with it (nobody entitled it to that tie); an admin still sees it."""
    made = _start(settings, tmp_path / "dataset")
    secret = settings.model_copy(update={"confidential_types_text": "LENDS_TO,COLLABORATES_WITH"})
    with serve(create_app(secret)) as base_url:
        api = LiveApi(base_url, made, secret)
        params = {"enterprise": "E1", "need": "finance"}
        with api.client("C1") as client:
            mine = client.get("/v1/referrals/candidates", params=params).json()
        reasons = {
            c["centre"]["id"] if isinstance(c["centre"], dict) else c["centre"]: c["reasons"]
            for c in mine["candidates"]
        }
        assert "C2" in reasons
        assert not any("collaborates" in r for r in reasons["C2"])
    with serve(create_app(settings)) as base_url:
        api = LiveApi(base_url, made, settings)
        with api.client("C1") as client:
            mine = client.get("/v1/referrals/candidates", params=params).json()
        reasons = {
            c["centre"]["id"] if isinstance(c["centre"], dict) else c["centre"]: c["reasons"]
            for c in mine["candidates"]
        }
        assert any("collaborates" in r for r in reasons["C2"])


def test_candidates_read_no_entitlement_when_no_tie_they_walk_is_confidential(
    matrix_api, monkeypatch
):
    """The reasons walk only the caller's centre's collaborations: with COLLABORATES_WITH
    not confidential, a centre's candidates need not read which enterprises it is entitled
    to (a node's ties do)."""
    import graph.queries.visibility as visibility

    read: list[str] = []
    entitled = visibility.entitled_enterprises

    def counted(store, centre):
        read.append(centre)
        return entitled(store, centre)

    monkeypatch.setattr(visibility, "entitled_enterprises", counted)
    params = {"enterprise": "E1", "need": "finance"}
    with matrix_api.client("C1") as client:
        answer = client.get("/v1/referrals/candidates", params=params)
        assert answer.status_code == 200, answer.text
        (reasons,) = [
            c["reasons"] for c in answer.json()["candidates"] if c["centre"]["id"] == "C2"
        ]
        assert any("collaborates" in r for r in reasons)
        assert read == []
        assert client.get("/v1/nodes/E1").status_code == 200
    assert read == ["C1"]


def test_the_audit_log_survives_a_restart(matrix_api):
    _get(matrix_api, "C1", "/v1/nodes/E1")
    before = _audit(matrix_api)
    assert before
    settings = matrix_api.settings
    with serve(create_app(settings)) as base_url:
        again = LiveApi(base_url, matrix_api.keys, settings)
        assert _audit(again) == before
    assert json.loads(json.dumps(before)) == before
