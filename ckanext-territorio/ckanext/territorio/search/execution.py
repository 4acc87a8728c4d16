"""Running a search's SQL: a statement timeout, and failures told in Spanish.

A search runs in CKAN's own session (it must see the request's uncommitted
index writes), so the timeout is ``SET LOCAL`` (``set_config(..., true)``) in
that transaction, taken before the first statement and put back after the
last one: a write later in the same transaction keeps the site's setting.
PostgreSQL's own error text names tables and echoes the statement, so it goes
to the log and never to the client.
"""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from ckan import model
from ckan.lib.search.common import SearchError, SearchQueryError
from sqlalchemy.exc import DBAPIError

from . import config

log = logging.getLogger(__name__)

# PostgreSQL's query_canceled: statement_timeout expired.
_QUERY_CANCELED = "57014"
_TAKE = sa.text(
    "SELECT current_setting('statement_timeout'), set_config('statement_timeout', :limit, true)"
)
_PUT_BACK = sa.text("SELECT set_config('statement_timeout', :previous, true)")


class Budget:
    """Executes a search's statements under ``statement_timeout``."""

    def __init__(self, milliseconds: int) -> None:
        """``milliseconds``: the limit per statement, 0 for none."""
        self.milliseconds = milliseconds
        self.previous: str | None = None

    def execute(self, statement: Any, parameters: dict[str, Any] | None = None) -> Any:
        """Run ``statement`` (with ``parameters``), setting the timeout before the first one."""
        if self.milliseconds > 0 and self.previous is None:
            self.previous = model.Session.execute(
                _TAKE, {"limit": f"{self.milliseconds}ms"}
            ).scalar()
        return model.Session.execute(statement, parameters or None)

    def document_rows(
        self, statement: Any, parameters: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Rows of a documents statement, as dicts."""
        return [dict(r) for r in self.execute(statement, parameters).mappings()]

    def plain_rows(
        self, statement: Any, parameters: dict[str, Any] | None = None
    ) -> list[list[Any]]:
        """Rows of a summary statement, as lists."""
        return [list(r) for r in self.execute(statement, parameters)]

    def put_back(self) -> None:
        """Restore the transaction's own statement_timeout."""
        if self.previous is not None:
            model.Session.execute(_PUT_BACK, {"previous": self.previous})
            self.previous = None


@contextlib.contextmanager
def guarded(description: Any) -> Iterator[Budget]:
    """A Budget for one search; database failures become Spanish search errors."""
    budget = Budget(config.statement_timeout())
    try:
        yield budget
        budget.put_back()
    except DBAPIError as error:
        model.Session.rollback()
        if getattr(error.orig, "pgcode", None) == _QUERY_CANCELED:
            log.warning("Search cancelled by statement_timeout: %r", description)
            seconds = budget.milliseconds / 1000
            raise SearchQueryError(
                f"La búsqueda superó el tiempo máximo de {seconds:g} s y se canceló. "
                "Acótela con menos términos, sin comodines o con filtros."
            ) from None
        log.exception("Search failed for %r", description)
        raise SearchError(
            "El buscador no pudo completar la consulta. Revise sus parámetros o "
            "inténtelo más tarde."
        ) from None
    except RecursionError:
        raise SearchQueryError("La consulta está demasiado anidada.") from None
