"""Org structure: departments, heads and employees from HR data (1C:ZUP, Active Directory, a spreadsheet).

- :func:`sync_org_structure` (a helper) makes the portal match the source and returns an
  :class:`OrgReport` (one :class:`OrgEntry` per department and employee: create / update / move / invite /
  deactivate / unchanged, with reasons); a bad source raises :class:`OrgStructureError` before any request;
- :class:`OrgSource` holds the two tables; :func:`org_tree` reads the portal's tree (:class:`OrgTree`).
"""

from ._report import OrgEntry, OrgReport
from ._sources import OrgSource
from ._structure import OrgStructureError, Problem
from ._sync import sync_org_structure
from ._tree import OrgNode, OrgTree, org_tree

__all__ = [
    "OrgEntry",
    "OrgNode",
    "OrgReport",
    "OrgSource",
    "OrgStructureError",
    "OrgTree",
    "Problem",
    "org_tree",
    "sync_org_structure",
]
