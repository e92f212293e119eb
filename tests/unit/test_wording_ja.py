"""The answers' sentences in Japanese, word for word: weakness suggestions, introduction
paths' explanations, matching and referral reasons, nearness words and the queries' errors;
and the same facts still said in English as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import InvalidArgument
from graph.i18n import speaking
from graph.japan import nearness_words, prefecture_name
from graph.matching import MatchRecord, find_candidates
from graph.model import Node, NodeKind, Relation, RelationType
from graph.provenance import Attribution
from graph.queries import referrals, wording
from graph.queries.introductions import MAX_K, Step, introduction_paths
from graph.queries.presence import missing
from graph.queries.scope import scope_of
from graph.queries.weaknesses import weakness_report
from graph.referral_lifecycle import ReceivedRecord, ReferralStatus
from graph.store.embedded import EmbeddedStore

FIRM = Node("E1", NodeKind.ENTERPRISE, "山田製作所", {"prefecture": "14", "industry": "E"})
PARTNER = Node("E2", NodeKind.ENTERPRISE, "加賀漆器", {"prefecture": "14", "industry": "M"})
BANK = Node("F2", NodeKind.FINANCIER, "北陸銀行", {"kind": "regional_bank", "prefecture": "17"})
GUARANTOR = Node(
    "F1",
    NodeKind.FINANCIER,
    "神奈川県信用保証協会",
    {"kind": "credit_guarantee_corporation", "prefecture": "14"},
)
SATO = Node("S1", NodeKind.SPECIALIST, "佐藤花子", {})
CHAMBER = Node(
    "C1",
    NodeKind.CENTRE,
    "横浜商工会議所",
    {"kind": "chamber_of_commerce", "prefecture": "14", "capacity": 5},
)
FAR_CENTRE = Node("C2", NodeKind.CENTRE, "埼玉県産業振興公社", {"prefecture": "11"})
ASSET = Node("A1", NodeKind.ASSET, "箱根温泉", {"prefecture": "14", "category": "tourism"})


def rel(source: Node, kind: RelationType, target: Node) -> Relation:
    return Relation(source.id, kind, target.id, 0.5)


# -- a weakness finding's next step, from a small graph ------------------------------------


@pytest.fixture
def small_store(tmp_path: Path):
    """An enterprise supported by a chamber that partners with a shinkin bank: unfinanced,
    one introduction away from the bank."""
    nodes = [
        Node("E1", NodeKind.ENTERPRISE, "山田製作所", {"prefecture": "13", "industry": "E"}),
        Node(
            "C1",
            NodeKind.CENTRE,
            "東京商工会議所",
            {"prefecture": "13", "kind": "chamber_of_commerce", "capacity": 5},
        ),
        Node(
            "F1", NodeKind.FINANCIER, "さくら信用金庫", {"prefecture": "13", "kind": "shinkin_bank"}
        ),
    ]
    relations = [
        Relation("C1", RelationType.SUPPORTS, "E1", 0.8),
        Relation("F1", RelationType.PARTNERS_WITH, "C1", 0.6),
    ]
    with EmbeddedStore(tmp_path / "data", watch_seconds=None) as store:
        store.upsert_nodes(nodes, Attribution("test"))
        store.upsert_relations(relations, Attribution("test"))
        yield store


def test_an_unfinanced_enterprise_s_next_step_in_japanese(small_store):
    with speaking("ja"):
        report = weakness_report(small_store, "13")
    assert [f.suggestion for f in report.unfinanced_enterprises] == [
        "東京商工会議所（山田製作所を支援している商工会議所）に、山田製作所をさくら信用金庫に"
        "紹介してもらうよう依頼してください。東京商工会議所は同社を支援しています。また、同行と"
        "提携しています。さくら信用金庫は同じ都道府県内（東京都）にあります。"
    ]


def test_the_same_next_step_is_still_said_in_english(small_store):
    report = weakness_report(small_store, "13")
    assert [f.suggestion for f in report.unfinanced_enterprises] == [
        "Ask 東京商工会議所 (a chamber of commerce that supports 山田製作所) to introduce "
        "山田製作所 to さくら信用金庫: they support the firm and partner with the bank. "
        "さくら信用金庫 is in the same prefecture (Tokyo)."
    ]


def test_an_introduction_path_from_the_store_is_explained_in_the_language_asked(small_store):
    with speaking("ja"):
        (path,) = introduction_paths(small_store, "E1", "F1")
    assert path.explanation.startswith("東京商工会議所（山田製作所を支援している商工会議所）に、")
    (path,) = introduction_paths(small_store, "E1", "F1")
    assert path.explanation.startswith("Ask 東京商工会議所 (a chamber of commerce that supports")


# -- introduction paths' explanations ----------------------------------------------------


def test_a_path_of_three_ties_in_japanese():
    steps = [
        Step(FIRM, PARTNER, rel(FIRM, RelationType.TRADES_WITH, PARTNER)),
        Step(PARTNER, BANK, rel(BANK, RelationType.LENDS_TO, PARTNER)),
        Step(BANK, GUARANTOR, rel(GUARANTOR, RelationType.GUARANTEES, BANK)),
    ]
    with speaking("ja"):
        said = wording.explain(steps)
    assert said == (
        "加賀漆器（山田製作所の取引先）に、山田製作所を北陸銀行に紹介してもらうよう依頼して"
        "ください。その先は北陸銀行→神奈川県信用保証協会の順に紹介をつないでもらえます。"
        "加賀漆器は山田製作所と取引しています。また、北陸銀行から融資を受けています。"
        "北陸銀行は神奈川県信用保証協会の信用保証を受けています。"
    )
    assert wording.explain(steps) == (
        "Ask 加賀漆器 (a trade partner of 山田製作所) to introduce 山田製作所 to 北陸銀行, who "
        "can introduce them to 神奈川県信用保証協会: 加賀漆器 trades with 山田製作所 and "
        "borrows from 北陸銀行; 北陸銀行 has loans guaranteed by 神奈川県信用保証協会."
    )


def test_a_specialist_is_introduced_by_affiliation_and_former_employer_in_japanese():
    steps = [
        Step(FIRM, SATO, rel(SATO, RelationType.ADVISES, FIRM)),
        Step(SATO, GUARANTOR, rel(SATO, RelationType.WORKED_AT, GUARANTOR)),
    ]
    background = [
        (rel(SATO, RelationType.AFFILIATED_WITH, CHAMBER), CHAMBER),
        (rel(SATO, RelationType.WORKED_AT, GUARANTOR), GUARANTOR),
    ]
    with speaking("ja"):
        said = wording.explain(steps, background)
    assert said == (
        "佐藤花子（横浜商工会議所所属で、以前は神奈川県信用保証協会に勤務していた専門家）に、"
        "山田製作所を神奈川県信用保証協会に紹介してもらうよう依頼してください。佐藤花子は"
        "同社に助言しています。また、同協会に勤務していました。"
    )


def test_one_tie_says_they_already_work_together_in_japanese():
    step = Step(FIRM, PARTNER, rel(FIRM, RelationType.TRADES_WITH, PARTNER))
    with speaking("ja"):
        said = wording.explain([step])
    assert (
        said
        == "山田製作所と加賀漆器はすでに直接つながっています（取引）。直接連絡を取ってください。"
    )
    assert wording.explain([step]) == (
        "山田製作所 and 加賀漆器 already work together (TRADES_WITH): contact them directly."
    )


# -- other suggestions ---------------------------------------------------------------------


def test_a_referral_suggestion_in_japanese():
    centre = wording.WithRoom(FAR_CENTRE, 1, None)
    with speaking("ja"):
        said = wording.unsupported_refer(FIRM, centre, 2, [PARTNER, SATO])
    assert said == (
        "埼玉県産業振興公社（C2、関東ブロック内の別の都道府県（埼玉県））に、山田製作所の支援を"
        "引き受けるよう依頼してください。つながり2本の距離にあります（加賀漆器、佐藤花子を経由）。"
        "同機関は現在1社を支援しており、受入上限は登録されていません。"
    )


def test_a_cut_vertex_suggestion_in_japanese_names_three_ties_and_counts_the_rest():
    ties = [(RelationType.SUPPORTS, PARTNER), (RelationType.COLLABORATES_WITH, FAR_CENTRE)] * 2
    with speaking("ja"):
        said = wording.cut_vertex_partner(CHAMBER, 4, PARTNER, FAR_CENTRE, ties)
    assert said == (
        "横浜商工会議所だけが4件の主体（例：加賀漆器）をネットワークの残りの部分とつないで"
        "います。連携先の支援機関埼玉県産業振興公社（C2、関東ブロック内の別の都道府県（埼玉県））"
        "に、直接つながりを作るよう依頼してください（支援：加賀漆器（E2）、連携：埼玉県産業振興"
        "公社（C2）、支援：加賀漆器（E2）、ほか1件）。そうすれば、どの部分も横浜商工会議所だけに"
        "頼らずに済みます。"
    )


def test_an_unused_asset_suggestion_in_japanese():
    with speaking("ja"):
        match = wording.unused_match(ASSET, "tourism", [FIRM, PARTNER])
        none = wording.unused_without_industry(ASSET, "tourism", ("M", "N"))
    assert match == (
        "箱根温泉を活用している企業がありません。神奈川県の企業で、観光資源に合う業種の"
        "山田製作所（E1、製造業）、加賀漆器（E2、宿泊業、飲食サービス業）に紹介してください。"
    )
    assert none == "神奈川県には、観光資源に合う業種（M、N）の企業がありません。"


def test_isolated_and_overloaded_suggestions_in_japanese():
    with speaking("ja"):
        isolated = wording.isolated_contact(
            SATO, wording.WithRoom(CHAMBER, 3, 2), RelationType.AFFILIATED_WITH
        )
        overloaded = wording.overloaded_share(CHAMBER, 1234, wording.WithRoom(FAR_CENTRE, 1, None))
    assert isolated == (
        "佐藤花子にはつながりが一つもありません。横浜商工会議所（C1、神奈川県）に働きかけ（所属）"
        "を依頼してください。同機関は受入上限5社のうち3社を支援しています。"
    )
    assert overloaded == (
        "横浜商工会議所は受入上限を1,234社超えて支援しています。一部を埼玉県産業振興公社（C2、"
        "関東ブロック内の別の都道府県（埼玉県））に紹介してください。同機関は現在1社を支援して"
        "おり、受入上限は登録されていません。"
    )


# -- reasons ---------------------------------------------------------------------------------


def test_matching_reasons_in_japanese():
    records = [
        MatchRecord(
            "a", "Enterprise", "株式会社山田製作所", "13", None, "東京都千代田区1-1", "03-1234-5678"
        ),
        MatchRecord("b", "Enterprise", "山田製作所", "13", None, "東京都千代田区1-1", "0312345678"),
        MatchRecord("c", "Enterprise", "山田製作", "13", None, "東京都港区2-2", "03-9999-0000"),
        MatchRecord("d", "Enterprise", "山田製作所", "13", "7010001008844", None, None),
        MatchRecord("e", "Enterprise", "山田製作所", "13", "7010001008844", None, None),
    ]
    with speaking("ja"):
        found = {(c.a, c.b): c.reasons for c in find_candidates(records, min_score=0.5)}
    assert found[("a", "b")] == (
        "法人格の表記と全角・半角の違いを除くと名称が同じ",
        "電話番号が同じ",
        "住所が同じ",
    )
    assert found[("d", "e")] == ("法人番号が同じ", "名称が同一")
    assert found[("b", "c")] == ("名称の違いは1文字", "電話番号が異なる", "住所が異なる")
    english = {(c.a, c.b): c.reasons for c in find_candidates(records, min_score=0.5)}
    assert english[("b", "c")] == (
        "names differ by one character",
        "phone numbers differ",
        "addresses differ",
    )


def test_referral_candidates_reasons_in_japanese():
    with speaking("ja"):
        room = referrals._room(CHAMBER, ReceivedRecord())
        closeness = referrals._closeness(FAR_CENTRE, FIRM, {"C2"}, 2)
        outside = referrals._closeness(BANK, FIRM, set(), 0)
        record = referrals._record(ReceivedRecord())
        completed = referrals._record(
            ReceivedRecord({ReferralStatus.COMPLETED: 3, ReferralStatus.FAILED: 1}, (2.0, 4.0))
        )
    assert room == (1.0, 5, "受入枠5件のうち空き5件（未完了の紹介0件）")
    assert closeness[1] == [
        "埼玉県（神奈川県にある企業と同じ関東ブロック）",
        "貴機関とすでに連携",
        "貴機関との紹介の完了実績2件",
    ]
    assert outside[1] == ["石川県（神奈川県にある企業の関東ブロックの外）"]
    assert record == (0.5, "受けた紹介のうち終了・受諾したものはまだなし")
    assert completed[1] == "終了した紹介4件のうち3件が完了、受諾までの時間は中央値3.0時間"
    assert completed[0] == pytest.approx(0.5 * 3 / 4 + 0.5 / (1 + 3.0 / 48))
    assert referrals._closeness(FAR_CENTRE, FIRM, set(), 0)[1] == [
        "in Saitama, in the Kanto block of the enterprise (Kanagawa)"
    ]


# -- places ----------------------------------------------------------------------------------


def test_nearness_words_in_japanese():
    with speaking("ja"):
        assert nearness_words("14", "14") == "同じ都道府県内（神奈川県）"
        assert nearness_words("13", "08") == "関東ブロック内の別の都道府県（茨城県）"
        assert nearness_words("13", "46") == "関東ブロック外（鹿児島県）"
        assert nearness_words(None, "27") == "大阪府"
        assert nearness_words("13", None) == "全国"
        assert prefecture_name("01") == "北海道"
        assert prefecture_name(None) == "全国"
        assert prefecture_name("99", unknown="99") == "99"
    assert nearness_words("13", "08") == "elsewhere in the Kanto block (Ibaraki)"
    assert prefecture_name(None) == "nationwide"


# -- errors ----------------------------------------------------------------------------------


def test_errors_are_said_in_japanese(small_store):
    with speaking("ja"):
        with pytest.raises(InvalidArgument) as bad_code:
            scope_of("99")
        with pytest.raises(InvalidArgument) as bad_k:
            introduction_paths(small_store, "E1", "F1", k=0)
        with pytest.raises(InvalidArgument) as same:
            introduction_paths(small_store, "E1", "E1")
        not_found = missing(small_store, "X9")
    assert str(bad_code.value) == (
        "「99」は都道府県コードではありません。JIS X 0401の2桁のコード（01〜47）を使ってください。"
    )
    assert str(bad_k.value) == f"kには1から{MAX_K}までの整数を指定してください。指定値は「0」です。"
    assert str(same.value) == (
        "sourceとtargetがどちらも「E1」です。異なる2つの主体を指定してください。"
    )
    assert str(not_found) == "id「X9」のノードはありません。"
    with pytest.raises(InvalidArgument, match=f"k must be a whole number from 1 to {MAX_K}, got 0"):
        introduction_paths(small_store, "E1", "F1", k=0)
