"""The stateless vocabulary of REST calls: ``CrmCalls().deal.get(5)`` builds a ``Call[Deal]``.

A call factory describes a call and remembers nothing: the same expression builds the same call whichever
client or portal runs it. Per-portal state (field descriptions, limits, tokens) belongs to the client
that runs the call. Helpers and the client namespaces both build their calls from here.
"""

from .bulk import BulkItem, BulkResult
from .departments import DepartmentCalls
from .feed import BlogPostCalls
from .root import CrmCalls, UserCalls
from .tasks import ChecklistCalls, DependenceCalls, TaskCalls
from .workgroups import WorkgroupCalls

__all__ = [
    "BlogPostCalls",
    "BulkItem",
    "BulkResult",
    "ChecklistCalls",
    "CrmCalls",
    "DepartmentCalls",
    "DependenceCalls",
    "TaskCalls",
    "UserCalls",
    "WorkgroupCalls",
]
