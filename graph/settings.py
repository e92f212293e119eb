"""Settings from the environment (and an optional ``.env``), built on demand, never at import."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.errors import ConfigurationError, validation_sentence
from graph.i18n import DEFAULT_LANGUAGE, LANGUAGES, _, language_or_none
from graph.model import RelationType
from graph.visibility import confidential_types_from

__all__ = ["Backend", "Settings", "load_settings"]


class Backend(StrEnum):
    EMBEDDED = "embedded"
    NEO4J = "neo4j"


class Settings(BaseSettings):
    """What rsn reads from the environment.

    ``RSN_BACKEND`` picks the store; ``RSN_DATA_DIR`` holds the embedded store and the API
    keys whichever backend is used; ``NEO4J_*`` reach a Neo4j server or cluster.
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    backend: Backend = Field(default=Backend.EMBEDDED, alias="RSN_BACKEND")
    data_dir: Path = Field(default=Path("data"), alias="RSN_DATA_DIR")
    neo4j_uri: str | None = Field(default=None, alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", alias="NEO4J_USER")
    neo4j_password: SecretStr | None = Field(default=None, alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", alias="NEO4J_DATABASE")
    #: Use rsn's Neo4j plugin (its path procedure) when the server has it; off: plain Cypher.
    neo4j_procedures: bool = Field(default=True, alias="RSN_NEO4J_PROCEDURES")
    batch_size: int = Field(default=10_000, alias="RSN_BATCH_SIZE", ge=100, le=200_000)
    #: The confidential relation types, comma-separated (see :mod:`graph.visibility`); unset:
    #: LENDS_TO, GUARANTEES, INVESTS_IN and ADVISES; blank: none.
    confidential_types_text: str | None = Field(default=None, alias="RSN_CONFIDENTIAL_TYPES")
    #: The language people read when nothing else asks (``en`` or ``ja``; see graph.i18n).
    default_language: str = Field(default=DEFAULT_LANGUAGE, alias="RSN_LANG")

    @field_validator("default_language")
    @classmethod
    def _spoken(cls, value: str) -> str:
        chosen = language_or_none(value)
        if chosen is None:
            raise ValueError(
                _("{value!r}: use one of {choices}", value=value, choices=", ".join(LANGUAGES))
            )
        return chosen

    @field_validator("confidential_types_text")
    @classmethod
    def _known_types(cls, value: str | None) -> str | None:
        confidential_types_from(value)
        return value

    @property
    def confidential_types(self) -> frozenset[RelationType]:
        """The relation types whose ties only those entitled see."""
        return confidential_types_from(self.confidential_types_text)

    def require_neo4j(self) -> tuple[str, str, str]:
        """The URI, user and password for Neo4j; raises ConfigurationError when one is missing."""
        if not self.neo4j_uri:
            raise ConfigurationError(
                _(
                    "RSN_BACKEND=neo4j needs NEO4J_URI (for example bolt://127.0.0.1:7687); "
                    "`make neo4j` starts a local one and prints the settings"
                )
            )
        if self.neo4j_password is None:
            raise ConfigurationError(_("RSN_BACKEND=neo4j needs NEO4J_PASSWORD"))
        return self.neo4j_uri, self.neo4j_user, self.neo4j_password.get_secret_value()


def load_settings(**overrides: Any) -> Settings:
    """Read the settings now; raises ConfigurationError naming the bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigurationError(
            _("bad setting {where}: {message}", where=where, message=validation_sentence(first))
        ) from None
