"""The API's own messages in the language each request asks for, over real HTTP:
``?lang=``, else ``Accept-Language``, else English (the servers here set no ``RSN_LANG``)."""

from __future__ import annotations

import re

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

KEY_REQUIRED_EN = "an API key is required: send Authorization: Bearer KEY"
KEY_REQUIRED_JA = "APIキーが必要です。ヘッダーAuthorization: Bearer KEYを送信してください"


def test_a_401_without_a_key_speaks_the_accept_language(live_api):
    with live_api.client(headers={"Accept-Language": "ja"}) as client:
        japanese = client.get("/v1/stats")
    with live_api.client() as client:
        english = client.get("/v1/stats")
    assert japanese.status_code == english.status_code == 401
    assert japanese.json() == {"detail": KEY_REQUIRED_JA}
    assert english.json() == {"detail": KEY_REQUIRED_EN}
    assert japanese.headers["www-authenticate"] == "Bearer"


def test_lang_in_the_query_beats_accept_language(live_api):
    with live_api.client(headers={"Accept-Language": "en"}) as client:
        asked = client.get("/v1/stats", params={"lang": "ja"})
    assert asked.status_code == 401
    assert asked.json()["detail"] == KEY_REQUIRED_JA
    assert asked.headers["content-language"] == "ja"
    with live_api.client(headers={"Accept-Language": "ja"}) as client:
        asked = client.get("/v1/stats", params={"lang": "en"})
    assert asked.json()["detail"] == KEY_REQUIRED_EN
    assert asked.headers["content-language"] == "en"


def test_every_answer_says_its_language_and_varies_by_accept_language(live_api):
    with live_api.client("analyst", headers={"Accept-Language": "fr, ja;q=0.5"}) as client:
        stats = client.get("/v1/stats")
    assert stats.status_code == 200
    assert stats.headers["content-language"] == "ja"
    assert "accept-language" in stats.headers["vary"].lower()
    with live_api.client("analyst") as client:
        stats = client.get("/v1/stats")
    assert stats.headers["content-language"] == "en"
    assert "accept-language" in stats.headers["vary"].lower()
    # the gate's own answer (a body without a key, refused before it is read) too
    with live_api.client(headers={"Accept-Language": "ja"}) as client:
        refused = client.post("/v1/relations", json=[])
    assert refused.status_code == 401
    assert refused.json()["detail"] == KEY_REQUIRED_JA
    assert refused.headers["content-language"] == "ja"
    assert "accept-language" in refused.headers["vary"].lower()


def test_an_unknown_key_in_japanese(live_api):
    headers = {"Authorization": "Bearer rsn_0000_nope", "Accept-Language": "ja-JP"}
    with live_api.client(headers=headers) as client:
        answer = client.get("/v1/stats")
    assert answer.status_code == 401
    assert answer.json()["detail"] == "APIキーが不明か、失効しています"


def test_a_422_names_each_field_in_japanese(live_api):
    with live_api.client("analyst") as client:
        answer = client.get(
            "/v1/introductions",
            params={"source": "E1", "target": "F1", "k": "0", "max_hops": "7", "lang": "ja"},
        )
        english = client.get("/v1/introductions", params={"source": "E1", "target": "F1", "k": "0"})
    assert answer.status_code == 422
    body = answer.json()
    assert body["errors"] == [
        {"field": "k", "message": "1以上で指定してください（指定された値: '0'）"},
        {"field": "max_hops", "message": "6以下で指定してください（指定された値: '7'）"},
    ]
    assert body["detail"] == (
        "k：1以上で指定してください（指定された値: '0'）。"
        "max_hops：6以下で指定してください（指定された値: '7'）"
    )
    assert english.json()["detail"] == "k: must be at least 1, got '0'"


def test_a_422_of_a_choice_and_of_a_prefecture_in_japanese(live_api):
    with live_api.client("analyst") as client:
        grouping = client.get("/v1/density", params={"by": "city", "lang": "ja"})
        prefecture = client.get("/v1/weaknesses", params={"prefecture": "99", "lang": "ja"})
        day = client.get("/v1/stats", params={"as_of": "yesterday", "lang": "ja"})
    assert grouping.status_code == 422
    assert grouping.json()["errors"] == [
        {
            "field": "by",
            "message": "'prefecture'、'block'のいずれかを指定してください（指定された値: 'city'）",
        }
    ]
    assert prefecture.json()["errors"] == [
        {
            "field": "prefecture",
            "message": "'99'は都道府県コードではありません。"
            "JIS X 0401の2桁のコード（01〜47）を指定してください",
        }
    ]
    assert day.json()["errors"] == [
        {
            "field": "as_of",
            "message": "YYYY-MM-DD形式の日付で指定してください（指定された値: 'yesterday'）",
        }
    ]


def test_a_403_says_which_key_is_needed_in_japanese(live_api):
    with live_api.client("analyst", headers={"Accept-Language": "ja"}) as client:
        refused = client.get("/v1/audit")
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "analystのキーではこの操作はできません。adminのキーが必要です"
    )
    with live_api.client("analyst") as client:
        assert client.get("/v1/audit").json()["detail"] == (
            "an analyst key may not do this; it needs an admin key"
        )


def test_a_weakness_report_made_by_a_worker_speaks_the_request_language(live_api):
    """The report is made in a heavy work process: the request's language goes with it."""
    with live_api.client("admin") as client:
        english = client.get("/v1/weaknesses", params={"prefecture": "13"})
        japanese = client.get("/v1/weaknesses", params={"prefecture": "13", "lang": "ja"})
    assert english.status_code == japanese.status_code == 200
    said_en = english.json()["unsupported_enterprises"][0]
    said_ja = japanese.json()["unsupported_enterprises"][0]
    assert said_en["id"] == said_ja["id"] == "E2"
    assert said_en["next_step"] == said_ja["next_step"]  # machine fields do not change
    assert said_ja["suggestion"] != said_en["suggestion"]
    # Japanese words beyond the names the English sentence holds too
    in_names = set(JAPANESE.findall(said_en["suggestion"]))
    assert set(JAPANESE.findall(said_ja["suggestion"])) - in_names
    assert japanese.headers["content-language"] == "ja"


def test_an_unsupported_lang_falls_back(live_api):
    with live_api.client() as client:
        french = client.get("/v1/stats", params={"lang": "fr"})
    assert french.json()["detail"] == KEY_REQUIRED_EN
    assert french.headers["content-language"] == "en"
    with live_api.client(headers={"Accept-Language": "ja"}) as client:
        french = client.get("/v1/stats", params={"lang": "fr"})
    assert french.json()["detail"] == KEY_REQUIRED_JA  # then Accept-Language decides
    assert french.headers["content-language"] == "ja"


def test_a_bad_since_of_the_audit_log_is_a_whole_japanese_sentence(live_api):
    with live_api.client("admin") as client:
        japanese = client.get("/v1/audit", params={"since": "last week", "lang": "ja"})
        english = client.get("/v1/audit", params={"since": "last week"})
    assert japanese.status_code == english.status_code == 422
    [problem] = japanese.json()["errors"]
    assert problem["field"] == "since"
    assert problem["message"].startswith("since") and JAPANESE.search(problem["message"])
    assert english.json()["errors"] == [
        {
            "field": "since",
            "message": "must be a day (YYYY-MM-DD) or an ISO 8601 date and time, got 'last week'",
        }
    ]
