"""The network as GEXF and GraphML files, on every backend: read back with NetworkX's own
readers, each file holds the store's nodes and relations (parallel ties and the whole
history included), one prefecture's file holds its nodes and the nationwide nodes tied to
them, and a caller's file holds only the ties it may see."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import networkx as nx
import pytest

from graph.errors import InvalidArgument
from graph.loaders import load_dataset
from graph.loaders.network_file import network_file_name, save_network, write_network
from graph.model import NodeKind
from graph.provenance import Attribution
from graph.visibility import DEFAULT_CONFIDENTIAL_TYPES, EVERYTHING, Visibility
from tests.conftest import SMALL_NETWORK, write_dataset

#: The small network, with an ended enterprise, ended ties, a second tie of another type
#: between the same two nodes (F2 lends to and guarantees E3), a nationwide specialist
#: advising a Tokyo firm, and a tie between two nationwide nodes (S2 worked at F2).
NETWORK = {
    **SMALL_NETWORK,
    "enterprises.csv": [
        *SMALL_NETWORK["enterprises.csv"],
        ["E5", "Edo Closed K.K.", "13", "E", "3", "1970", "2020-03-31"],
    ],
    "relations.csv": [
        *SMALL_NETWORK["relations.csv"],
        ["F2", "GUARANTEES", "E3", "0.4", "2010-01-01", "2018-06-30"],
        ["C1", "SUPPORTS", "E5", "0.6", "2012-04-01", "2020-03-31"],
        ["S2", "ADVISES", "E1", "0.45", "2021-07-01"],
        ["S2", "WORKED_AT", "F2", "0.3", "1995-04-01", "2005-03-31"],
    ],
}

#: The contributor of the caller that may see what it asserted.
CONTRIBUTOR = "cx"


@pytest.fixture
def network_store(store, tmp_path: Path):
    """The store loaded with :data:`NETWORK`; ``cx`` asserts F2 INVESTS_IN E2 as well."""
    load_dataset(write_dataset(tmp_path / "network", NETWORK), store)
    invests = next(r for r in store.ties("E2") if r.type.value == "INVESTS_IN")
    with store.transaction(Attribution(CONTRIBUTOR)) as tx:
        tx.upsert_relations([invests])
    return store


# -- what the store holds, and what a file read back holds ---------------------------------


def stored_nodes(store) -> dict[str, tuple]:
    """Every node: id -> (kind, name, prefecture, founded, ended)."""
    return {
        node.id: (
            node.kind.value,
            node.name,
            node.prefecture,
            node.props.get("founded"),
            node.props.get("ended"),
        )
        for kind in NodeKind
        for node in store.iter_nodes(kind)
    }


def stored_edges(relations) -> dict[tuple, tuple]:
    """(source, type, target) -> (strength, since, until)."""
    return {(r.source, r.type.value, r.target): (r.strength, r.since, r.until) for r in relations}


def gexf_back(path) -> tuple[dict[str, tuple], dict[tuple, tuple], int]:
    """A GEXF file read back with nx.read_gexf, in the terms of :func:`stored_nodes` and
    :func:`stored_edges`, and how many edges it has."""
    graph = nx.read_gexf(path)
    nodes = {}
    for node_id, data in graph.nodes(data=True):
        start = data.get("start")
        assert start is None or start.endswith("-01-01")
        founded = int(start[:4]) if start else None
        nodes[node_id] = (
            data["kind"],
            data["name"],
            data.get("prefecture"),
            founded,
            data.get("end"),
        )
        assert data["label"] == " ".join(data["name"].split())
    edges = {
        (u, data["label"], v): (data["weight"], data.get("start"), data.get("end"))
        for u, v, data in graph.edges(data=True)
    }
    return nodes, edges, graph.number_of_edges()


def graphml_back(path) -> tuple[dict[str, tuple], dict[tuple, tuple], int]:
    """A GraphML file read back with nx.read_graphml, as :func:`gexf_back`."""
    graph = nx.read_graphml(path)
    nodes = {
        node_id: (
            data["kind"],
            data["name"],
            data.get("prefecture"),
            data.get("founded"),
            data.get("ended"),
        )
        for node_id, data in graph.nodes(data=True)
    }
    edges = {
        (u, data["type"], v): (data["strength"], data.get("since"), data.get("until"))
        for u, v, data in graph.edges(data=True)
    }
    return nodes, edges, graph.number_of_edges()


READ_BACK = {"gexf": gexf_back, "graphml": graphml_back}


# -- the whole network -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_a_network_file_reads_back_as_the_store_holds_it(network_store, tmp_path, fmt):
    path = tmp_path / network_file_name(fmt)
    counts = write_network(network_store, path, fmt)
    nodes, edges, count = READ_BACK[fmt](path)
    assert nodes == stored_nodes(network_store)
    assert edges == stored_edges(network_store.iter_relations())
    assert counts == {"nodes": len(nodes), "edges": count} and count == len(edges)
    assert count == len(NETWORK["relations.csv"])
    assert ("F2", "LENDS_TO", "E3") in edges and ("F2", "GUARANTEES", "E3") in edges
    assert nodes["E5"][4] == "2020-03-31"  # the ended enterprise is there, with its end
    assert edges["C1", "SUPPORTS", "E5"] == (0.6, "2012-04-01", "2020-03-31")


def test_a_gexf_file_is_dynamic_with_dates_for_the_timeline(network_store, tmp_path):
    path = tmp_path / "network.gexf"
    write_network(network_store, path, "gexf")
    root = ElementTree.parse(path).getroot()
    namespace = root.tag.split("}")[0] + "}"
    graph = root.find(f"{namespace}graph")
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    assert graph.get("defaultedgetype") == "directed"
    edges = graph.findall(f"{namespace}edges/{namespace}edge")
    assert {edge.get("type") for edge in edges} <= {None, "directed"}
    ended = next(
        edge for edge in edges if edge.get("source") == "C1" and edge.get("target") == "E5"
    )
    assert (ended.get("start"), ended.get("end")) == ("2012-04-01", "2020-03-31")
    node = next(n for n in graph.iter(f"{namespace}node") if n.get("id") == "E5")
    assert (node.get("start"), node.get("end")) == ("1970-01-01", "2020-03-31")


def test_graphml_edges_have_distinct_ids(network_store):
    out = io.BytesIO()
    write_network(network_store, out, "graphml")
    root = ElementTree.fromstring(out.getvalue())
    ids = [edge.get("id") for edge in root.iter("{http://graphml.graphdrawing.org/xmlns}edge")]
    assert len(ids) == len(NETWORK["relations.csv"]) and len(set(ids)) == len(ids)


# -- one prefecture -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_a_prefecture_file_holds_its_nodes_and_the_nationwide_nodes_tied_to_them(
    network_store, tmp_path, fmt
):
    every = stored_nodes(network_store)
    relations = list(network_store.iter_relations())
    tokyo = {node_id for node_id, node in every.items() if node[2] == "13"}
    nationwide = {
        end
        for r in relations
        for end, other in ((r.source, r.target), (r.target, r.source))
        if every[end][2] is None and other in tokyo
    }
    kept = [
        r
        for r in relations
        if {r.source, r.target} <= tokyo
        or ({r.source, r.target} <= tokyo | nationwide and {r.source, r.target} & tokyo)
    ]
    path = tmp_path / network_file_name(fmt, "13")
    counts = write_network(network_store, path, fmt, prefecture="13")
    nodes, edges, count = READ_BACK[fmt](path)
    assert nationwide == {"F2", "S2"}  # the public lender and a specialist of no prefecture
    assert nodes == {node_id: every[node_id] for node_id in tokyo | nationwide}
    assert edges == stored_edges(kept)
    assert counts == {"nodes": len(nodes), "edges": count}
    assert ("F2", "INVESTS_IN", "E2") in edges and ("S2", "ADVISES", "E1") in edges
    assert ("S2", "WORKED_AT", "F2") not in edges  # two nationwide nodes
    assert ("F2", "LENDS_TO", "E3") not in edges and "E3" not in nodes  # Ishikawa's


def test_a_prefecture_code_that_names_no_prefecture_is_refused(network_store, tmp_path):
    for code in ("99", "13 ", "tokyo", "1"):
        with pytest.raises(InvalidArgument, match="is not a prefecture code"):
            write_network(network_store, tmp_path / "x.gexf", "gexf", prefecture=code)
    with pytest.raises(InvalidArgument, match="gexf or graphml"):
        write_network(network_store, tmp_path / "x.csv", "csv")  # type: ignore[arg-type]


# -- what a caller may see ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_a_file_holds_only_the_ties_the_caller_may_see(network_store, tmp_path, fmt):
    relations = list(network_store.iter_relations())
    # entitled to E1's confidential ties; F2 INVESTS_IN E2 is its contributor's own
    caller = Visibility(
        types=DEFAULT_CONFIDENTIAL_TYPES, enterprises=frozenset({"E1"}), contributor=CONTRIBUTOR
    )
    analyst = Visibility(types=DEFAULT_CONFIDENTIAL_TYPES)
    admin = Visibility(types=DEFAULT_CONFIDENTIAL_TYPES, everything=True)

    def seen_by(visibility: Visibility) -> dict[tuple, tuple]:
        path = tmp_path / f"seen.{fmt}"
        made = save_network(network_store, path, fmt, visibility=visibility)
        nodes, edges, _ = READ_BACK[fmt](path)
        assert set(nodes) == set(stored_nodes(network_store))  # every node stays
        confidential = {
            end
            for source, kind, target in edges
            if kind in visibility.types
            for end in (source, target)
            if end.startswith("E")
        }
        assert set(made.confidential) == confidential
        return edges

    def confidential_of(edges) -> set[tuple]:
        return {key for key in edges if key[1] in DEFAULT_CONFIDENTIAL_TYPES}

    every = stored_edges(relations)
    hidden = {
        ("F2", "LENDS_TO", "E3"),
        ("F2", "GUARANTEES", "E3"),
    }
    assert seen_by(admin) == every
    assert seen_by(EVERYTHING) == every
    caller_sees = seen_by(caller)
    assert caller_sees == {key: value for key, value in every.items() if key not in hidden}
    assert ("F2", "INVESTS_IN", "E2") in caller_sees and ("S1", "ADVISES", "E1") in caller_sees
    analyst_sees = seen_by(analyst)
    assert confidential_of(analyst_sees) == set()
    assert analyst_sees == {
        key: value for key, value in every.items() if key[1] not in DEFAULT_CONFIDENTIAL_TYPES
    }


def test_a_prefecture_file_hides_too(network_store, tmp_path):
    analyst = Visibility(types=DEFAULT_CONFIDENTIAL_TYPES)
    made = save_network(
        network_store, tmp_path / "a.gexf", "gexf", prefecture="13", visibility=analyst
    )
    _, edges, _ = gexf_back(tmp_path / "a.gexf")
    assert made.confidential == ()
    assert not {key for key in edges if key[1] in DEFAULT_CONFIDENTIAL_TYPES}
    assert ("C1", "SUPPORTS", "E1") in edges
