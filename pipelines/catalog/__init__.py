"""The catalog: every table and SQL statement of a data home's ``catalog.sqlite3``, its migrations and the
typed read model. Services call it; it imports only the libraries (``ingest``, ``classify``, ``search``)."""

from pipelines.catalog.db import Tx, connect, dumps, now

__all__ = ["Tx", "connect", "dumps", "now"]
