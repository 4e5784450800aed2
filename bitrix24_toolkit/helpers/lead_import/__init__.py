"""Lead import: rows from a CSV file, dicts or a DataFrame, checked, deduplicated and written in bulk.

- :func:`import_leads` (a helper) returns an :class:`ImportReport`, one :class:`ImportRow` per source row;
- the reading, mapping and checks are plain functions, usable without a portal: :func:`read_source`,
  :func:`detect_encoding`, :func:`detect_delimiter`, :func:`normalize_phone`, :func:`normalize_email`,
  :func:`resolve_mapping` and :func:`prepare`.
"""

from ._import import Dedupe, import_leads
from ._report import ImportReport, ImportRow, RowStatus
from ._rules import ColumnTarget, PreparedLead, normalize_email, normalize_phone, prepare, resolve_mapping
from ._source import SourceRow, SourceTable, detect_delimiter, detect_encoding, read_source

__all__ = [
    "ColumnTarget",
    "Dedupe",
    "ImportReport",
    "ImportRow",
    "PreparedLead",
    "RowStatus",
    "SourceRow",
    "SourceTable",
    "detect_delimiter",
    "detect_encoding",
    "import_leads",
    "normalize_email",
    "normalize_phone",
    "prepare",
    "read_source",
    "resolve_mapping",
]
