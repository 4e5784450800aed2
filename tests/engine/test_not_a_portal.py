"""An address that answers, but not as a Bitrix24 portal (an HTML 404/501 page), fails at once: no retries."""

from __future__ import annotations

import httpx
import pytest

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.errors import ResponseFormatError

from ..conftest import NO_WAIT

HTML = "<html><body><h1>Not Found</h1></body></html>"


@pytest.mark.parametrize(("status", "tries"), [(404, 1), (405, 1), (501, 1), (502, 6), (200, 6)])
def test_a_page_that_is_not_a_portal_is_not_asked_again(status: int, tries: int) -> None:
    seen: list[httpx.Request] = []

    def web_server(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, text=HTML, headers={"content-type": "text/html"})

    b24 = Bitrix24(
        "https://example.com/rest/1/abcdef123456/",
        transport=httpx.MockTransport(web_server),
        limits="off",
        retry=NO_WAIT,
    )
    with pytest.raises(ResponseFormatError):
        b24.call("user.current")
    assert len(seen) == tries  # 5xx proxies and a cut-off 200 may be passing; a 404/405/501 page is not
