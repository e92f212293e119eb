"""The embedded store works out, when a server starts, the answers it keeps that a light
question would otherwise wait for while it scans the whole graph: today's counts and the
centres of each expertise. They are the answers a fresh store gives, and a referral (the
frequent write) does not throw the counts away."""

from __future__ import annotations

from graph.model import Expertise
from graph.store.embedded import EmbeddedStore
from graph.valid_time import today


def test_warming_up_keeps_todays_answers_and_they_are_right(small_store_dir):
    with EmbeddedStore(small_store_dir, watch_seconds=None) as store:
        assert store._stats_by_day == {}
        read = store.warm_up()
        assert read == {"days of counts": 1, "lists of centres by expertise": len(Expertise)}
        assert today() in store._stats_by_day
        kept_stats = store.stats(today())
        kept_centres = {
            need: store.centres_with_expertise(need.value, today()) for need in Expertise
        }
    with EmbeddedStore(small_store_dir, watch_seconds=None) as fresh:
        assert fresh.stats(today()) == kept_stats
        assert kept_stats.nodes and kept_stats.relations
        for need in Expertise:
            assert fresh.centres_with_expertise(need.value, today()) == kept_centres[need]
        assert any(kept_centres.values())


def test_a_referral_keeps_the_counts_and_a_node_write_drops_them(small_store_dir):
    from graph.model import Node, NodeKind
    from graph.queries.referrals import Caller, create_referral

    with EmbeddedStore(small_store_dir, watch_seconds=None) as store:
        store.warm_up()
        centres = sorted(node.id for node in store.iter_nodes(NodeKind.CENTRE))
        enterprise = next(iter(store.iter_nodes(NodeKind.ENTERPRISE))).id
        sender = Caller("sender-key", centre=centres[0])
        create_referral(store, sender, enterprise, centres[1], "export")
        assert today() in store._stats_by_day  # a referral leaves the counts kept
        with store.transaction() as writer:
            writer.upsert_nodes(
                [
                    Node(
                        "E-NEW",
                        NodeKind.ENTERPRISE,
                        "New Works",
                        {"prefecture": "13", "industry": "E"},
                    )
                ]
            )
        assert store._stats_by_day == {}
        assert store.stats(today()).nodes["Enterprise"] == sum(
            1 for _ in store.iter_nodes(NodeKind.ENTERPRISE, today())
        )
