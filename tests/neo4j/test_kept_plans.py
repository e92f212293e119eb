"""The statements that keep their plan once made (``cypher.KEPT_PLAN``) find every node by a
unique id or an index even when planned on an empty database, the plan they would then keep."""

from __future__ import annotations

import time

import pytest
from neo4j import GraphDatabase, NotificationMinimumSeverity

from graph.store import cypher
from graph.store.neo4j import Neo4jStore
from tests.conftest import _wipe_neo4j

#: Operators that read nodes without an index: every node, or every node of a label.
SCANS = ("AllNodesScan", "NodeByLabelScan", "UnionNodeByLabelsScan", "NodeIndexScan")

KEPT = sorted(
    name
    for name in dir(cypher)
    if name.isupper()
    and isinstance(getattr(cypher, name), str)
    and getattr(cypher, name).startswith(cypher.KEPT_PLAN)
    and name != "KEPT_PLAN"
)


def _operators(plan) -> list[str]:
    found = [plan["operatorType"].split("@")[0]]
    for child in plan.get("children", []):
        found += _operators(child)
    return found


@pytest.fixture(scope="module")
def empty_server(neo4j_server):
    _wipe_neo4j(neo4j_server)
    address = (neo4j_server.uri, neo4j_server.user, neo4j_server.password)
    Neo4jStore(*address).close()  # the constraints and indexes, as a store sets them up
    with GraphDatabase.driver(
        neo4j_server.uri,
        auth=(neo4j_server.user, neo4j_server.password),
        notifications_min_severity=NotificationMinimumSeverity.OFF,
    ) as driver:
        yield driver


def test_the_referrals_hot_statements_keep_their_plans():
    assert {"GET_REFERRAL", "CREATE_REFERRAL", "MOVE_REFERRAL", "REFRESH_REFERRAL_TIES"} <= set(
        KEPT
    )


@pytest.mark.parametrize("name", KEPT)
def test_a_kept_plan_made_on_an_empty_database_seeks_its_nodes(empty_server, name):
    # a comment of its own makes the server plan it now, not reuse an earlier plan
    statement = f"EXPLAIN {getattr(cypher, name)} // {name} {time.time_ns()}"
    with empty_server.session() as session:
        plan = session.run(statement).consume().plan
    operators = _operators(plan)
    assert not [op for op in operators if op.startswith(SCANS)], operators
    assert any("Seek" in op or op.startswith("ProcedureCall") for op in operators), operators
