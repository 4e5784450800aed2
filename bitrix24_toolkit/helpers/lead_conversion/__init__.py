"""Lead conversion over REST, as the conversion wizard does it: ``convert_lead``, ``convert_leads``.

A contact, a company and a deal from the lead (found again, not duplicated, when a run is repeated or an
existing client matches), product rows copied, the lead closed; typed results and errors.
"""

from ._convert import LEAD_SELECT, convert_lead, convert_leads
from ._types import (
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
    Reason,
    Status,
    Via,
)

__all__ = [
    "LEAD_SELECT",
    "ConversionReport",
    "ConversionResult",
    "ConvertedObject",
    "LeadAlreadyConvertedError",
    "LeadConversionError",
    "LeadConversionFailedError",
    "LeadConversionIncompleteError",
    "LeadJunkError",
    "LeadNotFoundError",
    "LeadReport",
    "Reason",
    "Status",
    "Via",
    "convert_lead",
    "convert_leads",
]
