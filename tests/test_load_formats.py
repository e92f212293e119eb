"""The files Japanese offices have: CSV in Shift_JIS (CP932) or with a BOM, Excel workbooks
(one with a sheet per file, or one per file), values written the Japanese way, and the
contact columns of enterprises and financiers. Each loads to the same store as the plain
UTF-8 dataset, and an export writes the canonical values."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from graph.corporate_number import check_digit
from graph.errors import DatasetInvalid, InvalidArgument
from graph.loaders import export_dataset, load_dataset
from graph.loaders.neo4j_admin import export_neo4j_admin
from graph.loaders.values import write_nodes
from graph.model import NodeKind
from graph.rows import CONTACT_COLUMNS, RELATION_COLUMNS, node_columns
from graph.store.embedded import EmbeddedStore


def corporate(base: str) -> str:
    """A valid corporate number for twelve digits ``base``."""
    return f"{check_digit(base)}{base}"


ACME = corporate("010001008846")
BANK = corporate("120001077457")

#: The columns of each file of the dataset below: enterprises and financiers with their
#: contact columns.
HEADERS: dict[str, list[str]] = {
    "enterprises.csv": [
        c for c in node_columns(NodeKind.ENTERPRISE, contact=True) if c != "consent"
    ],
    "assets.csv": list(node_columns(NodeKind.ASSET)),
    "centres.csv": list(node_columns(NodeKind.CENTRE)),
    "financiers.csv": list(node_columns(NodeKind.FINANCIER, contact=True)),
    "specialists.csv": list(node_columns(NodeKind.SPECIALIST)),
    "relations.csv": list(RELATION_COLUMNS),
}

#: A small network in canonical form, with Japanese text in names and addresses.
ROWS: dict[str, list[list[str]]] = {
    "enterprises.csv": [
        [
            "E1",
            "山田製作所",
            "13",
            "E",
            "25",
            "1962",
            ACME,
            "東京都大田区1-2-3",
            "03-1234-5678",
            "",
        ],
        ["E2", 'Sakura Foods, Ltd. "Honten"', "13", "I", "", "", "", "", "", ""],
        ["E3", "加賀漆器\n工房", "17", "E", "4", "1890", "", "石川県金沢市", "", "2018-03-31"],
        ["E4", "株式会社①ツアーズ", "47", "M", "1200", "2001", "", "", "098-000-0000", ""],
        ["E5", "北の牧場", "01", "A", "7", "2019", "", "", "", ""],
    ],
    "assets.csv": [["A1", "江戸切子", "industrial", "13", ""]],
    "centres.csv": [
        ["C1", "東京商工会議所", "13", "chamber_of_commerce", "40", ""],
        ["C2", "石川県産業創出支援機構", "17", "prefectural_centre", "", ""],
    ],
    "financiers.csv": [
        ["F1", "東京信用保証協会", "credit_guarantee_corporation", "13", BANK, "", "", ""],
        ["F2", "日本政策金融公庫", "government", "", "", "", "", ""],
    ],
    "specialists.csv": [["S1", "佐藤花子", "banker", "finance;succession", "13", ""]],
    "relations.csv": [
        ["C1", "SUPPORTS", "E1", "0.8", "2015-04-01", ""],
        ["S1", "ADVISES", "E1", "0.9", "", ""],
        ["S1", "AFFILIATED_WITH", "C1", "", "", ""],
        ["F1", "GUARANTEES", "E1", "0.75", "2008-05-30", "2024-04-01"],
        ["F2", "LENDS_TO", "E3", "0.65", "", ""],
        ["C1", "COLLABORATES_WITH", "C2", "0.4", "1988-01-01", ""],
        ["E1", "TRADES_WITH", "E2", "0.55", "2019-05-01", ""],
        ["E1", "UTILIZES", "A1", "", "", ""],
    ],
}


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_folder(folder: Path, encoding: str = "utf-8", rows=ROWS) -> Path:
    for name, file_rows in rows.items():
        write_csv(folder / name, HEADERS[name], file_rows, encoding)
    return folder


def sheet_value(column: str, text: str) -> Any:
    """A cell as a spreadsheet holds it: numbers as numbers, days as dates, blanks empty."""
    if text == "":
        return None
    if column in {"employees", "founded", "capacity"}:
        return float(text)  # a whole number that a spreadsheet keeps as 25.0
    if column == "prefecture" and text.isdigit():
        return int(text)  # 13, and 1 for Hokkaido's 01
    if column == "strength":
        return float(text)
    if column in {"since", "until", "ended"}:
        return datetime.fromisoformat(text)
    return text


def fill_sheet(sheet: Any, name: str, rows=ROWS) -> None:
    header = HEADERS[name]
    sheet.append(header)
    for row in rows[name]:
        sheet.append([sheet_value(column, text) for column, text in zip(header, row, strict=True)])


def write_workbook(folder: Path, rows=ROWS) -> Path:
    """One workbook holding every file as a sheet named like it."""
    folder.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    book.remove(book.active)
    book.create_sheet("README").append(["この表は rsn で読み込みます"])
    for name in rows:
        fill_sheet(book.create_sheet(name.removesuffix(".csv")), name, rows)
    book.save(folder / "dataset.xlsx")
    return folder


def write_workbooks(folder: Path) -> Path:
    """One workbook per file, each with a single sheet named as Excel names it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ROWS:
        book = openpyxl.Workbook()
        book.active.title = "Sheet1"
        fill_sheet(book.active, name)
        book.save(folder / name.replace(".csv", ".xlsx"))
    return folder


def contents(store: EmbeddedStore) -> dict[str, Any]:
    """Every node and relation of ``store`` with every property, as the store reads them."""
    nodes = {
        kind.value: sorted(
            (node.id, node.name, sorted(node.props.items())) for node in store.iter_nodes(kind)
        )
        for kind in NodeKind
    }
    relations = {relation.key: relation.as_dict() for relation in store.iter_relations()}
    return {"nodes": nodes, "relations": relations}


def loaded(folder: Path, where: Path, **options: Any) -> tuple[dict[str, Any], Any]:
    with EmbeddedStore(where, watch_seconds=None) as store:
        report = load_dataset(folder, store, **options)
        return contents(store), report


@pytest.fixture
def expected(tmp_path: Path) -> dict[str, Any]:
    """The store the plain UTF-8 dataset loads to."""
    found, report = loaded(write_folder(tmp_path / "utf8"), tmp_path / "utf8-store")
    assert set(report.encodings.values()) == {"utf-8"}
    assert sum(report.nodes.values()) == 11 and report.relations == 8
    return found


def test_the_plain_dataset_keeps_its_contact_columns(expected):
    [e1] = [node for node in expected["nodes"]["Enterprise"] if node[0] == "E1"]
    props = dict(e1[2])
    assert props["corporate_number"] == ACME
    assert props["address"] == "東京都大田区1-2-3" and props["phone"] == "03-1234-5678"


def test_cp932_files_load_as_their_utf8_twin(tmp_path, expected):
    folder = write_folder(tmp_path / "sjis", encoding="cp932")
    assert "山田製作所".encode("cp932") in (folder / "enterprises.csv").read_bytes()
    found, report = loaded(folder, tmp_path / "store")
    assert found == expected
    # relations.csv is ASCII, which is UTF-8 as well
    assert report.encodings == {name: "cp932" for name in ROWS} | {"relations.csv": "utf-8"}
    assert "enterprises.csv (cp932)" in report.encodings_text()


def test_a_bom_is_tolerated_and_named(tmp_path, expected):
    folder = write_folder(tmp_path / "bom", encoding="utf-8-sig")
    found, report = loaded(folder, tmp_path / "store")
    assert found == expected
    assert report.encodings["enterprises.csv"] == "utf-8 (BOM)"


def test_files_of_different_encodings_in_one_folder(tmp_path, expected):
    folder = write_folder(tmp_path / "mixed")
    write_csv(folder / "centres.csv", HEADERS["centres.csv"], ROWS["centres.csv"], "cp932")
    found, report = loaded(folder, tmp_path / "store")
    assert found == expected
    assert report.encodings["centres.csv"] == "cp932"
    assert report.encodings["enterprises.csv"] == "utf-8"


@pytest.mark.parametrize("name", ["cp932", "shift_jis", "Shift_JIS", "sjis"])
def test_naming_the_encoding_reads_every_file_in_it(tmp_path, expected, name):
    folder = write_folder(tmp_path / "sjis", encoding="cp932")
    found, report = loaded(folder, tmp_path / "store", encoding=name)
    assert found == expected
    assert set(report.encodings.values()) == {"cp932"}  # the ASCII relations.csv too


def test_a_file_not_in_the_named_encoding_names_its_line_and_byte(tmp_path):
    folder = write_folder(tmp_path / "sjis", encoding="cp932")
    with pytest.raises(DatasetInvalid) as caught:
        loaded(folder, tmp_path / "store", encoding="utf-8")
    first = str(caught.value.problems[0])
    offset = (folder / "enterprises.csv").read_bytes().index("山".encode("cp932"))
    assert first.startswith(f"enterprises.csv:2: file: is not UTF-8 text: byte {offset} (0x")


def test_an_encoding_rsn_does_not_read_is_refused(tmp_path):
    folder = write_folder(tmp_path / "plain")
    with pytest.raises(InvalidArgument, match="utf-8, cp932 or shift_jis"):
        loaded(folder, tmp_path / "store", encoding="latin-1")


def test_a_file_in_neither_encoding_names_the_byte(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    body = b"id,name,prefecture,industry\r\nE1,ok,13,E\r\nE2,\x81\x20bad,13,E\r\n"
    (folder / "enterprises.csv").write_bytes(body)
    with pytest.raises(DatasetInvalid) as caught:
        loaded(folder, tmp_path / "store")
    offset = body.index(b"\x81")
    assert str(caught.value.problems[0]) == (
        f"enterprises.csv:3: file: is neither UTF-8 nor Shift_JIS (CP932) text: byte {offset} "
        "(0x81) is in neither; save it as UTF-8 (in Excel: CSV UTF-8)"
    )


def test_one_workbook_with_a_sheet_per_file_loads_as_the_csv_files(tmp_path, expected):
    found, report = loaded(write_workbook(tmp_path / "book"), tmp_path / "store")
    assert found == expected
    assert report.encodings == {f"dataset.xlsx:{name[:-4]}": "xlsx" for name in ROWS}


def test_one_workbook_per_file_loads_as_the_csv_files(tmp_path, expected):
    found, report = loaded(write_workbooks(tmp_path / "books"), tmp_path / "store")
    assert found == expected
    assert report.encodings["enterprises.xlsx:Sheet1"] == "xlsx"


def test_workbooks_and_csv_files_side_by_side(tmp_path, expected):
    folder = write_folder(tmp_path / "both")
    (folder / "relations.csv").unlink()
    book = openpyxl.Workbook()
    fill_sheet(book.active, "relations.csv")
    book.save(folder / "relations.xlsx")
    found, report = loaded(folder, tmp_path / "store")
    assert found == expected
    assert report.encodings["relations.xlsx:Sheet"] == "xlsx"


def test_a_bad_cell_of_a_sheet_names_the_workbook_sheet_and_row(tmp_path):
    rows = {**ROWS, "enterprises.csv": [*ROWS["enterprises.csv"]]}
    rows["enterprises.csv"][2] = ["E3", "x", "Tokio", "E", "", "", "", "", "", ""]
    folder = write_workbook(tmp_path / "book", rows)
    with pytest.raises(DatasetInvalid) as caught:
        loaded(folder, tmp_path / "store")
    assert [str(p) for p in caught.value.problems][0].startswith(
        "dataset.xlsx:enterprises:4: prefecture: 'Tokio' is not a prefecture code or name"
    )


def test_a_sheet_row_beyond_the_header_is_named(tmp_path):
    folder = tmp_path / "book"
    folder.mkdir()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "enterprises"
    sheet.append(["id", "name", "prefecture", "industry"])
    sheet.append(["E1", "x", "13", "E"])
    sheet.append([])  # a blank row is skipped, and counted
    sheet.append(["E2", "y", "13", "E", "extra"])
    book.save(folder / "dataset.xlsx")
    with pytest.raises(DatasetInvalid) as caught:
        loaded(folder, tmp_path / "store")
    assert [str(p) for p in caught.value.problems] == [
        "dataset.xlsx:enterprises:4: row: has 5 values but the header has 4 columns"
    ]


def test_a_file_given_twice_is_refused(tmp_path):
    folder = write_folder(tmp_path / "twice")
    book = openpyxl.Workbook()
    fill_sheet(book.active, "enterprises.csv")
    book.save(folder / "enterprises.xlsx")
    with pytest.raises(DatasetInvalid) as caught:
        loaded(folder, tmp_path / "store")
    message = str(caught.value.problems[0])
    assert "enterprises.csv is given 2 times, as enterprises.csv and enterprises.xlsx:Sheet" in (
        message
    )


def test_a_sheet_and_a_file_of_the_same_name_are_refused(tmp_path):
    folder = write_workbook(tmp_path / "twice")
    write_csv(folder / "relations.csv", HEADERS["relations.csv"], ROWS["relations.csv"], "utf-8")
    with pytest.raises(DatasetInvalid) as caught:
        loaded(folder, tmp_path / "store")
    assert "relations.csv is given 2 times, as relations.csv and dataset.xlsx:relations" in str(
        caught.value.problems[0]
    )


def test_an_old_excel_workbook_is_refused_in_words(tmp_path):
    folder = write_folder(tmp_path / "old")
    (folder / "relations.csv").unlink()
    (folder / "relations.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(DatasetInvalid) as caught:
        loaded(folder, tmp_path / "store")
    assert "old Excel workbook (.xls)" in str(caught.value.problems[0])


def test_a_wrong_corporate_number_is_a_problem_of_its_row(tmp_path):
    wrong = str((int(ACME[0]) % 9) + 1) + ACME[1:]
    rows = {"enterprises.csv": [["E9", "x", "13", "E", "", "", wrong, "", "", ""]]}
    folder = write_folder(tmp_path / "wrong", rows=rows)
    with pytest.raises(DatasetInvalid) as caught:
        loaded(folder, tmp_path / "store")
    assert str(caught.value.problems[0]) == (
        f"enterprises.csv:2: corporate_number: {wrong!r} is not a corporate number: its check "
        f"digit (the first) is {wrong[0]}, the other twelve digits need {ACME[0]}"
    )


#: The dataset above written the Japanese way: kanji and romaji prefectures, Japanese
#: division names, full-width numbers, era days and years.
JAPANESE: dict[str, list[list[str]]] = {
    "enterprises.csv": [
        [
            "E1",
            "山田製作所",
            "東京都",
            "製造業",
            "２５",
            "昭和37年",
            ACME,
            " 東京都大田区1-2-3 ",
            "03-1234-5678",
            "",
        ],
        ["E2", 'Sakura Foods, Ltd. "Honten"', "Tokyo", "卸売業・小売業", "", "", "", "", "", ""],
        ["E3", "加賀漆器\n工房", "石川", "E", "４", "明治23", "", "石川県金沢市", "", "H30.3.31"],
        [
            "E4",
            "株式会社①ツアーズ",
            "Okinawa-ken",
            "宿泊業、飲食サービス業",
            "1,200",
            "H13",
            "",
            "",
            "098-000-0000",
            "",
        ],
        ["E5", "北の牧場", "北海道", "農業、林業", "７", "令和元年", "", "", "", ""],
    ],
    "assets.csv": [["A1", "江戸切子", "industrial", "TOKYO", ""]],
    "centres.csv": [
        ["C1", "東京商工会議所", "東京", "chamber_of_commerce", "４０", ""],
        ["C2", "石川県産業創出支援機構", "Ishikawa", "prefectural_centre", "", ""],
    ],
    "financiers.csv": [
        [
            "F1",
            "東京信用保証協会",
            "credit_guarantee_corporation",
            "13",
            f"{BANK[:1]}-{BANK[1:5]}-{BANK[5:9]}-{BANK[9:]}",
            "",
            "",
            "",
        ],
        ["F2", "日本政策金融公庫", "government", "", "", "", "", ""],
    ],
    "specialists.csv": [["S1", "佐藤花子", "banker", "finance;succession", "東京都", ""]],
    "relations.csv": [
        ["C1", "SUPPORTS", "E1", "０．８", "平成27年4月1日", ""],
        ["S1", "ADVISES", "E1", "0.9", "", ""],
        ["S1", "AFFILIATED_WITH", "C1", "", "", ""],
        ["F1", "GUARANTEES", "E1", "0.75", "H20.5.30", "令和6年4月1日"],
        ["F2", "LENDS_TO", "E3", "0.65", "", ""],
        ["C1", "COLLABORATES_WITH", "C2", "0.4", "S63.1.1", ""],
        ["E1", "TRADES_WITH", "E2", "0.55", "令和元年5月1日", ""],
        ["E1", "UTILIZES", "A1", "", "", ""],
    ],
}


def test_japanese_values_load_as_the_canonical_ones(tmp_path, expected):
    for encoding in ("utf-8", "cp932"):
        folder = write_folder(tmp_path / encoding, encoding=encoding, rows=JAPANESE)
        found, _ = loaded(folder, tmp_path / f"store-{encoding}")
        assert found == expected, encoding


def test_an_export_writes_the_canonical_values(tmp_path):
    """The export of the dataset written the Japanese way is the export of the plain one."""
    exports = {}
    for name, rows in (("japanese", JAPANESE), ("plain", ROWS)):
        folder = write_folder(tmp_path / name, rows=rows)
        with EmbeddedStore(tmp_path / f"{name}-store", watch_seconds=None) as store:
            load_dataset(folder, store)
            export_dataset(store, tmp_path / f"{name}-out")
        exports[name] = {
            file: (tmp_path / f"{name}-out" / file).read_text(encoding="utf-8") for file in ROWS
        }
    assert exports["japanese"] == exports["plain"]
    enterprises = exports["japanese"]["enterprises.csv"].splitlines()
    assert enterprises[0] == ",".join(HEADERS["enterprises.csv"])
    assert f"E1,山田製作所,13,E,25,1962,{ACME},東京都大田区1-2-3,03-1234-5678," in enterprises
    assert "E4,株式会社①ツアーズ,47,M,1200,2001,,,098-000-0000," in enterprises
    relations = exports["japanese"]["relations.csv"]
    assert "F1,GUARANTEES,E1,0.75,2008-05-30,2024-04-01" in relations
    assert "C1,SUPPORTS,E1,0.8,2015-04-01," in relations


def test_an_export_without_contact_values_keeps_the_columns_it_had(tmp_path, small_dataset):
    with EmbeddedStore(tmp_path / "store", watch_seconds=None) as store:
        load_dataset(small_dataset, store)
        export_dataset(store, tmp_path / "out")
        export_neo4j_admin(store, tmp_path / "admin")
    header = (tmp_path / "out" / "enterprises.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(node_columns(NodeKind.ENTERPRISE))
    assert not set(CONTACT_COLUMNS) & set(header.split(","))


def test_the_neo4j_admin_export_carries_the_contact_columns(tmp_path):
    folder = write_folder(tmp_path / "plain")
    with EmbeddedStore(tmp_path / "store", watch_seconds=None) as store:
        load_dataset(folder, store)
        export_neo4j_admin(store, tmp_path / "admin")
    with (tmp_path / "admin" / "nodes-Enterprise.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "id:ID(Node)"
    assert rows[0][-4:] == [*CONTACT_COLUMNS, "ended"]
    [e1] = [row for row in rows[1:] if row[0] == "E1"]
    assert e1[-4:-1] == [ACME, "東京都大田区1-2-3", "03-1234-5678"]


def test_node_writes_take_the_contact_columns_and_japanese_values(tmp_path):
    with EmbeddedStore(tmp_path / "store", watch_seconds=None) as store:
        write_nodes(
            store,
            [
                (
                    "Enterprise",
                    {
                        "id": "E1",
                        "name": "山田製作所",
                        "prefecture": "大阪府",
                        "industry": "製造業",
                        "founded": "平成20年",
                        "corporate_number": ACME,
                        "phone": " 06-0000-0000 ",
                    },
                )
            ],
        )
        node = store.get_node("E1")
    assert node is not None
    assert node.props == {
        "prefecture": "27",
        "industry": "E",
        "founded": 2008,
        "corporate_number": ACME,
        "phone": "06-0000-0000",
    }
