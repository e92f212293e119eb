"""Rows of a dataset as records: the field rules of each file's columns.

Rows (strings from CSV, or JSON values from the API) are validated into
:class:`graph.model.Node` and :class:`graph.model.Relation` records by :func:`parse_node` and
:func:`parse_relation`, which raise :class:`graph.errors.RowInvalid` listing every bad column
in words a person understands.

Values are read as Japanese offices write them (:mod:`graph.japanese_values`): a prefecture
by its code, kanji or romaji name, an industry by its JSIC letter or Japanese name, numbers
in full-width digits, days and years in a Japanese era; each is kept in its canonical form
(a two-digit code, a letter, a number, a day ``YYYY-MM-DD``). A value already in that form
takes the quick way; only the others are read as Japanese values.

Enterprises and financiers may give their ``corporate_number`` (法人番号, checked by its check
digit), ``address`` and ``phone``: the contact columns (:data:`CONTACT_COLUMNS`).

Valid time (:mod:`graph.valid_time`): a relation's optional ``until`` (the day it stopped
holding, after its ``since``; it may be in the future) and every node file's optional
``ended`` (the day the node stopped existing, kept as ``props["ended"]``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from graph.corporate_number import corporate_number
from graph.errors import RowInvalid, validation_sentence
from graph.i18n import N_, _
from graph.japan import JSIC_DIVISIONS, PREFECTURE_BY_CODE
from graph.japanese_values import (
    industry_letter,
    number_text,
    parse_day,
    parse_year,
    prefecture_code,
)
from graph.model import (
    ALLOWED_ENDPOINTS,
    DEFAULT_STRENGTH,
    AssetCategory,
    CentreKind,
    Expertise,
    FinancierKind,
    Node,
    NodeKind,
    Relation,
    RelationType,
    SpecialistBackground,
    is_valid_id,
    kind_word,
)

__all__ = [
    "CONTACT_COLUMNS",
    "WHEN_USED_COLUMNS",
    "MAX_CAPACITY",
    "MAX_EMPLOYEES",
    "MAX_NAME_LENGTH",
    "RELATION_COLUMNS",
    "RelationFields",
    "check_endpoints",
    "node_columns",
    "parse_node",
    "parse_relation",
    "required_columns",
]

# ---------------------------------------------------------------------------
# Field rules. Each check raises ValueError with the sentence a person reads.
# ---------------------------------------------------------------------------

MAX_NAME_LENGTH = 500
#: The most employees an enterprise may have: more than any firm in the world employs.
MAX_EMPLOYEES = 10_000_000
#: The most open referrals a centre may take at once.
MAX_CAPACITY = 100_000

_V = TypeVar("_V")

#: A text longer than the column allows: its limit and its length.
_AT_MOST = N_("must be at most {limit} characters, got {length}")


def _blank_to_none(value: Any) -> Any:
    """``value``, or None for a blank (empty or all-space) text: an absent optional value."""
    if isinstance(value, str) and value.strip() == "":
        return None
    return value


def _check_id(value: Any) -> str:
    """A node id (1 to 64 of A-Z a-z 0-9 _ . : -); raises ValueError saying what is wrong."""
    if not isinstance(value, str):
        raise ValueError(_("must be text"))
    if not is_valid_id(value):
        if len(value) > 64:
            raise ValueError(_(_AT_MOST, limit=64, length=len(value)))
        raise ValueError(
            _(
                "{value!r} is not a valid id: use 1 to 64 of the characters A-Z a-z 0-9 _ . : -",
                value=value,
            )
        )
    return value


def _check_name(value: Any) -> str:
    """A name: text, not blank, at most MAX_NAME_LENGTH characters; raises ValueError."""
    if not isinstance(value, str):
        raise ValueError(_("must be text"))
    if value.strip() == "":
        raise ValueError(_("must not be blank"))
    if len(value) > MAX_NAME_LENGTH:
        raise ValueError(_(_AT_MOST, limit=MAX_NAME_LENGTH, length=len(value)))
    return value


def _code_text(value: Any) -> str:
    """A code column's value as text: text (stripped), or a whole number given through JSON
    (``13`` for ``"13"``); raises ValueError for anything else (an object, a list)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ValueError(_("must be text"))


def _check_prefecture(value: Any) -> str:
    """A JIS X 0401 prefecture code, 01 to 47, given as the code or the prefecture's name
    (:func:`graph.japanese_values.prefecture_code`); raises ValueError for any other value."""
    text = _code_text(value)
    return text if text in PREFECTURE_BY_CODE else prefecture_code(text)


def _check_industry(value: Any) -> str:
    """A JSIC division letter, A to T, given as the letter or the division's Japanese name
    (:func:`graph.japanese_values.industry_letter`); raises ValueError for any other value."""
    text = _code_text(value)
    return text if text in JSIC_DIVISIONS else industry_letter(text)


def _enum_check(enum: type[StrEnum], what: str) -> Callable[[Any], str]:
    """A check that a code column holds one of the values of ``enum`` (a ``what``, marked
    with ``N_`` and said in the current language); the check raises ValueError listing
    them."""
    values = frozenset(member.value for member in enum)

    def check(value: Any) -> str:
        text = _code_text(value)
        if text in values:
            return text
        choices = ", ".join(member.value for member in enum)
        raise ValueError(
            _(
                "{value!r} is not a known {what}: use one of {choices}",
                value=text,
                what=_(what),
                choices=choices,
            )
        )

    return check


_WHOLE = re.compile(r"[+-]?[0-9]+")

#: The most digits a whole number may be written with: the bounds are checked after, and a
#: huge text is refused before it is turned into a number.
_MAX_DIGITS = 20


def _number_text(number: int) -> str:
    """A bound or a value as a person reads it: 10,000,000, but 1600 for a year."""
    if abs(number) >= 10**_MAX_DIGITS:
        return _("a number of {digits} digits", digits=len(str(abs(number))))
    return f"{number:,}" if abs(number) >= 10_000 else str(number)


def _whole_number(minimum: int, maximum: int, what: str) -> Callable[[Any], int]:
    """A check of a whole number from ``minimum`` to ``maximum``, given as a number (JSON) or
    as its digits (CSV; full-width digits and thousands separators too); the check raises
    ValueError naming the bounds and ``what`` (marked with ``N_``, said in the current
    language)."""

    def bounds(got: str) -> str:
        return _(
            "{what} must be from {minimum} to {maximum}, got {got}",
            what=_(what),
            minimum=_number_text(minimum),
            maximum=_number_text(maximum),
            got=got,
        )

    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(_("must be a whole number, got {value!r}", value=value))
        if isinstance(value, int):
            number = value
        else:
            text = value.strip()
            if not _WHOLE.fullmatch(text):
                text = number_text(text)
                if not _WHOLE.fullmatch(text):
                    raise ValueError(
                        _("must be a whole number, got {value!r}", value=value.strip())
                    )
            if len(text) > _MAX_DIGITS:
                raise ValueError(bounds(_("{digits} digits", digits=len(text))))
            number = int(text)
        if not minimum <= number <= maximum:
            raise ValueError(bounds(_number_text(number)))
        return number

    return check


def _check_founded(value: Any) -> int:
    """A founding year from 1600 to this year, given as a number or its digits, or as an
    era year (``平成20``, ``平成20年``, ``H20``); raises ValueError naming the bounds."""
    if isinstance(value, str) and not _WHOLE.fullmatch(number_text(value)):
        value = parse_year(value)
    return _whole_number(1600, date.today().year, N_("a founding year"))(value)


_EXPERTISE_WORDS = frozenset(member.value for member in Expertise)


def _check_expertise(value: Any) -> list[str]:
    """Expertise words (a ';'-separated text, or a list of texts), each known, at least
    one; repeated words once, in order. Raises ValueError naming the unknown words."""
    if isinstance(value, str):
        words = [word.strip() for word in value.split(";")]
    elif isinstance(value, list | tuple):
        if not all(isinstance(word, str) for word in value):
            raise ValueError(_("must be expertise words (text)"))
        words = [word.strip() for word in value]
    else:
        raise ValueError(_("must be expertise words separated by ';'"))
    words = [word for word in words if word]
    if not words:
        raise ValueError(_("must name at least one expertise"))
    unknown = [word for word in words if word not in _EXPERTISE_WORDS]
    if unknown:
        choices = ", ".join(member.value for member in Expertise)
        raise ValueError(
            _(
                "{words} not known: use {choices}",
                words=", ".join(map(repr, unknown)),
                choices=choices,
            )
        )
    return list(dict.fromkeys(words))


def _check_strength(value: Any) -> float:
    """A tie's strength, greater than 0 and at most 1 (DEFAULT_STRENGTH when absent);
    raises ValueError otherwise."""
    if value is None:
        return DEFAULT_STRENGTH
    if isinstance(value, str):
        value = number_text(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(
            _("must be a number greater than 0 and at most 1, got {value!r}", value=value)
        ) from None
    if not (0.0 < number <= 1.0):
        raise ValueError(_("must be greater than 0 and at most 1, got {value!r}", value=value))
    return number


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _check_day(value: Any) -> str:
    """A real day (or a date) as YYYY-MM-DD, given so or in another way a Japanese office
    writes it (:func:`graph.japanese_values.parse_day`: ``2020/4/1``, ``令和6年4月1日``,
    ``R6.4.1``); raises ValueError otherwise, e.g. for ``2020-02-30``, ``2020-1-1`` or
    ``平成32年1月1日``."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if _DAY.fullmatch(text):
        try:
            date.fromisoformat(text)
        except ValueError:
            raise ValueError(
                _("must be a date written YYYY-MM-DD, got {value!r}", value=text)
            ) from None
        return text
    return parse_day(text)


def _check_since(value: Any) -> str | None:
    """The day a tie began, YYYY-MM-DD and not in the future (None when absent); raises
    ValueError otherwise."""
    if value is None:
        return None
    text = _check_day(value)
    if text > date.today().isoformat():
        raise ValueError(_("must not be in the future, got {day}", day=text))
    return text


def _check_until(value: Any) -> str | None:
    """The day a tie stopped holding, YYYY-MM-DD; it may be in the future (a loan due to be
    repaid). None when absent; raises ValueError otherwise."""
    return None if value is None else _check_day(value)


def _until_text(until: str, since: str) -> str:
    """Why a tie may not stop holding on ``until`` when it began on ``since``."""
    return _("must not be before since ({since}), got {until}", since=since, until=until)


_check_relation_type = _enum_check(RelationType, N_("relation type"))


NodeId = Annotated[str, AfterValidator(_check_id)]
Name = Annotated[str, AfterValidator(_check_name)]
PrefectureCode = Annotated[str, BeforeValidator(_check_prefecture)]
OptionalPrefecture = Annotated[
    str | None,
    BeforeValidator(_blank_to_none),
    AfterValidator(lambda v: None if v is None else _check_prefecture(v)),
]


def _check_corporate_number(value: Any) -> str:
    """A corporate number (法人番号): 13 digits whose first checks the others, kept as its
    13 ASCII digits (:func:`graph.corporate_number.corporate_number`); raises ValueError
    saying what is wrong, a wrong check digit included."""
    return corporate_number(_code_text(value))


def _check_contact_text(value: Any) -> str:
    """An address or a phone number: free text, kept trimmed, at most MAX_NAME_LENGTH
    characters; raises ValueError otherwise."""
    if not isinstance(value, str):
        raise ValueError(_("must be text"))
    text = value.strip()
    if len(text) > MAX_NAME_LENGTH:
        raise ValueError(_(_AT_MOST, limit=MAX_NAME_LENGTH, length=len(text)))
    return text


#: How a file may say an enterprise consents (or not) to a referred centre seeing its
#: confidential ties; stored as ``yes`` or ``no``.
_CONSENT_WORDS: dict[str, str] = {
    **dict.fromkeys(("yes", "y", "true", "1", "はい", "同意", "有"), "yes"),
    **dict.fromkeys(("no", "n", "false", "0", "いいえ", "不同意", "無"), "no"),
}


def _check_consent(value: Any) -> str:
    """An enterprise's consent: ``yes`` or ``no`` (also はい/いいえ, true/false, 1/0);
    raises ValueError otherwise."""
    if not isinstance(value, str):
        raise ValueError(_("must be text"))
    found = _CONSENT_WORDS.get(value.strip().lower())
    if found is None:
        raise ValueError(_("must be yes or no, got {value!r}", value=value.strip()))
    return found


def _optional(check: Callable[[Any], _V]) -> BeforeValidator:
    """The validator of an optional column: a blank cell (or None) is absent, any other
    value must pass ``check``, which gives the value kept."""

    def validate(value: Any) -> _V | None:
        value = _blank_to_none(value)
        return None if value is None else check(value)

    return BeforeValidator(validate)


#: Every node file's optional ``ended``: the day the node stopped existing (a centre that
#: closed, a firm that was wound up); it may be in the future. Kept as ``props["ended"]``.
Ended = Annotated[str | None, _optional(_check_day)]
#: The optional contact columns of enterprises and financiers (see :data:`CONTACT_COLUMNS`).
CorporateNumber = Annotated[str | None, _optional(_check_corporate_number)]
ContactText = Annotated[str | None, _optional(_check_contact_text)]
#: An enterprise's optional ``consent``: ``yes`` lets a centre that holds an accepted or
#: in-progress referral of it see its confidential ties (see :mod:`graph.visibility`).
Consent = Annotated[str | None, _optional(_check_consent)]


class _Row(BaseModel):
    """A row of a dataset file; strings in, typed values out."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, frozen=True)


class EnterpriseRow(_Row):
    """A row of enterprises.csv."""

    id: NodeId
    name: Name
    prefecture: PrefectureCode
    industry: Annotated[str, BeforeValidator(_check_industry)]
    employees: Annotated[
        int | None, _optional(_whole_number(0, MAX_EMPLOYEES, N_("employees")))
    ] = None
    founded: Annotated[int | None, _optional(_check_founded)] = None
    corporate_number: CorporateNumber = None
    address: ContactText = None
    phone: ContactText = None
    consent: Consent = None
    ended: Ended = None


class AssetRow(_Row):
    """A row of assets.csv."""

    id: NodeId
    name: Name
    category: Annotated[str, BeforeValidator(_enum_check(AssetCategory, N_("asset category")))]
    prefecture: PrefectureCode
    ended: Ended = None


class CentreRow(_Row):
    """A row of centres.csv."""

    id: NodeId
    name: Name
    prefecture: PrefectureCode
    kind: Annotated[str, BeforeValidator(_enum_check(CentreKind, N_("centre kind")))]
    capacity: Annotated[int | None, _optional(_whole_number(1, MAX_CAPACITY, N_("capacity")))] = (
        None
    )
    ended: Ended = None


class FinancierRow(_Row):
    """A row of financiers.csv; a blank prefecture is a nationwide financier."""

    id: NodeId
    name: Name
    kind: Annotated[str, BeforeValidator(_enum_check(FinancierKind, N_("financier kind")))]
    prefecture: OptionalPrefecture = None
    corporate_number: CorporateNumber = None
    address: ContactText = None
    phone: ContactText = None
    ended: Ended = None


class SpecialistRow(_Row):
    """A row of specialists.csv; a blank prefecture is a nationwide specialist."""

    id: NodeId
    name: Name
    background: Annotated[
        str, BeforeValidator(_enum_check(SpecialistBackground, N_("specialist background")))
    ]
    expertise: Annotated[list[str], BeforeValidator(_check_expertise)]
    prefecture: OptionalPrefecture = None
    ended: Ended = None


class RelationRow(_Row):
    """A row of relations.csv (its ends not yet checked)."""

    source: NodeId
    type: Annotated[str, BeforeValidator(_check_relation_type)]
    target: NodeId
    strength: Annotated[float, BeforeValidator(lambda v: _check_strength(_blank_to_none(v)))] = (
        Field(default=DEFAULT_STRENGTH)
    )
    since: Annotated[str | None, BeforeValidator(lambda v: _check_since(_blank_to_none(v)))] = None
    until: Annotated[str | None, BeforeValidator(lambda v: _check_until(_blank_to_none(v)))] = None

    @field_validator("until")
    @classmethod
    def _until_after_since(cls, until: str | None, info: ValidationInfo) -> str | None:
        """``until`` may not come before ``since`` (the same day is a tie that never held,
        as a retraction before the tie began leaves it); raises ValueError otherwise."""
        since = info.data.get("since")
        if until is not None and since is not None and until < since:
            raise ValueError(_until_text(until, since))
        return until


_ROW_MODELS: dict[NodeKind, type[_Row]] = {
    NodeKind.ENTERPRISE: EnterpriseRow,
    NodeKind.ASSET: AssetRow,
    NodeKind.CENTRE: CentreRow,
    NodeKind.FINANCIER: FinancierRow,
    NodeKind.SPECIALIST: SpecialistRow,
}

#: The columns each node file must have.
_REQUIRED: dict[NodeKind, frozenset[str]] = {
    kind: frozenset(name for name, info in model.model_fields.items() if info.is_required())
    for kind, model in _ROW_MODELS.items()
}

RELATION_COLUMNS: tuple[str, ...] = tuple(RelationRow.model_fields)
_RELATION_KEYS = frozenset(RELATION_COLUMNS)


#: The optional columns that identify and reach an enterprise or a financier: its corporate
#: number (法人番号), address and phone. A file may have them; an export writes them only when
#: a node of the kind has one, so that a dataset without them keeps its columns.
CONTACT_COLUMNS: tuple[str, ...] = ("corporate_number", "address", "phone")

#: The optional columns an export writes only when a node of the kind has one: the contact
#: columns and an enterprise's ``consent``.
WHEN_USED_COLUMNS: tuple[str, ...] = (*CONTACT_COLUMNS, "consent")


def node_columns(kind: NodeKind, *, contact: bool = False) -> tuple[str, ...]:
    """The columns of a node file of ``kind``, required ones first, in contract order; with
    ``contact``, the kind's columns of :data:`WHEN_USED_COLUMNS` too (contact columns,
    consent), before ``ended`` (every column a file of the kind may have)."""
    columns = tuple(_ROW_MODELS[kind].model_fields)
    return columns if contact else tuple(c for c in columns if c not in WHEN_USED_COLUMNS)


def required_columns(kind: NodeKind | None) -> tuple[str, ...]:
    """The columns that must be present in a node file (or relations.csv for None)."""
    model = RelationRow if kind is None else _ROW_MODELS[kind]
    return tuple(name for name, info in model.model_fields.items() if info.is_required())


def _problems(error: ValidationError) -> list[tuple[str, str]]:
    """Turn pydantic's errors into (column, sentence) pairs, in the current language (the
    checks above raise theirs in it; pydantic's own are said by
    :func:`graph.errors.validation_sentence`)."""
    problems: list[tuple[str, str]] = []
    for item in error.errors(include_url=False):
        column = ".".join(str(part) for part in item["loc"][:1]) or "row"
        kind = item["type"]
        if kind == "missing":
            message = _("is required but missing")
        elif kind == "extra_forbidden":
            message = _("is not a column of this file")
        elif kind == "value_error" and "ctx" in item:
            message = str(item["ctx"]["error"])
        elif kind in {"string_type", "list_type"}:
            message = _("must be text")
        else:
            message = validation_sentence(item)
        problems.append((column, message))
    return problems


def parse_node(kind: NodeKind, row: dict[str, Any]) -> Node:
    """Validate one row of a node file into a :class:`Node`.

    Blank strings count as missing for optional columns. Raises :class:`RowInvalid` with
    every problem of the row as (column, sentence).
    """
    model = _ROW_MODELS[kind]
    required = _REQUIRED[kind]
    cleaned = {
        key: value
        for key, value in row.items()
        if key in required or not (value is None or (isinstance(value, str) and not value.strip()))
    }
    try:
        parsed = model.model_validate(cleaned)
    except ValidationError as error:
        raise RowInvalid(_problems(error)) from None
    # the fields hold plain values (text, whole numbers, lists of words): no serializing needed
    values = {key: value for key, value in parsed.__dict__.items() if value is not None}
    return Node(id=values.pop("id"), kind=kind, name=values.pop("name"), props=values)


_RELATION_TYPES = {kind.value: kind for kind in RelationType}


#: Today when the module was imported: a later date sends a row to the model, which knows
#: the real date, so a server running past midnight is slower for such rows, never wrong.
_IMPORTED_ON = date.today().isoformat()


def _real_day(text: str) -> bool:
    """Whether ``text`` is a real day written YYYY-MM-DD."""
    if not _DAY.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _plain_relation(row: dict[str, Any]) -> Relation | None:
    """The common case of a well-formed CSV row, checked by hand; None when anything is off
    (or unusual), so that the model gives the full, readable account of it."""
    if not row.keys() <= _RELATION_KEYS:
        return None
    source, kind, target = row.get("source"), row.get("type"), row.get("target")
    strength, since = row.get("strength", ""), row.get("since", "")
    until = row.get("until", "")
    if not (
        type(source) is str
        and type(target) is str
        and type(strength) is str
        and type(since) is str
        and type(until) is str
    ):
        return None
    relation_type = _RELATION_TYPES.get(kind) if isinstance(kind, str) else None
    if (
        relation_type is None
        or source == target
        or not (is_valid_id(source) and is_valid_id(target))
    ):
        return None
    try:
        value = float(strength) if strength else DEFAULT_STRENGTH
    except ValueError:
        return None
    if not 0.0 < value <= 1.0:
        return None
    if since and (since > _IMPORTED_ON or not _real_day(since)):
        return None
    if until and (not _real_day(until) or (since and until < since)):
        return None
    return Relation(source, relation_type, target, value, since or None, until or None)


_COLUMN_PATTERNS = {
    "source": r"[A-Za-z0-9_.:\-]{1,64}",
    "target": r"[A-Za-z0-9_.:\-]{1,64}",
    "type": "(?:" + "|".join(re.escape(kind.value) for kind in RelationType) + ")",
    "strength": r"(?:[01](?:\.[0-9]+)?)?",
    "since": r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2})?",
    "until": r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2})?",
}


class RelationFields:
    """The common case of relations.csv records, checked in bulk for one file's header.

    One regular expression, built for the header's column order, checks a whole record at
    once (no pattern admits a comma, so a record whose fields hold one never matches); the
    few checks left (the range of the strength, real days, a past ``since``, an ``until``
    not before it, two different ends) are done by hand, each day once per file. A record
    that is unusual in any way gives None, and goes to :func:`parse_relation`, whose model
    words every problem. Both accept the same records and give the same relation, which a
    test checks on random records.
    """

    def __init__(self, header: list[str]):
        if not {"source", "type", "target"} <= set(header) <= _RELATION_KEYS:
            raise ValueError(f"not a relations.csv header: {header!r}")
        self._match = re.compile(",".join(_COLUMN_PATTERNS[column] for column in header)).fullmatch
        self._source = header.index("source")
        self._type = header.index("type")
        self._target = header.index("target")
        self._strength = header.index("strength") if "strength" in header else None
        self._since = header.index("since") if "since" in header else None
        self._until = header.index("until") if "until" in header else None
        # the days already found real (and, for since, not in the future)
        self._days: set[str] = set()
        self._until_days: set[str] = set()

    def __call__(self, fields: list[str]) -> Relation | None:
        """The relation of a well-formed record, or None to send it through the model."""
        if self._match(",".join(fields)) is None:
            return None
        source, target = fields[self._source], fields[self._target]
        if source == target:
            return None
        strength = fields[self._strength] if self._strength is not None else ""
        value = float(strength) if strength else DEFAULT_STRENGTH
        if not 0.0 < value <= 1.0:
            return None
        since = fields[self._since] if self._since is not None else ""
        if since and since not in self._days:
            if since > _IMPORTED_ON:
                return None
            try:
                date.fromisoformat(since)
            except ValueError:
                return None
            self._days.add(since)
        if self._until is None:
            return Relation(
                source, _RELATION_TYPES[fields[self._type]], target, value, since or None
            )
        until = fields[self._until]
        if until:
            if until not in self._until_days:
                try:
                    date.fromisoformat(until)
                except ValueError:
                    return None
                self._until_days.add(until)
            if since and until < since:
                return None
        return Relation(
            source, _RELATION_TYPES[fields[self._type]], target, value, since or None, until or None
        )


def parse_relation(row: dict[str, Any]) -> Relation:
    """Validate one row of relations.csv into a :class:`Relation` (endpoints not yet checked).

    Raises :class:`RowInvalid` with every problem of the row as (column, sentence).
    """
    plain = _plain_relation(row)
    return plain if plain is not None else _modelled_relation(row)


def _modelled_relation(row: dict[str, Any]) -> Relation:
    """parse_relation through the pydantic model, which words every problem."""
    try:
        parsed = RelationRow.model_validate(row)
    except ValidationError as error:
        raise RowInvalid(_problems(error)) from None
    if parsed.source == parsed.target:
        raise RowInvalid([("target", _("a node cannot be tied to itself"))])
    return Relation(
        source=parsed.source,
        type=RelationType(parsed.type),
        target=parsed.target,
        strength=parsed.strength,
        since=parsed.since,
        until=parsed.until,
    )


def check_endpoints(relation: Relation, source_kind: NodeKind, target_kind: NodeKind) -> None:
    """Check that ``relation`` may join a ``source_kind`` node to a ``target_kind`` node.

    Raises :class:`RowInvalid` on the ``type`` column, naming the kinds the type allows.
    """
    allowed = ALLOWED_ENDPOINTS[relation.type]
    if (source_kind, target_kind) in allowed:
        return
    options = _(" or ").join(
        _("{source} -> {target}", source=kind_word(s), target=kind_word(t))
        for s, t in sorted(allowed)
    )
    message = _(
        "{type} cannot join {source_kind} {source!r} to {target_kind} {target!r}: it joins "
        "{options}",
        type=relation.type.value,
        source_kind=kind_word(source_kind),
        source=relation.source,
        target_kind=kind_word(target_kind),
        target=relation.target,
        options=options,
    )
    raise RowInvalid([("type", message)])
