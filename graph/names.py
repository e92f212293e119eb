"""What people call the things of the model, in the current language (:mod:`graph.i18n`).

Japanese staff know these things by Japanese names: 商工会議所, 地方銀行, 信用保証協会,
税理士, 関東; relation types are said as verbs (支援する, 融資する). The English and the
Japanese are in the catalogues (``graph/locale/ja/LC_MESSAGES/names.po``); the official names
of prefectures and JSIC divisions are reference facts of :mod:`graph.japan`, said in the
language asked for.

Every table here has an entry for each member of its enum (tests/unit/test_names.py), so a
new member cannot go unnamed. Values the model does not know are returned as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.i18n import N_, _, language
from graph.japan import JSIC_DIVISIONS, JSIC_DIVISIONS_JA, PREFECTURE_BY_CODE
from graph.model import (
    AssetCategory,
    CentreKind,
    Expertise,
    FinancierKind,
    NodeKind,
    RelationType,
    SpecialistBackground,
)
from graph.referral_lifecycle import ReferralStatus

__all__ = [
    "BLOCK_NAMES",
    "KIND_NAMES",
    "RELATION_NAMES",
    "RELATION_VERBS",
    "category_name",
    "block_name",
    "centre_kind_name",
    "expertise_name",
    "financier_kind_name",
    "background_name",
    "industry_name",
    "kind_name",
    "prefecture_label",
    "relation_name",
    "relation_verb",
    "status_name",
    "subkind_name",
]

KIND_NAMES: dict[NodeKind, str] = {
    NodeKind.ENTERPRISE: N_("Enterprise"),
    NodeKind.ASSET: N_("Regional asset"),
    NodeKind.CENTRE: N_("Support centre"),
    NodeKind.FINANCIER: N_("Financier"),
    NodeKind.SPECIALIST: N_("Specialist"),
}

CENTRE_KIND_NAMES: dict[CentreKind, str] = {
    CentreKind.CHAMBER_OF_COMMERCE: N_("Chamber of Commerce and Industry"),
    CentreKind.COMMERCE_ASSOCIATION: N_("Society of Commerce and Industry"),
    CentreKind.SME_FEDERATION: N_("Federation of Small Business Associations"),
    CentreKind.PREFECTURAL_CENTRE: N_("Prefectural SME Support Center"),
    CentreKind.SHINKIN_BANK: N_("Shinkin bank"),
    CentreKind.CREDIT_COOPERATIVE: N_("Credit cooperative"),
    CentreKind.UNIVERSITY: N_("University"),
    CentreKind.AGRICULTURAL_COOPERATIVE: N_("Agricultural cooperative (JA)"),
    CentreKind.OTHER: N_("Other"),
}

FINANCIER_KIND_NAMES: dict[FinancierKind, str] = {
    FinancierKind.CITY_BANK: N_("City bank"),
    FinancierKind.REGIONAL_BANK: N_("Regional bank"),
    FinancierKind.SECOND_REGIONAL_BANK: N_("Second regional bank"),
    FinancierKind.SHINKIN_BANK: N_("Shinkin bank"),
    FinancierKind.CREDIT_COOPERATIVE: N_("Credit cooperative"),
    FinancierKind.CREDIT_GUARANTEE_CORPORATION: N_("Credit Guarantee Corporation"),
    FinancierKind.GOVERNMENT: N_("Government-affiliated financial institution"),
    FinancierKind.FUND: N_("Investment fund"),
    FinancierKind.OTHER: N_("Other"),
}

BACKGROUND_NAMES: dict[SpecialistBackground, str] = {
    SpecialistBackground.BUSINESS: N_("Retired business person"),
    SpecialistBackground.CPA: N_("Certified public accountant"),
    SpecialistBackground.BANKER: N_("Former banker"),
    SpecialistBackground.CONSULTANT: N_("Management consultant"),
    SpecialistBackground.LAWYER: N_("Attorney"),
    SpecialistBackground.TAX_ACCOUNTANT: N_("Certified tax accountant"),
    SpecialistBackground.PATENT_ATTORNEY: N_("Patent attorney"),
    SpecialistBackground.OTHER: N_("Other"),
}

EXPERTISE_NAMES: dict[Expertise, str] = {
    Expertise.FINANCE: N_("Finance and fundraising"),
    Expertise.ACCOUNTING: N_("Accounting"),
    Expertise.TAX: N_("Tax"),
    Expertise.LEGAL: N_("Legal affairs"),
    Expertise.INTELLECTUAL_PROPERTY: N_("Intellectual property"),
    Expertise.EXPORT: N_("Exports and overseas expansion"),
    Expertise.MARKETING: N_("Sales channels and marketing"),
    Expertise.PRODUCT_DEVELOPMENT: N_("Product development"),
    Expertise.MANUFACTURING: N_("Manufacturing and production management"),
    Expertise.FOOD_PROCESSING: N_("Food processing"),
    Expertise.AGRICULTURE: N_("Agriculture"),
    Expertise.TOURISM: N_("Tourism"),
    Expertise.IT: N_("IT and digitalisation"),
    Expertise.DESIGN: N_("Design"),
    Expertise.SUCCESSION: N_("Business succession"),
    Expertise.HR: N_("Human resources and labour"),
}

CATEGORY_NAMES: dict[AssetCategory, str] = {
    AssetCategory.AGRICULTURAL: N_("Agricultural, forestry and fishery products"),
    AssetCategory.INDUSTRIAL: N_("Manufactured products and production techniques"),
    AssetCategory.TOURISM: N_("Tourism resources"),
}

#: A relation type as a verb, of its source: "supports" (支援する).
RELATION_VERBS: dict[RelationType, str] = {
    RelationType.SUPPORTS: N_("supports"),
    RelationType.ADVISES: N_("advises"),
    RelationType.AFFILIATED_WITH: N_("is affiliated with"),
    RelationType.WORKED_AT: N_("worked at"),
    RelationType.LENDS_TO: N_("lends to"),
    RelationType.GUARANTEES: N_("guarantees"),
    RelationType.INVESTS_IN: N_("invests in"),
    RelationType.PARTNERS_WITH: N_("partners with"),
    RelationType.COLLABORATES_WITH: N_("collaborates with"),
    RelationType.TRADES_WITH: N_("trades with"),
    RelationType.UTILIZES: N_("utilizes"),
}

#: A relation type as a noun, for headings and legends: "Support" (支援).
RELATION_NAMES: dict[RelationType, str] = {
    RelationType.SUPPORTS: N_("Support"),
    RelationType.ADVISES: N_("Advice"),
    RelationType.AFFILIATED_WITH: N_("Affiliation"),
    RelationType.WORKED_AT: N_("Former employment"),
    RelationType.LENDS_TO: N_("Loan"),
    RelationType.GUARANTEES: N_("Credit guarantee"),
    RelationType.INVESTS_IN: N_("Investment"),
    RelationType.PARTNERS_WITH: N_("Partnership"),
    RelationType.COLLABORATES_WITH: N_("Collaboration"),
    RelationType.TRADES_WITH: N_("Trade"),
    RelationType.UTILIZES: N_("Use of a regional asset"),
}

STATUS_NAMES: dict[ReferralStatus, str] = {
    ReferralStatus.REQUESTED: N_("Requested"),
    ReferralStatus.ACCEPTED: N_("Accepted"),
    ReferralStatus.REJECTED: N_("Declined"),
    ReferralStatus.IN_PROGRESS: N_("In progress"),
    ReferralStatus.COMPLETED: N_("Completed"),
    ReferralStatus.FAILED: N_("Not concluded"),
    ReferralStatus.CANCELLED: N_("Cancelled"),
}

#: The regional blocks of :data:`graph.japan.REGIONAL_BLOCKS`, by their English name.
BLOCK_NAMES: dict[str, str] = {
    "Hokkaido": N_("Hokkaido"),
    "Tohoku": N_("Tohoku"),
    "Kanto": N_("Kanto"),
    "Chubu": N_("Chubu"),
    "Kinki": N_("Kinki"),
    "Chugoku": N_("Chugoku"),
    "Shikoku": N_("Shikoku"),
    "Kyushu": N_("Kyushu"),
    "Okinawa": N_("Okinawa"),
}


def _said(table: Mapping[Any, str], key: object) -> str:
    """The entry of ``key`` in ``table``, translated; ``key`` as text when it has none."""
    entry = table.get(key)
    return _(entry) if entry is not None else str(key)


def kind_name(kind: NodeKind | str) -> str:
    """A node kind's name: "Support centre" (支援機関)."""
    return _said(KIND_NAMES, kind)


def centre_kind_name(kind: CentreKind | str) -> str:
    """A centre kind's name: "Chamber of Commerce and Industry" (商工会議所)."""
    return _said(CENTRE_KIND_NAMES, kind)


def financier_kind_name(kind: FinancierKind | str) -> str:
    """A financier kind's name: "Regional bank" (地方銀行)."""
    return _said(FINANCIER_KIND_NAMES, kind)


def background_name(background: SpecialistBackground | str) -> str:
    """A specialist background's name: "Certified tax accountant" (税理士)."""
    return _said(BACKGROUND_NAMES, background)


def expertise_name(expertise: Expertise | str) -> str:
    """A field of expertise: "Business succession" (事業承継)."""
    return _said(EXPERTISE_NAMES, expertise)


def category_name(category: AssetCategory | str) -> str:
    """A regional asset category: "Tourism resources"."""
    return _said(CATEGORY_NAMES, category)


def subkind_name(kind: NodeKind | str, subkind: str | None) -> str | None:
    """The name of a centre's or financier's ``kind`` property, or a specialist's
    background (None when blank)."""
    if not subkind:
        return None
    if kind == NodeKind.CENTRE:
        return centre_kind_name(subkind)
    if kind == NodeKind.FINANCIER:
        return financier_kind_name(subkind)
    if kind == NodeKind.SPECIALIST:
        return background_name(subkind)
    if kind == NodeKind.ASSET:
        return category_name(subkind)
    return subkind


def relation_verb(kind: RelationType | str) -> str:
    """A relation type as its source's verb: "lends to" (融資する)."""
    return _said(RELATION_VERBS, kind)


def relation_name(kind: RelationType | str) -> str:
    """A relation type as a noun: "Loan" (融資)."""
    return _said(RELATION_NAMES, kind)


def status_name(status: ReferralStatus | str) -> str:
    """A referral status: "In progress" (対応中)."""
    return _said(STATUS_NAMES, status)


def block_name(block: str | None) -> str:
    """A regional block by its English name: "Kanto" (関東); "" for None."""
    if not block:
        return ""
    return _said(BLOCK_NAMES, block)


def prefecture_label(code: str | None) -> str:
    """A prefecture by its code, as people name it: "Tokyo" / 東京都; "Nationwide" / 全国
    for a blank code; an unknown code as it is."""
    prefecture = PREFECTURE_BY_CODE.get(code or "")
    if prefecture is None:
        return code if code else _("Nationwide")
    return prefecture.name_ja if language() == "ja" else prefecture.name_en


def industry_name(letter: str | None) -> str:
    """A JSIC division by its letter: "Manufacturing" / 製造業; "" for None; an unknown
    letter as it is."""
    if not letter:
        return ""
    table = JSIC_DIVISIONS_JA if language() == "ja" else JSIC_DIVISIONS
    return table.get(letter, letter)
