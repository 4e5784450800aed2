"""Company requisites: your own company's details, a client's requisite with bank details, a deal's links.

Runs against your portal when BITRIX24_WEBHOOK_URL is set, else against the built-in demo portal:

    python examples/requisites.py

On a real portal it creates (once: a second run finds them) a client company «Ромашка» with a requisite and
a deal «Тур для Ромашки» linked to both companies' requisites.
"""

from __future__ import annotations

import os

from bitrix24_toolkit import Bitrix24, errors
from bitrix24_toolkit.helpers import (
    company_details,
    find_companies_by_inn,
    find_preset,
    link_requisites,
    pick_my_company,
    preset_fields,
    upsert_requisite,
    validate_inn,
)
from bitrix24_toolkit.models.requisites import AddressType
from bitrix24_toolkit.testing import Emulator

CLIENT_TITLE = "Ромашка"
CLIENT_REQUISITE = {
    "RQ_COMPANY_NAME": "ООО «Ромашка»",
    "RQ_INN": "7736050003",
    "RQ_KPP": "773601001",
    "RQ_DIRECTOR": "Иванов И. И.",
}
CLIENT_BANK = {
    "NAME": "Расчётный счёт",
    "RQ_BANK_NAME": "ПАО Сбербанк",
    "RQ_BIK": "044525225",
    "RQ_ACC_NUM": "40702810938000012345",
    "RQ_COR_ACC_NUM": "30101810400000000225",
}


def main() -> None:
    if os.environ.get("BITRIX24_WEBHOOK_URL"):
        b24 = Bitrix24()
    else:
        print("No BITRIX24_WEBHOOK_URL set: using the built-in demo portal")
        b24 = Emulator.demo().client()
    with b24:
        # Presets are found by country and kind, never by their numeric ids.
        preset = find_preset(b24, "organisation", country="RU")
        names = [field.field_name for field in preset_fields(b24, preset)]
        print(f"preset {preset.id} {preset.name!r}: {', '.join(str(n) for n in names[:5])} ...")

        # Wrong identifiers are refused before anything is sent.
        try:
            validate_inn("1717586110")
        except errors.InvalidInputError as exc:
            print(f"refused: {exc}")

        # Your own company ("my company") with its requisite and bank details.
        mine = pick_my_company(b24)
        own = mine.requisites[0]
        print(
            f"my company {mine.id} {mine.title!r}: INN {own.inn}, KPP {own.kpp}, {len(own.bank_details)} acc."
        )

        # A client with a requisite, bank details and a legal address: found by INN or created, then upserted.
        found = find_companies_by_inn(b24, CLIENT_REQUISITE["RQ_INN"])
        client_id = found[0].company_id if found else b24.crm.company.add({"TITLE": CLIENT_TITLE})
        saved = upsert_requisite(
            b24,
            "company",
            client_id,
            CLIENT_REQUISITE,
            bank_details=[CLIENT_BANK],
            addresses={AddressType.LEGAL: {"ADDRESS_1": "ул. Ленина, д. 1", "CITY": "Москва"}},
        )
        again = upsert_requisite(b24, "company", client_id, CLIENT_REQUISITE, bank_details=[CLIENT_BANK])
        print(
            f"client requisite {saved.requisite_id}: created={saved.created}; again changed={again.changed}"
        )

        # The deal uses the client's and my company's requisites and bank details.
        deal_id = b24.crm.deal.add({"TITLE": f"Тур для {CLIENT_TITLE}", "COMPANY_ID": client_id})
        link = link_requisites(
            b24,
            deal_id,
            requisite_id=saved.requisite_id,
            bank_detail_id=saved.bank_detail_ids[0],
            mc_requisite_id=own.id,
            mc_bank_detail_id=own.bank_details[0].id,
        )
        print(f"deal {deal_id}: client requisite {link.requisite_id}, my requisite {link.mc_requisite_id}")

        details = company_details(b24, client_id)
        legal = details.requisites[0].addresses[AddressType.LEGAL]
        print(f"{details.title!r}: {len(details.requisites)} requisite(s), legal address {legal.address_1}")


if __name__ == "__main__":
    main()
