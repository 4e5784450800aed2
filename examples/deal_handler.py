"""An event handler: when a deal changes, write a comment on its timeline.

The handler is a plain WSGI app (``events.wsgi_app``) — serve it with gunicorn, waitress or wsgiref at a
public HTTPS address and bind that address with ``sync_subscriptions``. Here everything runs offline: the
built-in demo portal delivers ``ONCRMDEALUPDATE`` to the app in-process, with the real payload shape.

    python examples/deal_handler.py
"""

from __future__ import annotations

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.client import OAuth, OAuthTokens
from bitrix24_toolkit.events import Dispatcher, Event, EventAuthError, wsgi_app
from bitrix24_toolkit.helpers import sync_subscriptions
from bitrix24_toolkit.testing import Emulator

CLIENT_ID, CLIENT_SECRET = "local.deal-handler", "app-secret"
HANDLER_URL = "https://handler.example.com/bitrix24/events"


def make_dispatcher(emu: Emulator) -> Dispatcher:
    """The handler's code: the same against a real portal, only the settings differ."""
    dispatcher = Dispatcher(
        application_token=emu.application_token(CLIENT_ID),  # stored at install (ONAPPINSTALL)
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        token_url=emu.token_url,
        client_options={"transport": emu.transport(), "limits": "off"},  # offline only
    )

    @dispatcher.on("ONCRMDEALUPDATE")
    def deal_updated(event: Event, b24: Bitrix24) -> None:
        if event.id is None:
            return
        deal = b24.crm.deal.get(event.id)  # the payload carries only the id: fetch the deal
        text = f"Deal changed: stage {deal.stage_id}, amount {deal.opportunity} {deal.currency_id}"
        b24.crm.timeline.comment.add("deal", event.id, text)

    return dispatcher


def main() -> None:
    print("Events need a public handler URL: this example runs against the built-in demo portal")
    emu = Emulator.demo(limits="off")
    tokens = OAuthTokens.from_response(emu.issue_tokens(CLIENT_ID, CLIENT_SECRET))  # "install" the app
    auth = OAuth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=tokens, token_url=emu.token_url)
    with Bitrix24(auth=auth, transport=emu.transport(), limits="off") as app_client:
        changes = sync_subscriptions(app_client, HANDLER_URL, ["ONCRMDEALUPDATE"])
        print(f"subscribed {HANDLER_URL}: bound {list(changes.bound)}")

    app = wsgi_app(make_dispatcher(emu))
    emu.deliver_to(app, url=HANDLER_URL)

    with emu.client(limits="off") as manager:  # a manager edits a deal in the CRM
        deal = manager.crm.deal.list(filter={"stage_semantic_id": "P"}, select=["id", "title"]).items[0]
        assert deal.id is not None
        manager.crm.deal.update(deal.id, {"opportunity": 125000, "comments": "Client confirmed the dates"})
        print(
            f"updated deal {deal.id} {deal.title!r}; pending events: {[e.event for e in emu.pending_events]}"
        )

        for record in emu.flush_events():
            print(f"delivered {record.event} to {record.url}: HTTP {record.status}")
        app.join(timeout=10)  # the WSGI app answered at once; the work ran in its thread pool

        page = manager.crm.timeline.comment.list(filter={"ENTITY_TYPE": "deal", "ENTITY_ID": deal.id})
        for comment in page.items:
            print(f"timeline of deal {deal.id}: {comment.comment!r}")

    forged = emu.delivery_log[-1].body.replace(emu.application_token(CLIENT_ID).encode(), b"0" * 32)
    try:
        app.dispatcher.accept(forged)
    except EventAuthError as exc:
        print(f"a forged payload is refused (HTTP 403): {exc}")


if __name__ == "__main__":
    main()
