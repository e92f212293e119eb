"""Confidential ties, and who may see them.

Which bank lends to a firm, which guarantee corporation stands behind it, who invests in it
and which specialist advises it are confidential: the ties of the **confidential types**
(:data:`DEFAULT_CONFIDENTIAL_TYPES`, or ``RSN_CONFIDENTIAL_TYPES``). A confidential tie of
enterprise E is seen by

- an admin;
- the contributor(s) that asserted it (a centre's key sees what its centre contributed);
- the centres that support E now (a ``SUPPORTS`` tie from the centre to E holding today);
- a centre that holds an ``accepted`` or ``in_progress`` referral of E (it is the receiving
  centre), when E's ``consent`` is ``yes``;

and by nobody else. For everyone else the tie does not exist: every answer is computed on
the graph the caller may see. A :class:`Visibility` is what one caller may see, worked out
once per question (:func:`graph.queries.visibility.visibility_of`); this module is pure
data, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field

from graph.i18n import _
from graph.model import NodeKind, Relation, RelationType
from graph.provenance import relation_record

__all__ = [
    "CONSENT_NO",
    "CONSENT_YES",
    "DEFAULT_CONFIDENTIAL_TYPES",
    "EVERYTHING",
    "Viewer",
    "Visibility",
    "confidential_types_from",
    "shown_enterprises",
]

#: The relation types whose ties are confidential unless ``RSN_CONFIDENTIAL_TYPES`` says
#: otherwise.
DEFAULT_CONFIDENTIAL_TYPES: frozenset[RelationType] = frozenset(
    {
        RelationType.LENDS_TO,
        RelationType.GUARANTEES,
        RelationType.INVESTS_IN,
        RelationType.ADVISES,
    }
)

#: An enterprise's ``consent`` that lets a centre holding its referral see its confidential
#: ties; anything else (and no ``consent``) is no.
CONSENT_YES = "yes"
CONSENT_NO = "no"


def confidential_types_from(text: str | None) -> frozenset[RelationType]:
    """The confidential types named by ``text``, a comma-separated list of relation types
    (``RSN_CONFIDENTIAL_TYPES``): None gives the default set, a blank text none at all.
    Raises ValueError naming a type that is not a relation type."""
    if text is None:
        return DEFAULT_CONFIDENTIAL_TYPES
    found: set[RelationType] = set()
    for part in text.split(","):
        name = part.strip().upper()
        if not name:
            continue
        try:
            found.add(RelationType(name))
        except ValueError:
            known = ", ".join(sorted(t.value for t in RelationType))
            raise ValueError(
                _(
                    "RSN_CONFIDENTIAL_TYPES: {value!r} is not a relation type ({known})",
                    value=part.strip(),
                    known=known,
                )
            ) from None
    return frozenset(found)


@dataclass(frozen=True)
class Viewer:
    """Who asks: ``name`` (the API key's name, as the audit log shows it), whether it is an
    ``admin``, and for a centre's key its ``centre`` (also the contributor its writes are
    attributed to)."""

    name: str
    admin: bool = False
    centre: str | None = None


@dataclass(frozen=True)
class Visibility:
    """What one caller may see of the confidential ties (of ``types``): every one
    (``everything``); else those of the ``enterprises`` it is entitled to (their centres, a
    referred centre with consent), and those asserted by ``contributor``. Ties of other types
    are seen by everyone."""

    types: frozenset[RelationType]
    everything: bool = False
    enterprises: frozenset[str] = frozenset()
    contributor: str | None = None
    viewer: Viewer | None = field(default=None, compare=False)

    @property
    def restricted(self) -> bool:
        """Whether some tie may be hidden from this caller."""
        return not self.everything and bool(self.types)

    def confidential(self, relation: Relation) -> bool:
        """Whether ``relation`` is of a confidential type."""
        return relation.type in self.types

    def entitled(self, relation: Relation) -> bool:
        """Whether the caller sees ``relation`` without looking at who asserted it: it is not
        confidential, the caller sees everything, or an end is an enterprise the caller is
        entitled to."""
        if self.everything or relation.type not in self.types:
            return True
        return relation.source in self.enterprises or relation.target in self.enterprises

    def sees(self, relation: Relation, asserted_by: Collection[str] = ()) -> bool:
        """Whether the caller sees ``relation``, given the contributors that asserted it."""
        return self.entitled(relation) or (
            self.contributor is not None and self.contributor in asserted_by
        )

    def sees_ties_of(self, enterprise: str) -> bool:
        """Whether the caller sees every confidential tie of ``enterprise`` (so also their
        absence): an admin, one of its centres, a referred centre with consent."""
        return self.everything or not self.types or enterprise in self.enterprises

    def visible(
        self,
        relations: Iterable[Relation],
        asserted: Callable[[list[Relation]], dict[str, Collection[str]]] | None = None,
    ) -> list[Relation]:
        """Those of ``relations`` the caller sees, in their order. ``asserted`` gives, for the
        relations not seen by entitlement, the contributors that asserted each (by record);
        without it they are hidden."""
        every = list(relations)
        if not self.restricted:
            return every
        doubtful = [r for r in every if not self.entitled(r)]
        if not doubtful:
            return every
        by = asserted(doubtful) if asserted is not None and self.contributor else {}
        hidden = {
            r.key for r in doubtful if self.contributor not in by.get(relation_record(*r.key), ())
        }
        return [r for r in every if r.key not in hidden]


def shown_enterprises(
    visibility: Visibility, relations: Iterable[Relation], kinds: Mapping[str, NodeKind]
) -> set[str]:
    """The enterprises (by ``kinds``, the kind of each end) at an end of a confidential tie
    among ``relations``: whom an answer that shows them concerns."""
    return {
        end
        for relation in relations
        if relation.type in visibility.types
        for end in (relation.source, relation.target)
        if kinds.get(end) is NodeKind.ENTERPRISE
    }


#: What an admin (and a local user at the command line) sees: everything.
EVERYTHING = Visibility(types=frozenset(), everything=True)
