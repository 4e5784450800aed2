"""Requisites of companies and contacts in one flow: add, upsert by INN (+KPP), import, find by INN.

    saved = add_requisite(b24, "company", 5, {"RQ_INN": "7707083893", "RQ_KPP": "773601001", ...},
                          bank_details=[{"NAME": "Main account", "RQ_BIK": "044525225", ...}],
                          addresses={AddressType.LEGAL: {"ADDRESS_1": "...", "CITY": "Москва"}})

The preset is found by country and kind (``country="RU"``, ``kind="organisation"`` by default for companies,
``"person"`` for contacts) unless ``preset=`` names one. For a Russian preset the INN, KPP, OGRN, OGRNIP, BIK
and accounts are checked before any request (:mod:`._ru_identifiers`); other countries pass through. The
requisite, its bank details and addresses go out in one batch (addresses point at the new requisite with a
``$result[...]`` reference). ``upsert_requisite`` finds the owner's requisite with the same INN (and KPP) and
changes only what differs: run twice, the second run writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from ...errors import Bitrix24Error, InvalidInputError
from ...models.meta import FieldInfo
from ...models.requisites import Address, BankDetail, Preset, Requisite
from ...models.standard_fields import standard_fields
from ...protocol.batch import MAX_BATCH, Batch, Outcome, Ref
from ...protocol.call import Call, Flow
from ...services import CrmCalls
from ...services.common import parse_bool, parse_int_result
from ...services.entity import ensure_id
from ...services.field_safety import checked as known_keys
from ..base import helper
from ._details import details_from_mapping, owner_type_id
from ._presets import check_kind, preset_kind, resolve_preset
from ._ru_identifiers import InnKind, check_bank_detail_fields, check_requisite_fields

__all__ = [
    "RequisiteWriteError",
    "SavedRequisite",
    "add_requisite",
    "import_requisites",
    "upsert_requisite",
]

#: requisite address owner type (reference 6.4)
_REQUISITE_TYPE: Final = 8
#: keys a caller may not set: the helper writes the owner and preset itself
_OWNER_KEYS: Final = ("ID", "ENTITY_TYPE_ID", "ENTITY_ID", "PRESET_ID")

#: address type id (int or "6") -> address fields
Addresses = Mapping[Any, Mapping[str, Any]]


class RequisiteWriteError(Bitrix24Error):
    """Part of a requisite write failed after other parts were saved; ``saved`` tells what exists now."""

    def __init__(self, message: str, *, saved: SavedRequisite, errors: list[Bitrix24Error]) -> None:
        super().__init__(message)
        self.saved = saved
        self.errors = errors


@dataclass(frozen=True)
class SavedRequisite:
    """What an add or upsert left on the portal: ids, and whether anything was created or changed."""

    requisite_id: int
    preset_id: int
    created: bool
    #: True when any write was sent (a repeated upsert with the same data sends none)
    changed: bool
    bank_detail_ids: list[int] = field(default_factory=list)
    address_types: list[int] = field(default_factory=list)


# ------------------------------------------------------------------------------------------- input
def _text_keys(data: Mapping[str, Any], where: str) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise InvalidInputError(f"{where} must be a dict of fields, not {type(data).__name__}", field=where)
    return {str(key).upper(): value for key, value in data.items()}


def _requisite_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    data = _text_keys(fields, "fields")
    for key in _OWNER_KEYS:
        if key in data:
            raise InvalidInputError(
                f"fields: {key} is set by the helper (owner and preset arguments), leave it out", field=key
            )
    return data


def _address_map(addresses: Addresses | None) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for raw_type, values in (addresses or {}).items():
        type_id = ensure_id(raw_type, "addresses (address type id)")
        data = _text_keys(values, f"addresses[{type_id}]")
        for key in ("TYPE_ID", "ENTITY_TYPE_ID", "ENTITY_ID"):
            data.pop(key, None)
        out[type_id] = data
    return out


@dataclass(frozen=True)
class _Plan:
    """Checked input of one requisite write."""

    owner_type: int
    owner_id: int
    preset: Preset
    fields: dict[str, Any]
    banks: list[dict[str, Any]]
    addresses: dict[int, dict[str, Any]]
    #: the caller named the preset or kind (an update then moves the requisite to that preset)
    explicit_preset: bool = False


def _prepare(
    owner: int | str,
    owner_id: int,
    fields: Mapping[str, Any],
    bank_details: Iterable[Mapping[str, Any]],
    addresses: Addresses | None,
    *,
    preset: int | Preset | None,
    country: int | str,
    kind: str | None,
) -> Flow[_Plan]:
    owner_type = owner_type_id(owner)
    number = ensure_id(owner_id, "owner_id")
    data = _requisite_fields(fields)
    banks = [_text_keys(bank, "bank_details") for bank in bank_details]
    address_map = _address_map(addresses)
    default: InnKind = "organisation" if owner_type == 4 else "person"
    chosen = yield from resolve_preset(preset, country=country, kind=kind, default_kind=default)
    # the INN length follows the kind asked for, else the kind of the preset (None: 10 or 12 digits)
    inn_kind = check_kind(kind) if kind is not None else preset_kind(chosen)
    checked = check_requisite_fields(data, country_id=chosen.country_id, kind=inn_kind)
    checked_banks = [check_bank_detail_fields(bank, country_id=chosen.country_id) for bank in banks]
    for bank in checked_banks:
        bank.pop("ENTITY_ID", None)
        bank.setdefault("NAME", bank.get("RQ_BANK_NAME") or "Bank details")
    explicit = preset is not None or kind is not None
    yield from known_requisite_keys(checked, checked_banks, address_map)
    return _Plan(owner_type, number, chosen, checked, checked_banks, address_map, explicit)


def known_requisite_keys(
    fields: Mapping[str, Any], banks: Sequence[Mapping[str, Any]], addresses: Mapping[int, Mapping[str, Any]]
) -> Flow[None]:
    """Refuse keys the portal would silently drop from the requisite, its bank details or addresses, before
    anything is written (crm.requisite.fields, crm.requisite.bankdetail.fields, crm.address.fields)."""
    crm = CrmCalls()
    parts: list[tuple[str, Call[dict[str, FieldInfo]], Mapping[str, Any]]] = [
        (crm.requisite.rest_name, crm.requisite.fields(), fields)
    ]
    parts += [(crm.requisite.bankdetail.rest_name, crm.requisite.bankdetail.fields(), b) for b in banks]
    parts += [(crm.address.rest_name, crm.address.fields(), values) for values in addresses.values()]
    for name, load, data in parts:
        yield from known_keys(
            name,
            data,
            load,
            updating=False,
            exempt=crm.requisite.unchecked,  # RQ_ADDR: inline addresses, left to the portal
            standard=standard_fields(name),  # documented standard keys need no *.fields read
        )


# ------------------------------------------------------------------------------------------ writes
def _address_call(method: str, type_id: int, requisite: int | str, values: Mapping[str, Any]) -> Call[bool]:
    key = {"TYPE_ID": type_id, "ENTITY_TYPE_ID": _REQUISITE_TYPE, "ENTITY_ID": requisite}
    return Call(method, {"fields": {**values, **key}}, parse=parse_bool)


def _bank_add(requisite: int | str, bank: Mapping[str, Any]) -> Call[int]:
    fields = {**bank, "ENTITY_ID": requisite}
    return Call("crm.requisite.bankdetail.add", {"fields": fields}, parse=parse_int_result)


def _failures(outcomes: Sequence[Outcome[Any]], saved: SavedRequisite) -> None:
    errors = [o.error for o in outcomes if o.error is not None]
    if errors:
        raise RequisiteWriteError(
            f"requisite {saved.requisite_id}: {len(errors)} of {len(outcomes)} writes failed, first: "
            f"{errors[0]}",
            saved=saved,
            errors=errors,
        )


def _default_name(plan: _Plan) -> str:
    """NAME is required by the portal: the preset's name when the caller gives none."""
    return plan.preset.name or "Requisite"


def _create(plan: _Plan) -> Flow[SavedRequisite]:
    preset_id = int(plan.preset.id or 0)
    fields = {"NAME": _default_name(plan), **plan.fields}
    fields.update(ENTITY_TYPE_ID=plan.owner_type, ENTITY_ID=plan.owner_id)
    add = Call("crm.requisite.add", {"fields": {**fields, "PRESET_ID": preset_id}}, parse=parse_int_result)
    children = len(plan.banks) + len(plan.addresses)
    if children < MAX_BATCH:  # one request: the children refer to the new id with $result[rq]
        calls: dict[str, Call[Any]] = {"rq": add}
        target: int | str = Ref("rq")
    else:
        calls, target = {}, (yield add)
    for index, bank in enumerate(plan.banks):
        calls[f"bank{index}"] = _bank_add(target, bank)
    for type_id, values in plan.addresses.items():
        calls[f"addr{type_id}"] = _address_call("crm.address.add", type_id, target, values)
    outcomes: list[Outcome[Any]] = yield Batch(calls, halt=True)
    first = outcomes[0] if "rq" in calls else None
    if first is not None and first.error is not None:
        raise first.error
    requisite_id = int(first.value if first is not None else target)  # type: ignore[arg-type]
    rest = outcomes[1:] if first is not None else outcomes
    bank_outcomes, address_outcomes = rest[: len(plan.banks)], rest[len(plan.banks) :]
    saved = SavedRequisite(
        requisite_id,
        preset_id,
        created=True,
        changed=True,
        bank_detail_ids=[int(o.unwrap()) for o in bank_outcomes if o.ok],
        address_types=[t for t, o in zip(plan.addresses, address_outcomes, strict=True) if o.ok],
    )
    _failures(rest, saved)
    return saved


def _same(old: Any, new: Any) -> bool:
    def norm(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "Y" if value else "N"
        return str(value).strip()

    return norm(old) == norm(new)


def _changes(existing: Mapping[str, Any], wanted: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in wanted.items() if not _same(existing.get(key), value)}


def _bank_key(bank: Mapping[str, Any]) -> tuple[str, str]:
    for key in ("RQ_ACC_NUM", "RQ_IBAN", "NAME"):
        if bank.get(key):
            return key, str(bank[key]).strip()
    return "", ""


def _update(plan: _Plan, requisite: Requisite) -> Flow[SavedRequisite]:
    crm = CrmCalls()
    requisite_id = int(requisite.id or 0)
    reads: list[Outcome[Any]] = yield Batch(
        [
            crm.requisite.bankdetail.list(filter={"ENTITY_ID": requisite_id}, order={"ID": "ASC"}),
            crm.address.list(filter={"ENTITY_TYPE_ID": _REQUISITE_TYPE, "ENTITY_ID": requisite_id}),
        ]
    )
    banks: list[BankDetail] = reads[0].unwrap().items
    addresses: dict[int | None, Address] = {a.type_id: a for a in reads[1].unwrap().items}
    calls: list[Call[Any]] = []
    wanted = dict(plan.fields)
    if plan.explicit_preset and requisite.preset_id != plan.preset.id:
        wanted["PRESET_ID"] = plan.preset.id
    changed = _changes(requisite.to_api(), wanted)
    if changed:
        calls.append(Call("crm.requisite.update", {"id": requisite_id, "fields": changed}, parse=parse_bool))
    by_key = {_bank_key(bank.to_api()): bank for bank in banks}
    bank_ids: list[int | None] = []
    for bank in plan.banks:
        match = by_key.get(_bank_key(bank)) if _bank_key(bank)[0] else None
        if match is None:
            calls.append(_bank_add(requisite_id, bank))
            bank_ids.append(None)
            continue
        bank_ids.append(match.id)
        diff = _changes(match.to_api(), bank)
        if diff:
            calls.append(
                Call("crm.requisite.bankdetail.update", {"id": match.id, "fields": diff}, parse=parse_bool)
            )
    for type_id, values in plan.addresses.items():
        old = addresses.get(type_id)
        if old is None:
            calls.append(_address_call("crm.address.add", type_id, requisite_id, values))
        elif _changes(old.to_api(), values):
            calls.append(_address_call("crm.address.update", type_id, requisite_id, values))
    outcomes: list[Outcome[Any]] = (yield Batch(calls)) if calls else []
    new_ids = iter(int(o.unwrap()) for o in outcomes if o.method == "crm.requisite.bankdetail.add" and o.ok)
    ids = [number if number is not None else next(new_ids, None) for number in bank_ids]
    saved = SavedRequisite(
        requisite_id,
        int(requisite.preset_id or 0) if not plan.explicit_preset else int(plan.preset.id or 0),
        False,
        bool(calls),
        [number for number in ids if number is not None],
        list(plan.addresses),
    )
    _failures(outcomes, saved)
    return saved


def _matching(plan: _Plan, key: Sequence[str]) -> Flow[Requisite | None]:
    crm = CrmCalls()
    given = {"NAME": _default_name(plan), **plan.fields}  # an update keeps the NAME it has unless given
    wanted = {name.upper(): given.get(name.upper()) for name in key}
    if not key or not wanted[key[0].upper()]:
        raise InvalidInputError(
            f"upsert finds the requisite by {'+'.join(key)}: fields must give {key[0]}", field=key[0]
        )
    flt = {name: value for name, value in wanted.items() if value}
    owner = {"ENTITY_TYPE_ID": plan.owner_type, "ENTITY_ID": plan.owner_id}
    rows = yield from crm.requisite.list_all(filter={**owner, **flt})
    if len(rows) > 1:
        ids = ", ".join(str(row.id) for row in rows)
        raise InvalidInputError(
            f"several requisites of this owner match {flt} (ids {ids}): give the KPP to pick one",
            field="RQ_KPP",
        )
    return rows[0] if rows else None


# -------------------------------------------------------------------------------------------- helpers
@helper
def add_requisite(
    owner: int | str,
    owner_id: int,
    fields: Mapping[str, Any],
    *,
    bank_details: Iterable[Mapping[str, Any]] = (),
    addresses: Addresses | None = None,
    preset: int | Preset | None = None,
    country: int | str = "RU",
    kind: str | None = None,
) -> Flow[SavedRequisite]:
    """Add a requisite with bank details and addresses in one batch (crm.requisite.add, ...bankdetail.add)."""
    plan = yield from _prepare(
        owner, owner_id, fields, bank_details, addresses, preset=preset, country=country, kind=kind
    )
    return (yield from _create(plan))


@helper
def upsert_requisite(
    owner: int | str,
    owner_id: int,
    fields: Mapping[str, Any],
    *,
    bank_details: Iterable[Mapping[str, Any]] = (),
    addresses: Addresses | None = None,
    preset: int | Preset | None = None,
    country: int | str = "RU",
    kind: str | None = None,
    key: Sequence[str] = ("RQ_INN", "RQ_KPP"),
) -> Flow[SavedRequisite]:
    """Update the owner's requisite with the same INN (+KPP), or add it; only differences are written."""
    plan = yield from _prepare(
        owner, owner_id, fields, bank_details, addresses, preset=preset, country=country, kind=kind
    )
    existing = yield from _matching(plan, list(key))
    if existing is None:
        return (yield from _create(plan))
    return (yield from _update(plan, existing))


@helper
def import_requisites(
    owner: int | str, owner_id: int, data: Iterable[Mapping[str, Any]], *, country: int | str = "RU"
) -> Flow[list[SavedRequisite]]:
    """Upsert requisites exported with ``RequisiteDetails.to_dict()`` (presets found by country and kind)."""
    saved: list[SavedRequisite] = []
    for item in data:
        spec = details_from_mapping(item)
        preset_spec = spec.get("preset") or {}
        kind = preset_spec.get("kind")
        item_country = preset_spec.get("country_id") or country
        fields = {k: v for k, v in spec["fields"].items() if str(k).upper() not in _OWNER_KEYS}
        saved.append(
            (
                yield from upsert_requisite.flow(
                    owner,
                    owner_id,
                    fields,
                    bank_details=spec.get("bank_details") or (),
                    addresses=spec.get("addresses") or {},
                    country=item_country,
                    kind=kind,
                    key=("RQ_INN", "RQ_KPP") if fields.get("RQ_INN") else ("NAME",),
                )
            )
        )
    return saved
