"""The audit log of confidential ties (admin): every answer that showed a lender, a
guarantor, an investor or an advisor of a firm, with the key that asked (see
:mod:`graph.audit`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.exceptions import RequestValidationError

from api.deps import Admin, Keys
from api.errors import responses
from api.responses import model_json
from api.schemas.audit import AuditPublic
from graph.audit import KEY_NAME_LIMIT, audit_since
from graph.errors import InvalidArgument
from graph.i18n import DEFAULT_LANGUAGE, language

__all__ = ["LIMIT_MAX", "router"]

router = APIRouter(tags=["audit"])

#: The most entries one answer may be asked for with ``limit``.
LIMIT_MAX = 100_000


def _since(since: str | None) -> str | None:
    """The lower bound of ``since``; a 422 naming ``since`` for anything but a day or a
    time."""
    if since is None:
        return None
    try:
        return audit_since(since)
    except InvalidArgument as error:
        message = str(error)
        if language() == DEFAULT_LANGUAGE:  # "since must be ...": the field says "since"
            message = message.removeprefix("since ")
        raise RequestValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ("query", "since"),
                    "msg": message,
                    "input": since,
                    "ctx": {"error": message},
                }
            ]
        ) from None


@router.get(
    "/audit",
    response_model=AuditPublic,
    summary="The audit log of answers that showed confidential ties (admin)",
    responses=responses(
        401, 403, 422, 503, r422="A `since` that is neither a day nor a time, or a bad `limit`."
    ),
)
def get_audit(
    keys: Keys,
    caller: Admin,
    since: Annotated[
        str | None,
        Query(
            description="Only the entries from this day (YYYY-MM-DD, from its first moment "
            "in UTC) or this time (ISO 8601; UTC when it has no offset) on.",
        ),
    ] = None,
    key: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=KEY_NAME_LIMIT,
            description="Only the entries of the key of this name.",
        ),
    ] = None,
    limit: Annotated[
        int | None,
        Query(ge=1, le=LIMIT_MAX, description="Only the newest `limit` entries."),
    ] = None,
) -> Response:
    """Every answer of the API that showed a confidential tie, whoever asked (admins too):
    when, the name of the key, the route, and the enterprises concerned; oldest first.
    Entries are never changed or deleted."""
    found = keys.audit(since=_since(since), key=key, limit=limit)
    return model_json(AuditPublic.from_domain(found))
