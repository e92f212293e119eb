"""Bodies of the audit log route (:mod:`api.routers.audit`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from graph.audit import AuditEntry

__all__ = ["AuditEntryPublic", "AuditPublic"]


class AuditEntryPublic(BaseModel):
    # one entry as answers show it (no docstring: it would become the schema's description)
    id: str = Field(description="The entry's id.")
    at: str = Field(description="When the answer was given (ISO 8601, UTC, to the microsecond).")
    key: str = Field(description="The name of the key that asked.")
    route: str = Field(description="The method and path (with its query) of the request.")
    enterprises: list[str] = Field(
        description="The ids of the enterprises whose confidential ties the answer showed, sorted."
    )

    @classmethod
    def from_domain(cls, entry: AuditEntry) -> AuditEntryPublic:
        return cls(
            id=entry.id,
            at=entry.at,
            key=entry.key,
            route=entry.route,
            enterprises=list(entry.enterprises),
        )


class AuditPublic(BaseModel):
    entries: list[AuditEntryPublic] = Field(description="The entries, oldest first.")
    count: int = Field(description="How many entries the answer holds.")

    @classmethod
    def from_domain(cls, entries: list[AuditEntry]) -> AuditPublic:
        return cls(
            entries=[AuditEntryPublic.from_domain(entry) for entry in entries], count=len(entries)
        )
