"""The peer benchmark's answer checks (bench/peers.py) and how the local Neo4j launcher picks
the peer plugins' jars and settings (tools/neo4j/local.py), without a Neo4j."""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from bench.peers import compare, overlap, same_score, tally

LOCAL = Path(__file__).resolve().parents[2] / "tools" / "neo4j" / "local.py"


def _local() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rsn_local_neo4j_for_peers", LOCAL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


MINE = [(("a", "b"), 0.9), (("a", "c", "b"), 0.72), (("a", "d", "e", "b"), 0.5)]


def test_the_same_scores_are_equal_whatever_the_paths() -> None:
    peer = [(("a", "b"), 0.9), (("a", "x", "b"), 0.72 * (1 + 1e-12)), (("a", "y", "b"), 0.5)]
    assert compare(MINE, peer) == "equal"


def test_another_score_differs() -> None:
    assert compare(MINE, [(("a", "b"), 0.9), (("a", "c", "b"), 0.7), MINE[2]]) == "differing"


def test_a_missing_or_extra_path_differs() -> None:
    assert compare(MINE, MINE[:2]) == "differing"
    assert compare(MINE[:2], MINE) == "differing"


def test_a_path_past_max_hops_leaves_only_the_ones_before_to_compare() -> None:
    long = (("a", "p", "q", "r", "s", "b"), 0.8)
    assert compare(MINE, [MINE[0], long, MINE[1]], max_hops=4) == "comparable"
    assert compare(MINE, [(("a", "b"), 0.8), long], max_hops=4) == "differing"
    assert compare(MINE, [MINE[0], long], max_hops=5) == "differing"


def test_a_path_that_does_not_hold_today_is_not_compared() -> None:
    assert compare(MINE[:1], [(("a", "z", "b"), 0.0)]) == "comparable"


def test_no_answer_fails() -> None:
    assert compare(MINE, None) == "failed"
    assert compare(None, MINE) == "failed"


def test_tally_and_overlap() -> None:
    assert tally(["equal", "differing", "equal"]) == {
        "equal": 2,
        "comparable": 0,
        "differing": 1,
        "failed": 0,
    }
    first = {"a": 3.0, "b": 2.0, "c": 1.0, "d": 0.0}
    second = {"a": 0.0, "b": 2.0, "c": 3.0, "d": 1.0}
    assert overlap(first, second, top=2) == 1
    assert overlap(first, first, top=3) == 3
    assert same_score(0.5, 0.5 * (1 + 1e-12)) and not same_score(0.5, 0.5001)


def _jar(path: Path, *classes: str) -> Path:
    with zipfile.ZipFile(path, "w") as jar:
        for name in (*classes, "module-info.class", "META-INF/MANIFEST.MF"):
            jar.writestr(name, b"")
    return path


def test_a_peer_jar_the_server_ships_is_left_out(tmp_path: Path) -> None:
    local = _local()
    shipped = [_jar(tmp_path / "lang-3.18.jar", "x/A.class", "x/B.class", "x/C.class")]
    older = _jar(tmp_path / "lang-3.12.jar", "x/A.class", "x/B.class")
    bundle = _jar(tmp_path / "plugin.jar", "p/P.class", "p/Q.class", "p/R.class", "x/A.class")
    dropped = local._duplicates([older, bundle], shipped)
    assert dropped == {older: "lang-3.18.jar"}


@pytest.mark.parametrize(
    ("given", "unrestricted", "allowlist"),
    [
        ({}, "gds.*,apoc.*", None),
        ({"dbms.security.procedures.unrestricted": "my.*"}, "my.*,gds.*,apoc.*", None),
        ({"dbms.security.procedures.allowlist": "rsn.*"}, "gds.*,apoc.*", "rsn.*,gds.*,apoc.*"),
    ],
)
def test_the_peer_procedures_are_unrestricted_and_allowed(
    given: dict[str, str], unrestricted: str, allowlist: str | None
) -> None:
    local = _local()
    settings = local._peer_settings(given)
    assert settings["server.directories.plugins"] == str(local.PEERS_PLUGINS)
    assert settings["dbms.security.procedures.unrestricted"] == unrestricted
    assert settings.get("dbms.security.procedures.allowlist") == allowlist
