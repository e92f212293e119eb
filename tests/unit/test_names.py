"""Every kind, type, status and block has a name in both languages."""

from __future__ import annotations

import pytest

from graph import names
from graph.i18n import speaking
from graph.japan import PREFECTURES, REGIONAL_BLOCKS
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

TABLES = [
    (names.KIND_NAMES, NodeKind),
    (names.CENTRE_KIND_NAMES, CentreKind),
    (names.FINANCIER_KIND_NAMES, FinancierKind),
    (names.BACKGROUND_NAMES, SpecialistBackground),
    (names.EXPERTISE_NAMES, Expertise),
    (names.CATEGORY_NAMES, AssetCategory),
    (names.RELATION_VERBS, RelationType),
    (names.RELATION_NAMES, RelationType),
    (names.STATUS_NAMES, ReferralStatus),
]


@pytest.mark.parametrize(("table", "enum"), TABLES)
def test_every_member_has_a_name(table, enum) -> None:
    assert set(table) == set(enum)


def test_every_block_has_a_name() -> None:
    assert set(names.BLOCK_NAMES) == set(REGIONAL_BLOCKS)


@pytest.mark.parametrize(("table", "enum"), TABLES)
def test_japanese_names_are_japanese(table, enum) -> None:
    with speaking("ja"):
        said = {member: names._said(table, member) for member in enum}
    for member, text in said.items():
        assert text != table[member], f"{member} has no Japanese name"
        assert not text.isascii() or text.startswith("IT"), (member, text)


def test_the_names_staff_know() -> None:
    with speaking("ja"):
        assert names.centre_kind_name(CentreKind.CHAMBER_OF_COMMERCE) == "商工会議所"
        assert names.centre_kind_name("commerce_association") == "商工会"
        assert names.centre_kind_name("prefectural_centre") == "都道府県等中小企業支援センター"
        assert names.financier_kind_name("credit_guarantee_corporation") == "信用保証協会"
        assert names.financier_kind_name("regional_bank") == "地方銀行"
        assert names.background_name("tax_accountant") == "税理士"
        assert names.relation_verb("SUPPORTS") == "支援する"
        assert names.relation_verb(RelationType.LENDS_TO) == "融資する"
        assert names.relation_verb(RelationType.GUARANTEES) == "保証する"
        assert names.status_name("in_progress") == "対応中"
        assert names.block_name("Kanto") == "関東"
        assert names.prefecture_label("13") == "東京都"
        assert names.prefecture_label(None) == "全国"
        assert names.industry_name("E") == "製造業"
        assert names.subkind_name(NodeKind.FINANCIER, "shinkin_bank") == "信用金庫"
    assert names.prefecture_label("13") == "Tokyo"
    assert names.industry_name("E") == "Manufacturing"
    assert names.centre_kind_name("not-a-kind") == "not-a-kind"


def test_every_prefecture_is_named_in_both_languages() -> None:
    for prefecture in PREFECTURES:
        assert names.prefecture_label(prefecture.code) == prefecture.name_en
        with speaking("ja"):
            assert names.prefecture_label(prefecture.code) == prefecture.name_ja
