"""`rsn export --format gexf|graphml`: the network as one file, read back with NetworkX."""

from __future__ import annotations

import networkx as nx

from graph.settings import load_settings
from graph.store import open_store
from tests.test_cli import rsn


def _store_contents(data_dir):
    settings = load_settings(RSN_DATA_DIR=str(data_dir), RSN_BACKEND="embedded")
    with open_store(settings) as store:
        from graph.model import NodeKind

        nodes = {n.id: n for kind in NodeKind for n in store.iter_nodes(kind)}
        ties = {(r.source, r.type.value, r.target): r for r in store.iter_relations()}
    return nodes, ties


def test_gexf_into_a_folder_reads_back_to_the_store(tmp_path, small_dataset):
    data_dir = tmp_path / "data"
    assert rsn("load", str(small_dataset), data_dir=data_dir).returncode == 0
    out = tmp_path / "out"
    out.mkdir()
    result = rsn("export", str(out), "--format", "gexf", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    written = out / "network.gexf"
    graph = nx.read_gexf(written)
    nodes, ties = _store_contents(data_dir)
    assert set(graph.nodes) == set(nodes)
    for node_id, node in nodes.items():
        assert graph.nodes[node_id]["kind"] == node.kind.value
        assert graph.nodes[node_id]["name"] == node.name
    edges = {(u, data["label"], v) for u, v, data in graph.edges(data=True)}
    assert edges == set(ties)
    assert f"wrote {written}: {len(nodes)} nodes and {len(ties)} edges" in result.stdout


def test_graphml_of_one_prefecture_to_a_file(tmp_path, small_dataset):
    data_dir = tmp_path / "data"
    assert rsn("load", str(small_dataset), data_dir=data_dir).returncode == 0
    target = tmp_path / "tokyo.graphml"
    result = rsn(
        "export", str(target), "--format", "graphml", "--prefecture", "13", data_dir=data_dir
    )
    assert result.returncode == 0, result.stderr
    graph = nx.read_graphml(target)
    nodes, _ties = _store_contents(data_dir)
    assert graph.number_of_nodes() > 0
    for node_id in graph.nodes:
        assert nodes[node_id].props.get("prefecture") in ("13", None)
    assert any(nodes[n].props.get("prefecture") == "13" for n in graph.nodes)


def test_bad_format_and_prefecture_are_one_line_each(tmp_path, small_dataset):
    data_dir = tmp_path / "data"
    bad = rsn(
        "export", str(tmp_path / "x"), "--format", "gexf", "--prefecture", "99", data_dir=data_dir
    )
    assert bad.returncode == 1
    assert "'99' is not a prefecture code" in bad.stderr
    assert "Traceback" not in bad.stderr
    mixed = rsn("export", str(tmp_path / "y"), "--prefecture", "13", data_dir=data_dir)
    assert mixed.returncode == 1
    assert "--prefecture: only with --format gexf or graphml" in mixed.stderr
    unknown = rsn("export", str(tmp_path / "z"), "--format", "dot", data_dir=data_dir)
    assert "--format 'dot': use dataset, neo4j-admin, gexf or graphml" in unknown.stderr
    japanese = rsn(
        "export", str(tmp_path / "z"), "--format", "dot", data_dir=data_dir, RSN_LANG="ja"
    )
    assert "dataset、neo4j-admin、gexf、graphmlのいずれかを指定してください" in japanese.stderr
