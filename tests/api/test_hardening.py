"""What the API does before and around its routes: the key before the body, the body limit,
bounded heavy work, locks answered 503, sign-in only from this site, security headers,
offline docs, private key files, pages that send a person to sign in, and the published
contract's error model."""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import stat
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

import graph.store.keys
from api import create_app
from api.deps import SESSION_COOKIE
from api.guard import Limits
from graph.settings import Backend, Settings
from graph.store.keys import FileKeyStore, Role
from tests.api.conftest import load_with_keys, serve

EMBEDDED = pytest.mark.parametrize("backend", [Backend.EMBEDDED], indirect=True)
LIMIT = 4096


class Served:
    def __init__(self, base_url: str, app, keys: dict[str, str], data_dir: Path):
        self.base_url = base_url
        self.app = app
        self.keys = keys
        self.data_dir = data_dir

    def client(self, role: str | None = None, **headers: str) -> httpx.Client:
        sent = {"Authorization": f"Bearer {self.keys[role]}"} if role else {}
        sent.update(headers)
        return httpx.Client(base_url=self.base_url, headers=sent, timeout=30)

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.base_url.removeprefix("http://").split(":")
        return host, int(port)


@pytest.fixture
def served(settings: Settings, small_dataset, monkeypatch) -> Iterator[Served]:
    """The API on the small network with a 4 KiB body limit, one heavy slot, and writes to
    the keys that give up on a lock after 0.3 s."""
    monkeypatch.setattr(graph.store.keys, "WRITE_WAIT_SECONDS", 0.3)
    made = load_with_keys(settings, small_dataset, ("admin", "analyst", "centre"))
    app = create_app(settings, Limits(RSN_MAX_BODY_BYTES=LIMIT, RSN_HEAVY_REQUESTS=1))
    with serve(app) as base_url:
        yield Served(base_url, app, made, settings.data_dir)


def _raw(address: tuple[str, int], head: str, body: bytes = b"", wait: float = 5.0) -> bytes:
    """Send ``head`` (and ``body``) on a socket; what the server answers within ``wait`` s."""
    with socket.create_connection(address, timeout=wait) as connection:
        connection.sendall(head.encode("latin-1") + body)
        answer = b""
        try:
            while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
                chunk = connection.recv(65536)
                if not chunk:
                    break
                answer += chunk
        except TimeoutError:
            pass
        return answer


# -- the key before the body, and the body limit -----------------------------------------


@EMBEDDED
def test_a_body_without_a_key_is_refused_before_it_is_read(served):
    # a 100 MB body announced and never sent: the answer cannot wait for it
    head = (
        "POST /v1/nodes HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        "Content-Length: 100000000\r\n\r\n"
    )
    started = time.monotonic()
    answer = _raw(served.address, head, b"[")
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    assert time.monotonic() - started < 3
    assert b"www-authenticate: Bearer" in answer.lower().replace(b"bearer", b"Bearer")
    wrong = head.replace("\r\n\r\n", "\r\nAuthorization: Bearer rsn_0_nope\r\n\r\n", 1)
    assert _raw(served.address, wrong, b"[").startswith(b"HTTP/1.1 401")
    with served.client() as client:
        assert client.get("/health").status_code == 200


@EMBEDDED
def test_a_body_past_the_limit_is_413_from_its_length_or_as_it_streams(served):
    head = (
        "POST /v1/nodes HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {served.keys['admin']}\r\nContent-Length: {LIMIT + 1}\r\n\r\n"
    )
    answer = _raw(served.address, head)  # nothing of the body sent: answered from the length
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert f"{LIMIT:,}".encode() in answer

    def chunks() -> Iterator[bytes]:
        yield b"["
        for _ in range(10):
            yield b'{"kind": "Asset", "values": {"id": "A9"}},' * 20

    with served.client("admin", **{"Content-Type": "application/json"}) as client:
        streamed = client.post("/v1/nodes", content=chunks())
        assert streamed.status_code == 413
        assert "limit" in streamed.json()["detail"]
        small = client.post("/v1/nodes", json=[])
        assert small.status_code == 200 and small.json() == {"written": 0}


@EMBEDDED
def test_a_body_that_is_not_utf8_or_not_json_is_a_422_on_the_body(served):
    with served.client("admin", **{"Content-Type": "application/json"}) as client:
        latin = client.post(
            "/v1/nodes", content='[{"kind": "Asset", "values": {"name": "é"}}]'.encode("latin-1")
        )
        truncated = client.post("/v1/nodes", content=b'[{"kind": "Asset", "val')
    for answer in (latin, truncated):
        assert answer.status_code == 422
        assert [problem["field"] for problem in answer.json()["errors"]] == ["body"]
    assert "UTF-8" in latin.json()["detail"]
    assert "not valid JSON" in truncated.json()["detail"]


# -- heavy work and locks -----------------------------------------------------------------


@EMBEDDED
def test_heavy_work_past_its_bound_is_503_while_light_routes_answer(served):
    slots = served.app.state.heavy
    assert slots.try_take()  # the one heavy slot, as a running report would hold it
    try:
        with served.client("analyst") as client:
            for route in ("/v1/weaknesses", "/v1/density", "/v1/weaknesses/what-if?remove=C1"):
                busy = client.get(route)
                assert busy.status_code == 503, route
                assert busy.headers["retry-after"].isdigit()
                assert "heavy" in busy.json()["detail"]
            assert client.get("/v1/stats").status_code == 200
            assert client.get("/v1/nodes/E1").status_code == 200
            # no key: 401 without taking a slot
            assert httpx.get(f"{served.base_url}/v1/weaknesses").status_code == 401
    finally:
        slots.give_back()
    with served.client("analyst") as client:
        assert client.get("/v1/weaknesses").status_code == 200
        assert client.get("/v1/weaknesses").status_code == 200  # the slot was given back


@EMBEDDED
def test_locked_keys_are_a_503_with_retry_after_and_no_detail_of_the_store(served):
    other = sqlite3.connect(served.data_dir / graph.store.keys.KEYS_FILE, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process writing the keys, and taking long
    try:
        with served.client() as client:
            started = time.monotonic()
            answer = client.post("/sign-in", data={"key": served.keys["analyst"], "next": "/"})
            assert answer.status_code == 503
            assert answer.headers["retry-after"].isdigit()
            assert str(served.data_dir) not in answer.text
            assert "locked" not in answer.text
            assert time.monotonic() - started < 3
            # reading the keys still works meanwhile (WAL): the API goes on answering
            assert client.get("/v1/stats", headers=_bearer(served, "analyst")).status_code == 200
    finally:
        other.execute("ROLLBACK")
        other.close()
    with served.client() as client:
        assert client.post("/sign-in", data={"key": served.keys["analyst"]}).status_code == 303


def _bearer(served: Served, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {served.keys[role]}"}


def test_the_key_files_are_private_to_their_owner(tmp_path):
    before = os.umask(0o022)
    try:
        keys = FileKeyStore(tmp_path / "fresh" / "data")
        keys.add("someone", Role.ANALYST)
        keys.start_session(keys.authenticate(keys.add("other", Role.ANALYST)))
        folder = tmp_path / "fresh" / "data"
        files = sorted(folder.iterdir())
        assert {path.name for path in files} >= {
            "keys.sqlite",
            "keys.sqlite-wal",
            "keys.sqlite-shm",
        }
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
        keys.close()
    finally:
        os.umask(before)


# -- sign-in from this site only, and pages for a person ---------------------------------


@EMBEDDED
def test_sign_in_and_sign_out_only_take_a_form_posted_from_this_site(served):
    form = {"key": served.keys["analyst"], "next": "/v1/viz/density"}
    host = served.base_url.removeprefix("http://")
    with served.client() as client:
        for headers in (
            {"Origin": "http://evil.example"},
            {"Origin": "null"},
            {"Sec-Fetch-Site": "cross-site", "Origin": served.base_url},
            {"Sec-Fetch-Site": "same-site"},
        ):
            refused = client.post("/sign-in", data=form, headers=headers)
            assert refused.status_code == 403, headers
            assert "set-cookie" not in refused.headers
            assert refused.headers["content-type"].startswith("text/html")
        assert (
            client.post("/sign-out", headers={"Origin": "http://evil.example"}).status_code == 403
        )
        for headers in ({}, {"Origin": f"http://{host}", "Sec-Fetch-Site": "same-origin"}):
            signed = client.post("/sign-in", data=form, headers=headers)
            assert signed.status_code == 303, headers
            assert signed.headers["location"] == "/v1/viz/density"
            assert SESSION_COOKIE in signed.headers["set-cookie"]


@EMBEDDED
def test_a_person_whose_session_ended_is_sent_to_sign_in_and_a_program_gets_401(served):
    cookies = {SESSION_COOKIE: "an-ended-session"}
    with httpx.Client(base_url=served.base_url, cookies=cookies) as browser:
        page = browser.get("/v1/viz/network", params={"prefecture": "13"})
        assert page.status_code == 303
        assert page.headers["location"] == "/sign-in?next=/v1/viz/network%3Fprefecture%3D13"
        assert browser.get("/v1/viz/density").headers["location"] == (
            "/sign-in?next=/v1/viz/density"
        )
        assert browser.get("/").status_code == 303
        data = browser.get("/v1/stats")
        assert data.status_code == 401 and data.headers["content-type"] == "application/json"
    with served.client(**{"Sec-Fetch-Mode": "navigate"}) as navigating:
        assert navigating.get("/v1/viz/density").status_code == 303
    with served.client() as program:
        assert program.get("/v1/viz/density").status_code == 401
    with served.client(Authorization="Bearer rsn_0_nope", **{"Sec-Fetch-Mode": "navigate"}) as bad:
        assert bad.get("/v1/viz/density").status_code == 401
    with served.client() as client:
        form = {"key": served.keys["analyst"], "next": "https://evil.example/x"}
        assert client.post("/sign-in", data=form).headers["location"] == "/"
        form["next"] = "//evil.example/x"
        assert client.post("/sign-in", data=form).headers["location"] == "/"
        form["next"] = "/v1/viz/density"
        signed = client.post("/sign-in", data=form)
        token = signed.cookies[SESSION_COOKIE]
    with httpx.Client(base_url=served.base_url, cookies={SESSION_COOKIE: token}) as browser:
        assert browser.get("/v1/viz/density").status_code == 200


# -- headers, docs, health ----------------------------------------------------------------


@EMBEDDED
def test_pages_carry_a_strict_policy_and_data_is_not_cached(served):
    with served.client("analyst") as client:
        for route in ("/sign-in", "/v1/viz/density", "/v1/viz/network?prefecture=13", "/docs"):
            page = client.get(route)
            assert page.status_code == 200, route
            policy = page.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in policy
            assert "default-src 'none'" in policy
            assert "http" not in policy and "*" not in policy
            assert page.headers["x-content-type-options"] == "nosniff"
            assert page.headers["cache-control"] == "no-store"
        for route in ("/v1/stats", "/v1/nodes/E1", "/v1/nodes/NOPE"):
            data = client.get(route)
            assert data.headers["x-content-type-options"] == "nosniff"
            assert data.headers["cache-control"] == "no-store"
            assert "content-security-policy" not in data.headers
        assert client.get("/health").headers["x-content-type-options"] == "nosniff"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"src", "href"} and value:
                self.urls.append(value)


@EMBEDDED
def test_the_docs_load_nothing_from_another_host(served):
    with served.client() as client:
        page = client.get("/docs")
        assert page.status_code == 200
        links = _Links()
        links.feed(page.text)
        assert links.urls, "the docs page names its assets"
        for url in links.urls:
            assert url.startswith("/") and not url.startswith("//"), url
            assert client.get(url).status_code == 200, url
        inline = " ".join(re.findall(r"<script>(.*?)</script>", page.text, re.S))
        assert "http" not in inline.replace("window.location", "")
        assert "'/openapi.json'" in inline or '"/openapi.json"' in inline
        licence = client.get("/docs/assets/LICENSE")
        assert licence.status_code == 200 and "Apache License" in licence.text


@EMBEDDED
def test_head_health_and_the_methods_of_a_path(served):
    with served.client() as client:
        assert client.head("/health").status_code == 200
        assert client.options("/sign-in").headers["allow"] == "GET, POST"
        assert client.options("/v1/referrals/ref-1").headers["allow"] == "GET, PATCH"
        assert client.delete("/v1/referrals").headers["allow"] == "GET, POST"


# -- what the routes say -------------------------------------------------------------------


@EMBEDDED
def test_a_role_that_may_not_is_told_with_the_right_article(served):
    with served.client("analyst") as client:
        refused = client.post("/v1/nodes", json=[])
    assert refused.status_code == 403
    assert refused.json()["detail"] == "an analyst key may not do this; it needs an admin key"
    with served.client("centre") as client:
        refused = client.post("/v1/relations", json=[])
    assert refused.json()["detail"] == "a centre key may not do this; it needs an admin key"
    with served.client("analyst") as client:
        refused = client.post("/v1/referrals", json={})
    assert refused.json()["detail"] == (
        "an analyst key may not do this; it needs a centre or an admin key"
    )


def _floats(value) -> Iterator[float]:
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _floats(item)
    elif isinstance(value, list):
        for item in value:
            yield from _floats(item)


@EMBEDDED
def test_scores_a_person_reads_have_at_most_four_significant_digits(served):
    with served.client("centre") as client:
        answers = [
            client.get("/v1/introductions", params={"source": "E2", "target": "F1", "k": 5}),
            client.get("/v1/introducers", params={"a": "E1", "b": "C1"}),
            client.get("/v1/referrals/candidates", params={"enterprise": "E3", "need": "finance"}),
            client.get("/v1/weaknesses", params={"prefecture": "13"}),
        ]
    found = []
    for answer in answers:
        assert answer.status_code == 200, answer.text
        found += [x for x in _floats(answer.json())]
    assert found
    for value in found:
        assert float(f"{value:.4g}") == value, value


def test_the_schema_publishes_the_real_error_model_and_the_values_of_each_field(tmp_path):
    document = create_app(Settings(RSN_BACKEND="embedded", RSN_DATA_DIR=tmp_path)).openapi()
    text = json.dumps(document)
    assert "HTTPValidationError" not in text
    error = document["components"]["schemas"]["ErrorBody"]
    assert error["required"] == ["detail"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            answers = operation["responses"]
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in answers, (method, path)
            for code, answer in answers.items():
                if (
                    code >= "400"
                    and "content" in answer
                    and "application/json" in answer["content"]
                ):
                    assert answer["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/ErrorBody"
                    }, (method, path, code)
            if operation.get("security"):
                assert {"401", "503"} <= set(answers), (method, path)
            if operation.get("requestBody"):
                assert "413" in answers, (method, path)
    parameters = {
        (path, p["name"]): p["schema"]
        for path, operations in document["paths"].items()
        for operation in operations.values()
        for p in operation.get("parameters", [])
    }
    assert parameters[("/v1/weaknesses", "prefecture")]["anyOf"][0]["pattern"] == (
        "^(0[1-9]|[1-3][0-9]|4[0-7])$"
    )
    assert parameters[("/v1/referrals/candidates", "need")]["$ref"].endswith("/Expertise")
    schemas = document["components"]["schemas"]
    assert "export" in schemas["Expertise"]["enum"]
    assert set(schemas["ReferralStatus"]["enum"]) >= {"requested", "completed", "cancelled"}
    assert schemas["ReferralMove"]["properties"]["status"]["$ref"].endswith("ReferralStatus")
    assert schemas["NodeCreate"]["properties"]["kind"]["$ref"].endswith("NodeKind")
    assert schemas["RelationCreate"]["properties"]["type"]["$ref"].endswith("RelationType")
    create = schemas["ReferralCreate"]["properties"]
    assert "admin" in create["from_centre"]["description"]
    assert create["allow_duplicate"]["default"] is False
    sign_in = document["paths"]["/sign-in"]["post"]
    assert "303" in sign_in["responses"] and "200" not in sign_in["responses"]
    assert "application/x-www-form-urlencoded" in sign_in["requestBody"]["content"]
    assert "text/html" in document["paths"]["/"]["get"]["responses"]["200"]["content"]
