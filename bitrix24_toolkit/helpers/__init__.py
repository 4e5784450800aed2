"""Workflows a CRM team lives by, as functions whose first argument is a client.

Each helper returns its value with :class:`~bitrix24_toolkit.Bitrix24` and an awaitable with
:class:`~bitrix24_toolkit.AsyncBitrix24`; inside is one flow (``helper.flow(...)``), testable without HTTP.
"""

from .activities import (
    ActivityCounters,
    MyActivities,
    OpenActivity,
    add_comment,
    complete_activity,
    my_activities,
    plan_activity,
)
from .base import Helper, helper
from .deal_products import DealProducts, DealProductsError, ProductLine, deal_products, set_deal_products
from .funnel import funnel_breakdown, funnel_flow, funnel_snapshot, lead_funnel
from .funnel_report import FunnelBreakdown, FunnelFlow, FunnelSnapshot, LeadFunnel, Stage
from .history import History, HistoryEvent, history
from .holding import (
    PARENT_FIELD,
    PARENT_XML_ID,
    ancestors,
    clear_parent,
    ensure_parent_field,
    holding_totals,
    holding_tree,
    root_of,
    set_parent,
    subsidiaries,
)
from .holding_model import (
    CompanyNotFoundError,
    HoldingCycleError,
    HoldingError,
    HoldingFieldError,
    HoldingNode,
    HoldingTree,
    build_tree,
    parse_parent,
)
from .holding_render import render_tree
from .holding_totals import DealBucket, HoldingTotals
from .lead_conversion import convert_lead, convert_leads
from .lead_conversion_types import (
    ConversionReport,
    ConversionResult,
    ConvertedObject,
    LeadAlreadyConvertedError,
    LeadConversionError,
    LeadConversionFailedError,
    LeadConversionIncompleteError,
    LeadJunkError,
    LeadNotFoundError,
    LeadReport,
)
from .lead_import import import_leads
from .lead_import_report import ImportReport, ImportRow
from .my_company import MyCompany, MyCompanyNotFoundError, ensure_my_company, my_companies, pick_my_company
from .owner import Owner
from .pipeline import PipelineChanges, PipelineError, StageChange, StageSpec, ensure_pipeline
from .requisite_details import CompanyDetails, RequisiteDetails, company_details, requisites_of
from .requisite_linking import RequisiteLinkError, link_requisites
from .requisite_presets import PresetNotFoundError, find_preset, list_presets, preset_fields
from .requisite_search import CompanyMatch, find_companies_by_inn
from .requisites import (
    RequisiteWriteError,
    SavedRequisite,
    add_requisite,
    import_requisites,
    upsert_requisite,
)
from .robots import (
    PropertyType,
    Robot,
    RobotProperty,
    RobotRequest,
    log_progress,
    parse_robot_request,
    register_activity,
    register_robot,
    reply,
)
from .ru_identifiers import (
    validate_account,
    validate_bik,
    validate_inn,
    validate_kpp,
    validate_ogrn,
    validate_ogrnip,
)
from .subscriptions import SubscriptionChanges, sync_subscriptions

__all__ = [
    "PARENT_FIELD",
    "PARENT_XML_ID",
    "ActivityCounters",
    "CompanyDetails",
    "CompanyMatch",
    "CompanyNotFoundError",
    "ConversionReport",
    "ConversionResult",
    "ConvertedObject",
    "DealBucket",
    "DealProducts",
    "DealProductsError",
    "FunnelBreakdown",
    "FunnelFlow",
    "FunnelSnapshot",
    "Helper",
    "History",
    "HistoryEvent",
    "HoldingCycleError",
    "HoldingError",
    "HoldingFieldError",
    "HoldingNode",
    "HoldingTotals",
    "HoldingTree",
    "ImportReport",
    "ImportRow",
    "LeadAlreadyConvertedError",
    "LeadConversionError",
    "LeadConversionFailedError",
    "LeadConversionIncompleteError",
    "LeadFunnel",
    "LeadJunkError",
    "LeadNotFoundError",
    "LeadReport",
    "MyActivities",
    "MyCompany",
    "MyCompanyNotFoundError",
    "OpenActivity",
    "Owner",
    "PipelineChanges",
    "PipelineError",
    "PresetNotFoundError",
    "ProductLine",
    "PropertyType",
    "RequisiteDetails",
    "RequisiteLinkError",
    "RequisiteWriteError",
    "Robot",
    "RobotProperty",
    "RobotRequest",
    "SavedRequisite",
    "Stage",
    "StageChange",
    "StageSpec",
    "SubscriptionChanges",
    "add_comment",
    "add_requisite",
    "ancestors",
    "build_tree",
    "clear_parent",
    "company_details",
    "complete_activity",
    "convert_lead",
    "convert_leads",
    "deal_products",
    "ensure_my_company",
    "ensure_parent_field",
    "ensure_pipeline",
    "find_companies_by_inn",
    "find_preset",
    "funnel_breakdown",
    "funnel_flow",
    "funnel_snapshot",
    "helper",
    "history",
    "holding_totals",
    "holding_tree",
    "import_leads",
    "import_requisites",
    "lead_funnel",
    "link_requisites",
    "list_presets",
    "log_progress",
    "my_activities",
    "my_companies",
    "parse_parent",
    "parse_robot_request",
    "pick_my_company",
    "plan_activity",
    "preset_fields",
    "register_activity",
    "register_robot",
    "render_tree",
    "reply",
    "requisites_of",
    "root_of",
    "set_deal_products",
    "set_parent",
    "subsidiaries",
    "sync_subscriptions",
    "upsert_requisite",
    "validate_account",
    "validate_bik",
    "validate_inn",
    "validate_kpp",
    "validate_ogrn",
    "validate_ogrnip",
]
