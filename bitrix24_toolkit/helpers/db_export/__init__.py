"""The CRM in a real database: :func:`export` into DuckDB (embedded) or PostgreSQL, incremental and
resumable, for notebooks, SQL and BI tools (see ``docs/export.md``)."""

from ._export import export
from ._report import EntityReport, ExportReport
from ._reports import db_funnel_snapshot, db_lead_funnel

__all__ = ["EntityReport", "ExportReport", "db_funnel_snapshot", "db_lead_funnel", "export"]
