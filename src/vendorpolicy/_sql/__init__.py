"""Rule sets compiled to SQL, so that screening runs inside a database (DuckDB, PostgreSQL).

The plain interpreter stays the specification: the compiled query gives, row by row, the
interpreter's effect, basis, determining rule keys and missing facts (see ``docs/scale.md``
for how each column of the purchases table maps onto a purchase, and for what SQL ``NULL``
means in each). This package imports the model and the predicates, never the engine.
"""

from vendorpolicy._sql._compiler import (
    COLUMNS,
    DECISION_COLUMNS,
    FACT_PREFIX,
    Query,
    compile_query,
    to_sql,
)
from vendorpolicy._sql._rows import purchase_columns
from vendorpolicy._sql._where import CATALOG_COLUMNS, to_sql_where

__all__ = [
    "CATALOG_COLUMNS",
    "COLUMNS",
    "DECISION_COLUMNS",
    "FACT_PREFIX",
    "Query",
    "compile_query",
    "purchase_columns",
    "to_sql",
    "to_sql_where",
]
