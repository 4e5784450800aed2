"""A robot (automation rule): check a company's INN and hand the result back to the business process.

The robot is registered with ``bizproc.robot.add`` (property ``company_id``; return values ``inn_valid``
and ``message``); when a deal reaches the stage where a manager placed it, Bitrix24 POSTs the robot
request to the app, which reads the company's requisites, checks the INN's check digits and answers with
``bizproc.event.send``. Offline here: the built-in demo portal invokes the robot in-process.

    python examples/inn_robot.py
"""

from __future__ import annotations

from typing import Any

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.client import OAuth, OAuthTokens
from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.events import Dispatcher, RobotRequest, wsgi_app
from bitrix24_toolkit.helpers import Robot, RobotProperty, log_progress, register_robot, validate_inn
from bitrix24_toolkit.testing import Emulator

CLIENT_ID, CLIENT_SECRET = "local.inn-robot", "app-secret"
ROBOT = Robot(
    code="inn_check",
    handler="https://robots.example.com/bitrix24/robot",
    name={"en": "Check the company's INN", "ru": "Проверить ИНН компании"},
    properties={"company_id": RobotProperty("Company ID", type="int", required=True)},
    return_properties={
        "inn_valid": RobotProperty("INN is valid", type="bool"),
        "message": RobotProperty("Result", type="string"),
    },
    filter={"INCLUDE": [["crm", "CCrmDocumentDeal"]]},
)


def check_company_inn(b24: Bitrix24, company_id: int) -> tuple[bool, str]:
    """Read the company's requisites and check the INN of each."""
    requisites = b24.crm.requisite.for_owner(4, company_id)
    inns = [r.rq_inn for r in requisites if r.rq_inn]
    if not inns:
        return False, f"company {company_id} has no INN in its requisites"
    for inn in inns:
        try:
            validate_inn(inn)
        except InvalidInputError as exc:
            return False, f"INN {inn}: {exc}"
    return True, f"INN {', '.join(inns)} is valid"


def make_dispatcher(emu: Emulator) -> Dispatcher:
    """The robot's code: the same against a real portal, only the settings differ."""
    dispatcher = Dispatcher(
        application_token=emu.application_token(CLIENT_ID),
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        token_url=emu.token_url,
        client_options={"transport": emu.transport(), "limits": "off"},  # offline only
    )

    @dispatcher.robot("inn_check")
    def inn_check(request: RobotRequest, b24: Bitrix24) -> dict[str, Any]:
        company_id = int(request.properties.get("company_id") or 0)
        log_progress(b24, request, f"checking the INN of company {company_id}")
        valid, message = check_company_inn(b24, company_id)
        return {"inn_valid": "Y" if valid else "N", "message": message}  # -> bizproc.event.send

    return dispatcher


def main() -> None:
    print("Robots need a public handler URL: this example runs against the built-in demo portal")
    emu = Emulator.demo(limits="off")
    tokens = OAuthTokens.from_response(emu.issue_tokens(CLIENT_ID, CLIENT_SECRET))
    auth = OAuth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=tokens, token_url=emu.token_url)
    with Bitrix24(auth=auth, transport=emu.transport(), limits="off") as app_client:
        print(f"robot {ROBOT.code}: {register_robot(app_client, ROBOT)}")
        print(f"robot {ROBOT.code} again: {register_robot(app_client, ROBOT)} (idempotent)")

    app = wsgi_app(make_dispatcher(emu))
    emu.deliver_to(app, url=ROBOT.handler)

    with emu.client(limits="off") as b24:
        good = next(r for r in b24.crm.requisite.list(filter={"ENTITY_TYPE_ID": 4}).items if r.rq_inn)
        assert good.entity_id is not None
        assert good.preset_id is not None
        broken = b24.crm.company.add({"title": "ООО Опечатка"})
        b24.call(  # a requisite typed in by hand, with a wrong last digit
            "crm.requisite.add",
            {"fields": {"ENTITY_TYPE_ID": 4, "ENTITY_ID": broken, "PRESET_ID": good.preset_id,
                        "NAME": "ООО Опечатка", "RQ_INN": "7727053070"}},
        )  # fmt: skip
        deal_of_good = b24.crm.deal.add({"title": "Group tour", "company_id": good.entity_id})
        deal_of_broken = b24.crm.deal.add({"title": "Corporate trip", "company_id": broken})

    for deal_id, company_id in ((deal_of_good, good.entity_id), (deal_of_broken, broken)):
        run = emu.run_robot(
            "inn_check",
            document_id=("crm", "CCrmDocumentDeal", f"DEAL_{deal_id}"),
            properties={"company_id": company_id},
        )
        app.join(timeout=10)  # the app answered 200 at once and worked in its thread pool
        result = emu.robot_result(run.event_token) or {}
        print(
            f"deal {deal_id} (company {company_id}): handler HTTP {run.status}, "
            f"returned {result.get('RETURN_VALUES')}"
        )
    for line in emu.robot_log:
        print(f"process log: {line['LOG_MESSAGE']}")


if __name__ == "__main__":
    main()
