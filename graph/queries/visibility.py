"""What a caller may see of the confidential ties (see :mod:`graph.visibility`), worked out
on a store: :func:`visibility_of` once per question, :func:`visible_ties` to drop from a
list of relations the ties the caller may not see."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from graph.model import Relation, RelationType
from graph.provenance import relation_record
from graph.referral_lifecycle import ReferralStatus
from graph.store.ports import GraphStore, Store
from graph.valid_time import today
from graph.visibility import CONSENT_YES, Viewer, Visibility

__all__ = ["HOLDING_STATUSES", "entitled_enterprises", "visibility_of", "visible_ties"]

#: The statuses in which a receiving centre holds a referral (and, with the enterprise's
#: consent, sees its confidential ties).
HOLDING_STATUSES: frozenset[ReferralStatus] = frozenset(
    {ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS}
)

#: Past this many relations to check, the assertions of a node's every tie are read at once
#: (one statement) rather than record by record.
_READ_WHOLE_NODE = 64


def entitled_enterprises(store: Store, centre: str) -> frozenset[str]:
    """The enterprises whose confidential ties ``centre`` sees as of today: those it
    supports (a ``SUPPORTS`` tie holding today) and those whose accepted or in-progress
    referral it received, when the enterprise's ``consent`` is yes. Raises StoreError if
    the store fails."""
    supported = store.clients(centre, today())
    referred = {
        r.enterprise
        for r in store.list_referrals(centre, "inbox")
        if r.to_centre == centre and r.status in HOLDING_STATUSES
    } - supported
    consenting = {
        node_id
        for node_id, node in store.get_nodes(referred).items()
        if node.props.get("consent") == CONSENT_YES
    }
    return frozenset(supported | consenting)


def visibility_of(store: Store, viewer: Viewer, types: frozenset[RelationType]) -> Visibility:
    """What ``viewer`` may see of the ties of ``types`` (the confidential ones): an admin
    everything; a centre's key the ties of its centre's :func:`entitled_enterprises` and
    those its centre asserted; any other key (an analyst's) none of them. Raises StoreError
    if the store fails."""
    if viewer.admin or not types:
        return Visibility(types=types, everything=True, viewer=viewer)
    if viewer.centre is None:
        return Visibility(types=types, viewer=viewer)
    return Visibility(
        types=types,
        enterprises=entitled_enterprises(store, viewer.centre),
        contributor=viewer.centre,
        viewer=viewer,
    )


def visible_ties(
    store: GraphStore,
    visibility: Visibility,
    relations: Iterable[Relation],
    around: str | None = None,
) -> list[Relation]:
    """Those of ``relations`` the caller of ``visibility`` sees, in their order: the
    assertions of the others are read (all the ties of ``around`` at once, when they are
    its ties and many) to keep those its contributor asserted. Raises StoreError if the
    store fails."""

    def asserted(doubtful: list[Relation]) -> dict[str, Collection[str]]:
        records = [relation_record(*r.key) for r in doubtful]
        if around is not None and len(records) > _READ_WHOLE_NODE:
            provenance = store.ties_with_provenance(around)[1]
        else:
            provenance = store.provenance(records)
        return {
            record: {a.contributor for a in assertions} for record, assertions in provenance.items()
        }

    return visibility.visible(relations, asserted)
