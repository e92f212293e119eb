"""The graph model: node kinds, relation types, allowed endpoints, the records every store
keeps (:class:`Node`, :class:`Relation`) and what a question is about (:class:`Scope`,
:class:`ScoredPath`).

Pure data, no I/O. How a row of a dataset becomes a record is :mod:`graph.rows`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from graph.errors import Conflict
from graph.i18n import N_, _

__all__ = [
    "ACTOR_KINDS",
    "ALLOWED_ENDPOINTS",
    "AssetCategory",
    "CentreKind",
    "DEFAULT_MAX_HOPS",
    "DEFAULT_STRENGTH",
    "DERIVED_TYPES",
    "Expertise",
    "FILE_KIND",
    "COUNTS_AS",
    "FINANCING_TYPES",
    "SUPPORT_TYPES",
    "USE_TYPES",
    "FinancierKind",
    "INTRODUCTION_TIE_TYPES",
    "MAX_HOPS_LIMIT",
    "Node",
    "NodeKind",
    "Relation",
    "RelationType",
    "SYMMETRIC_TYPES",
    "Scope",
    "ScoredPath",
    "SpecialistBackground",
    "check_kind_unchanged",
    "is_valid_id",
    "kind_conflict",
    "kind_word",
    "one_line",
    "strongest",
    "with_article",
]


def with_article(word: str) -> str:
    """``word`` after its indefinite article, for sentences: "an Enterprise", "a Centre",
    "an analyst key"."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def one_line(text: str) -> str:
    """``text`` on one line, as a sentence or a label shows a name (names may hold line
    breaks and runs of spaces): "Sakura\\n  Works" is "Sakura Works"."""
    return " ".join(text.split())


class NodeKind(StrEnum):
    """The five kinds of node. The value is the label used by every store."""

    ENTERPRISE = "Enterprise"
    ASSET = "Asset"
    CENTRE = "Centre"
    FINANCIER = "Financier"
    SPECIALIST = "Specialist"

    @property
    def with_article(self) -> str:
        """The kind after its indefinite article, for sentences: "an Enterprise", "an
        Asset", "a Centre", "a Financier", "a Specialist" (in Japanese, the kind's name:
        企業, 支援機関, ...)."""
        return _(_KIND_WITH_ARTICLE[self])


#: Each kind after its indefinite article, as sentences say it (:attr:`NodeKind.with_article`).
_KIND_WITH_ARTICLE: dict[NodeKind, str] = {
    NodeKind.ENTERPRISE: N_("an Enterprise"),
    NodeKind.ASSET: N_("an Asset"),
    NodeKind.CENTRE: N_("a Centre"),
    NodeKind.FINANCIER: N_("a Financier"),
    NodeKind.SPECIALIST: N_("a Specialist"),
}

#: Each kind as one word of a sentence, in English its value.
_KIND_WORDS: dict[NodeKind, str] = {
    NodeKind.ENTERPRISE: N_("Enterprise"),
    NodeKind.ASSET: N_("Asset"),
    NodeKind.CENTRE: N_("Centre"),
    NodeKind.FINANCIER: N_("Financier"),
    NodeKind.SPECIALIST: N_("Specialist"),
}


def kind_word(kind: NodeKind) -> str:
    """``kind`` as a sentence names it: its value ("Centre") in English, its name (支援機関)
    in Japanese."""
    return _(_KIND_WORDS[kind])


#: Kinds that can introduce and be introduced. Assets are not actors.
ACTOR_KINDS: frozenset[NodeKind] = frozenset(
    {NodeKind.ENTERPRISE, NodeKind.CENTRE, NodeKind.FINANCIER, NodeKind.SPECIALIST}
)

#: The dataset file that holds each kind.
FILE_KIND: dict[str, NodeKind] = {
    "enterprises.csv": NodeKind.ENTERPRISE,
    "assets.csv": NodeKind.ASSET,
    "centres.csv": NodeKind.CENTRE,
    "financiers.csv": NodeKind.FINANCIER,
    "specialists.csv": NodeKind.SPECIALIST,
}


class RelationType(StrEnum):
    """The relation types of the dataset contract."""

    SUPPORTS = "SUPPORTS"
    ADVISES = "ADVISES"
    AFFILIATED_WITH = "AFFILIATED_WITH"
    WORKED_AT = "WORKED_AT"
    LENDS_TO = "LENDS_TO"
    GUARANTEES = "GUARANTEES"
    INVESTS_IN = "INVESTS_IN"
    PARTNERS_WITH = "PARTNERS_WITH"
    COLLABORATES_WITH = "COLLABORATES_WITH"
    TRADES_WITH = "TRADES_WITH"
    UTILIZES = "UTILIZES"


_E, _A, _C, _F, _S = (
    NodeKind.ENTERPRISE,
    NodeKind.ASSET,
    NodeKind.CENTRE,
    NodeKind.FINANCIER,
    NodeKind.SPECIALIST,
)

#: For each relation type, the (source kind, target kind) pairs it may join.
ALLOWED_ENDPOINTS: dict[RelationType, frozenset[tuple[NodeKind, NodeKind]]] = {
    RelationType.SUPPORTS: frozenset({(_C, _E)}),
    RelationType.ADVISES: frozenset({(_S, _E)}),
    RelationType.AFFILIATED_WITH: frozenset({(_S, _C)}),
    RelationType.WORKED_AT: frozenset({(_S, _F), (_S, _E)}),
    RelationType.LENDS_TO: frozenset({(_F, _E)}),
    RelationType.GUARANTEES: frozenset({(_F, _E)}),
    RelationType.INVESTS_IN: frozenset({(_F, _E)}),
    RelationType.PARTNERS_WITH: frozenset({(_C, _F)}),
    RelationType.COLLABORATES_WITH: frozenset({(_C, _C), (_E, _E)}),
    RelationType.TRADES_WITH: frozenset({(_E, _E)}),
    RelationType.UTILIZES: frozenset({(_E, _A)}),
}

#: Relation types whose meaning does not depend on direction.
SYMMETRIC_TYPES: frozenset[RelationType] = frozenset({RelationType.COLLABORATES_WITH})

#: What a relation of each type gives its target, as analytics count it: an enterprise is
#: "financing"-ed or "support"-ed by it, an asset put to "use"; None for a type that counts as
#: none of these. Every type has an entry (tests/unit/test_tables_model.py), so a new type
#: must be placed here.
COUNTS_AS: dict[RelationType, str | None] = {
    RelationType.SUPPORTS: "support",
    RelationType.ADVISES: "support",
    RelationType.AFFILIATED_WITH: None,
    RelationType.WORKED_AT: None,
    RelationType.LENDS_TO: "financing",
    RelationType.GUARANTEES: "financing",
    RelationType.INVESTS_IN: "financing",
    RelationType.PARTNERS_WITH: None,
    RelationType.COLLABORATES_WITH: None,
    RelationType.TRADES_WITH: None,
    RelationType.UTILIZES: "use",
}

#: The relation types by which a financier finances an enterprise.
FINANCING_TYPES: frozenset[RelationType] = frozenset(
    kind for kind, counts in COUNTS_AS.items() if counts == "financing"
)
#: The relation types by which a centre or a specialist supports an enterprise.
SUPPORT_TYPES: frozenset[RelationType] = frozenset(
    kind for kind, counts in COUNTS_AS.items() if counts == "support"
)
#: The relation types by which an enterprise puts an asset to use.
USE_TYPES: frozenset[RelationType] = frozenset(
    kind for kind, counts in COUNTS_AS.items() if counts == "use"
)

DEFAULT_STRENGTH = 0.5


class AssetCategory(StrEnum):
    """The three kinds of regional resource of the 2007 Act."""

    AGRICULTURAL = "agricultural"
    INDUSTRIAL = "industrial"
    TOURISM = "tourism"


class CentreKind(StrEnum):
    CHAMBER_OF_COMMERCE = "chamber_of_commerce"
    COMMERCE_ASSOCIATION = "commerce_association"
    SME_FEDERATION = "sme_federation"
    PREFECTURAL_CENTRE = "prefectural_centre"
    SHINKIN_BANK = "shinkin_bank"
    CREDIT_COOPERATIVE = "credit_cooperative"
    UNIVERSITY = "university"
    AGRICULTURAL_COOPERATIVE = "agricultural_cooperative"
    OTHER = "other"


class FinancierKind(StrEnum):
    CITY_BANK = "city_bank"
    REGIONAL_BANK = "regional_bank"
    SECOND_REGIONAL_BANK = "second_regional_bank"
    SHINKIN_BANK = "shinkin_bank"
    CREDIT_COOPERATIVE = "credit_cooperative"
    CREDIT_GUARANTEE_CORPORATION = "credit_guarantee_corporation"
    GOVERNMENT = "government"
    FUND = "fund"
    OTHER = "other"


class SpecialistBackground(StrEnum):
    BUSINESS = "business"
    CPA = "cpa"
    BANKER = "banker"
    CONSULTANT = "consultant"
    LAWYER = "lawyer"
    TAX_ACCOUNTANT = "tax_accountant"
    PATENT_ATTORNEY = "patent_attorney"
    OTHER = "other"


class Expertise(StrEnum):
    FINANCE = "finance"
    ACCOUNTING = "accounting"
    TAX = "tax"
    LEGAL = "legal"
    INTELLECTUAL_PROPERTY = "intellectual_property"
    EXPORT = "export"
    MARKETING = "marketing"
    PRODUCT_DEVELOPMENT = "product_development"
    MANUFACTURING = "manufacturing"
    FOOD_PROCESSING = "food_processing"
    AGRICULTURE = "agriculture"
    TOURISM = "tourism"
    IT = "it"
    DESIGN = "design"
    SUCCESSION = "succession"
    HR = "hr"


_ID_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-")


def is_valid_id(value: str) -> bool:
    """Whether ``value`` is a well-formed node id (1-64 of ``A-Z a-z 0-9 _ . : -``)."""
    return isinstance(value, str) and 0 < len(value) <= 64 and _ID_CHARACTERS.issuperset(value)


# ---------------------------------------------------------------------------
# Records the stores keep.
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Node:
    """A node as every store keeps it: id, kind, name and the kind's other properties.

    ``props`` holds only the properties that have a value (blank optional columns are absent).
    A node that has ended holds the day in ``props["ended"]`` (see :mod:`graph.valid_time`).
    """

    id: str
    kind: NodeKind
    name: str
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def prefecture(self) -> str | None:
        return self.props.get("prefecture")


class Relation(NamedTuple):
    """One tie, identified by (source, type, target). A named tuple: a national load holds
    millions of them, and a tuple is made several times faster than a frozen dataclass.

    It holds from ``since`` (or always) until the day before ``until`` (or for ever); see
    :mod:`graph.valid_time`."""

    source: str
    type: RelationType
    target: str
    strength: float = DEFAULT_STRENGTH
    since: str | None = None
    until: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """(source, type, target); the type is a StrEnum, equal to its text."""
        return (self.source, self.type, self.target)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "type": self.type.value,
            "target": self.target,
            "strength": self.strength,
            "since": self.since,
            "until": self.until,
        }


# ---------------------------------------------------------------------------
# What questions are about.
# ---------------------------------------------------------------------------

#: The relation types that count as ties when looking for introductions: those that join two
#: actors (every type but UTILIZES, which joins an enterprise to an asset). Both stores walk
#: exactly these, so a path never crosses an asset. Completed referrals between two centres
#: count as ties too (DERIVED_TYPES; see GraphStore.derived_ties).
INTRODUCTION_TIE_TYPES: tuple[RelationType, ...] = tuple(
    kind
    for kind in RelationType
    if all(
        source in ACTOR_KINDS and target in ACTOR_KINDS
        for source, target in ALLOWED_ENDPOINTS[kind]
    )
)


#: The most ties an introduction path may have, on every store, and how many a question
#: allows when it does not say.
MAX_HOPS_LIMIT = 6
DEFAULT_MAX_HOPS = 4


#: The relation types a derived tie can have: completed referrals between two centres make a
#: collaboration.
DERIVED_TYPES: tuple[RelationType, ...] = (RelationType.COLLABORATES_WITH,)


@dataclass(frozen=True)
class Scope:
    """What part of the network a projection covers: one prefecture, or all of it (None)."""

    prefecture: str | None = None

    def holds(self, prefecture: str | None) -> bool:
        return self.prefecture is None or prefecture == self.prefecture


def check_kind_unchanged(node: Node, existing: NodeKind | None) -> None:
    """Raise Conflict if ``node``'s id already names a node of another kind."""
    if existing is not None and existing != node.kind:
        raise Conflict(kind_conflict(node.id, existing, node.kind))


def kind_conflict(node_id: str, existing: NodeKind, wanted: NodeKind) -> str:
    """The sentence of a write that would change the kind of node ``node_id``."""
    return _(
        "id {id!r} is already {existing}; it cannot also be {wanted}",
        id=node_id,
        existing=existing.with_article,
        wanted=wanted.with_article,
    )


def strongest(relations: Iterable[Relation]) -> Relation:
    """The strongest of several relations between the same two nodes.

    Ties in strength are broken by the relation key, so every store picks the same one.
    """
    return min(relations, key=lambda r: (-r.strength, r.type.value, r.source, r.target))


@dataclass(frozen=True)
class ScoredPath:
    """An introduction path: its nodes from source to target, its score (the product of its
    ties' strengths, multiplied in path order from the source) and, for each step, the
    strongest relation between the two nodes (chosen by :func:`strongest`)."""

    nodes: tuple[str, ...]
    score: float
    relations: tuple[Relation, ...]

    @property
    def hops(self) -> int:
        return len(self.nodes) - 1

    def rank(self) -> tuple[float, int, tuple[str, ...]]:
        """The contract's order: higher score first, then fewer hops, then the node ids."""
        return (-self.score, self.hops, self.nodes)

    @classmethod
    def of(cls, nodes: Sequence[str], relations: Sequence[Relation]) -> ScoredPath:
        """The path through ``nodes`` over ``relations`` (one per step, in path order), scored
        in path order."""
        score = 1.0
        for relation in relations:
            score *= relation.strength
        return cls(tuple(nodes), score, tuple(relations))
