"""Choose which requisites a deal (quote, invoice, smart-process item) uses, with the portal's checks first.

``crm.requisite.link.register`` refuses a client requisite that does not belong to the deal's company or
one of its contacts, bank details of another requisite, and a seller requisite that does not belong to the
deal's "my company" (reference 6.5). ``link_requisites`` reads the deal and the requisites in one batch and
reports these cases as :class:`RequisiteLinkError` (an ``InvalidInputError``) naming the field, before the
write is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import InvalidInputError, NotFoundError
from ...models.crm import Company
from ...models.requisites import BankDetail, Requisite, RequisiteLink
from ...protocol.batch import Batch, Outcome
from ...protocol.call import Call, Flow
from ...services import CrmCalls
from ..base import helper

__all__ = ["RequisiteLinkError", "link_requisites"]

_OWNER_NAMES = {3: "contact", 4: "company"}


class RequisiteLinkError(InvalidInputError):
    """A requisite or bank detail cannot be linked to this object (found before the request)."""


def _ids(value: Any) -> list[int]:
    items = value if isinstance(value, list) else [value]
    out: list[int] = []
    for item in items:
        if isinstance(item, int | str) and str(item).strip().isdigit() and int(item) > 0:
            out.append(int(item))
    return out


def _item(response_result: Any) -> dict[str, Any]:
    item = response_result.get("item") if isinstance(response_result, Mapping) else None
    return dict(item) if isinstance(item, Mapping) else {}


def _value(outcome: Outcome[Any], field: str, what: str) -> Any:
    if isinstance(outcome.error, NotFoundError):
        raise RequisiteLinkError(f"{field}: {what} does not exist", field=field)
    return outcome.unwrap()


def _check_client(item: Mapping[str, Any], requisite: Requisite, where: str) -> None:
    company = (_ids(item.get("companyId")) or [0])[0]
    contacts = _ids(item.get("contactIds")) + _ids(item.get("contactId"))
    owner = (requisite.entity_type_id, requisite.entity_id)
    if owner == (4, company) or (owner[0] == 3 and owner[1] in contacts):
        return
    client = [f"company {company}"] if company else []
    client += [f"contact {c}" for c in dict.fromkeys(contacts)]
    raise RequisiteLinkError(
        f"requisite_id: requisite {requisite.id} belongs to {_OWNER_NAMES.get(owner[0] or 0, 'owner')} "
        f"{owner[1]}, but the client of {where} is {', '.join(client) or 'not set'}: link a requisite of the "
        "client (or set the client first)",
        field="requisite_id",
    )


def _check_bank(bank: BankDetail, requisite_id: int, field: str) -> None:
    if bank.entity_id != requisite_id:
        raise RequisiteLinkError(
            f"{field}: bank details {bank.id} belong to requisite {bank.entity_id}, not to {requisite_id}",
            field=field,
        )


def _check_mine(item: Mapping[str, Any], requisite: Requisite, where: str) -> Flow[None]:
    crm = CrmCalls()
    if requisite.entity_type_id != 4:
        raise RequisiteLinkError(
            f"mc_requisite_id: requisite {requisite.id} belongs to a contact; your company's requisite "
            "belongs to a company with IS_MY_COMPANY=Y",
            field="mc_requisite_id",
        )
    mine = (_ids(item.get("mycompanyId")) or [0])[0]
    if mine:
        if requisite.entity_id != mine:
            raise RequisiteLinkError(
                f"mc_requisite_id: requisite {requisite.id} belongs to company {requisite.entity_id}, but "
                f"the seller (my company) of {where} is company {mine}",
                field="mc_requisite_id",
            )
        return
    # No seller on the object (legacy deals may not show one, unconfirmed): the portal wants a my-company.
    company: Company = yield crm.company.get(int(requisite.entity_id or 0))
    if not company.is_my_company:
        raise RequisiteLinkError(
            f"mc_requisite_id: requisite {requisite.id} belongs to company {company.id} "
            f"({company.title!r}), which is not one of your companies (IS_MY_COMPANY=N)",
            field="mc_requisite_id",
        )


@helper
def link_requisites(
    entity_id: int,
    *,
    requisite_id: int | None = None,
    bank_detail_id: int | None = None,
    mc_requisite_id: int | None = None,
    mc_bank_detail_id: int | None = None,
    entity_type_id: int = 2,
) -> Flow[RequisiteLink]:
    """Set the client's and your company's requisite and bank details of a deal (crm.requisite.link...)."""
    crm = CrmCalls()
    register = crm.requisite.link.register(  # checks the ids and the kind of object before anything else
        entity_type_id,
        entity_id,
        requisite_id=requisite_id,
        bank_detail_id=bank_detail_id,
        mc_requisite_id=mc_requisite_id,
        mc_bank_detail_id=mc_bank_detail_id,
    )
    chosen: dict[str, int] = {k.lower(): int(v) for k, v in register.params["fields"].items()}
    where = f"{'deal' if entity_type_id == 2 else f'item {entity_type_id}:'} {chosen['entity_id']}"
    calls: dict[str, Call[Any]] = {
        "item": Call("crm.item.get", {"entityTypeId": chosen["entity_type_id"], "id": chosen["entity_id"]})
    }
    for name in ("requisite_id", "mc_requisite_id"):
        if chosen[name]:
            calls[name] = crm.requisite.get(chosen[name])
    for name in ("bank_detail_id", "mc_bank_detail_id"):
        if chosen[name]:
            calls[name] = crm.requisite.bankdetail.get(chosen[name])
    outcomes: list[Outcome[Any]] = yield Batch(calls)
    got = dict(zip(calls, outcomes, strict=True))
    item = _item(_value(got["item"], "entity_id", where))
    if chosen["requisite_id"]:
        requisite = _value(got["requisite_id"], "requisite_id", f"requisite {chosen['requisite_id']}")
        _check_client(item, requisite, where)
    if chosen["bank_detail_id"]:
        bank = _value(got["bank_detail_id"], "bank_detail_id", f"bank details {chosen['bank_detail_id']}")
        _check_bank(bank, chosen["requisite_id"], "bank_detail_id")
    if chosen["mc_requisite_id"]:
        mine = _value(got["mc_requisite_id"], "mc_requisite_id", f"requisite {chosen['mc_requisite_id']}")
        yield from _check_mine(item, mine, where)
    if chosen["mc_bank_detail_id"]:
        bank = _value(
            got["mc_bank_detail_id"], "mc_bank_detail_id", f"bank details {chosen['mc_bank_detail_id']}"
        )
        _check_bank(bank, chosen["mc_requisite_id"], "mc_bank_detail_id")
    yield register
    return RequisiteLink.model_validate({key.upper(): value for key, value in chosen.items()})
