"""The pytest plugin as a user meets it: fixtures, markers and --bitrix24-record in a test file of theirs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from bitrix24_toolkit.testing.cassettes import Cassette, Exchange

pytest_plugins = ["pytester"]

# Block the entry-point registration (present when the package is installed) and load the module
# explicitly, so the plugin is active exactly once whether or not the package is installed; leave out
# unrelated plugins that make every inner run slow (benchmark, hypothesis) or write caches.
PLUGIN_ARGS = (
    *("-p", "no:bitrix24", "-p", "bitrix24_toolkit.testing.pytest_plugin"),
    *("-p", "no:benchmark", "-p", "no:hypothesispytest", "-p", "no:cacheprovider"),
)
SECRET = "l1v3w3bh00ksecret"


@pytest.fixture
def user_project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A user project with strict warnings, as ours has."""
    pytester.makeini(
        """
        [pytest]
        asyncio_mode = auto
        asyncio_default_fixture_loop_scope = function
        filterwarnings = error
        """
    )
    return pytester


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*PLUGIN_ARGS, *args)


def write_cassette(path: Path, *exchanges: Exchange) -> None:
    Cassette(exchanges).save(path)


DEAL = Exchange("crm.deal.get", {"id": 410}, 200, {"result": {"ID": "410", "TITLE": "New Deal #1"}})


def test_option_and_markers_are_registered(user_project: pytest.Pytester) -> None:
    assert "--bitrix24-record" in "\n".join(run(user_project, "--help").outlines)
    markers = "\n".join(run(user_project, "--markers").outlines)
    assert "@pytest.mark.bitrix24_emulator(**options)" in markers
    assert "@pytest.mark.bitrix24_cassette(path, record=True)" in markers


def test_cassette_replays_from_the_default_path(user_project: pytest.Pytester) -> None:
    write_cassette(user_project.path / "cassettes" / "test_deals" / "test_get.json", DEAL)
    user_project.makepyfile(
        test_deals="""
        import httpx

        def test_get(bitrix24_cassette):
            assert not bitrix24_cassette.recording
            assert bitrix24_cassette.path.parts[-3:] == ("cassettes", "test_deals", "test_get.json")
            with httpx.Client(transport=bitrix24_cassette.transport()) as client:
                answer = client.post(bitrix24_cassette.webhook_url + "crm.deal.get", json={"id": 410})
            assert answer.json()["result"]["TITLE"] == "New Deal #1"
        """
    )
    run(user_project).assert_outcomes(passed=1)


def test_default_path_of_parametrized_and_class_tests(user_project: pytest.Pytester) -> None:
    user_project.makepyfile(
        test_names="""
        import pytest

        @pytest.mark.parametrize("n", ["a/b"])
        def test_param(bitrix24_cassette, n):
            pass

        class TestGroup:
            def test_method(self, bitrix24_cassette):
                pass
        """
    )
    result = run(user_project)
    result.assert_outcomes(errors=2)  # no files yet: the messages show where they are expected
    output = result.stdout.str()
    assert "/cassettes/test_names/test_param[a_b].json: record it" in output
    assert "/cassettes/test_names/TestGroup.test_method.json: record it" in output


def test_marker_path_and_async_transport(user_project: pytest.Pytester) -> None:
    write_cassette(user_project.path / "data" / "deal.json", DEAL)
    user_project.makepyfile(
        test_async="""
        import httpx
        import pytest

        @pytest.mark.bitrix24_cassette("data/deal.json")
        async def test_get(bitrix24_cassette):
            async with httpx.AsyncClient(transport=bitrix24_cassette.async_transport()) as client:
                answer = await client.post("https://any.test/rest/crm.deal.get", json={"id": 410})
            assert answer.json()["result"]["ID"] == "410"
        """
    )
    run(user_project).assert_outcomes(passed=1)


def test_missing_cassette_fails_with_instructions(user_project: pytest.Pytester) -> None:
    user_project.makepyfile(test_missing="def test_x(bitrix24_cassette):\n    pass\n")
    result = run(user_project)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*no cassette *test_missing*test_x.json: record it with `pytest --bitrix24-record`*"]
    )


def test_unrecorded_request_names_the_nearest_exchange(user_project: pytest.Pytester) -> None:
    write_cassette(user_project.path / "cassettes" / "test_miss" / "test_x.json", DEAL)
    user_project.makepyfile(
        test_miss="""
        import httpx

        def test_x(bitrix24_cassette):
            with httpx.Client(transport=bitrix24_cassette.transport()) as client:
                client.post("https://any.test/rest/crm.deal.get", json={"id": 411})
        """
    )
    result = run(user_project)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*CassetteMiss: no recorded answer for crm.deal.get*", "*#0 crm.deal.get*"])


RECORDING_TEST = f"""
import httpx

def portal(request):
    assert "{SECRET}" in request.url.path
    return httpx.Response(200, json={{"result": {{"ID": "5", "URL": str(request.url)}}}})

def test_deal(bitrix24_cassette):
    transport = bitrix24_cassette.transport(inner=httpx.MockTransport(portal))
    with httpx.Client(transport=transport) as client:
        first = client.post(bitrix24_cassette.webhook_url + "crm.deal.get", json={{"id": 5}}).json()
        second = client.post(bitrix24_cassette.webhook_url + "crm.deal.get", json={{"id": 5}}).json()
    assert first == second
    assert first["result"]["ID"] == "5"
"""


def test_record_then_replay(user_project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    user_project.makepyfile(test_rec=RECORDING_TEST)
    monkeypatch.setenv("BITRIX24_LIVE_WEBHOOK", f"https://live-portal.bitrix24.de/rest/3/{SECRET}/")
    run(user_project, "--bitrix24-record").assert_outcomes(passed=1)

    saved = user_project.path / "cassettes" / "test_rec" / "test_deal.json"
    text = saved.read_text(encoding="utf-8")
    assert SECRET not in text
    assert "live-portal" not in text
    recorded = Cassette.load(saved)
    assert [e.method for e in recorded.exchanges] == ["crm.deal.get", "crm.deal.get"]
    assert recorded.exchanges[0].body["result"]["URL"].startswith("https://example.bitrix24.test/rest/3/<")

    monkeypatch.delenv("BITRIX24_LIVE_WEBHOOK")
    run(user_project).assert_outcomes(passed=1)  # replay: the fake portal is never called


def test_record_false_protects_a_shared_file(
    user_project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = user_project.path / "fixtures" / "crm.json"
    write_cassette(shared, DEAL)
    before = shared.read_text(encoding="utf-8")
    user_project.makepyfile(
        test_shared="""
        import httpx
        import pytest

        @pytest.mark.bitrix24_cassette("fixtures/crm.json", record=False)
        def test_x(bitrix24_cassette):
            assert not bitrix24_cassette.recording
            with httpx.Client(transport=bitrix24_cassette.transport()) as client:
                assert client.post("https://a.test/rest/crm.deal.get", json={"id": 410}).status_code == 200
        """
    )
    monkeypatch.setenv("BITRIX24_LIVE_WEBHOOK", f"https://live-portal.bitrix24.de/rest/3/{SECRET}/")
    run(user_project, "--bitrix24-record").assert_outcomes(passed=1)
    assert shared.read_text(encoding="utf-8") == before


def test_record_mode_needs_the_live_webhook(
    user_project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BITRIX24_LIVE_WEBHOOK", raising=False)
    user_project.makepyfile(test_live="def test_x(bitrix24_cassette):\n    bitrix24_cassette.transport()\n")
    result = run(user_project, "--bitrix24-record")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*--bitrix24-record records against a live portal: set BITRIX24_LIVE_WEBHOOK*"]
    )
    assert not (user_project.path / "cassettes").exists()


def test_emulator_fixture_is_fresh_and_configurable(user_project: pytest.Pytester) -> None:
    pytest.importorskip("bitrix24_toolkit.testing.emulator")
    user_project.makepyfile(
        test_emu="""
        import httpx
        import pytest

        def test_default(bitrix24_emulator):
            assert bitrix24_emulator.limits == "off"
            with httpx.Client(transport=bitrix24_emulator.transport()) as client:
                url = bitrix24_emulator.webhook_url
                deal_id = client.post(url + "crm.deal.add", json={"fields": {"TITLE": "A"}}).json()["result"]
                got = client.post(url + "crm.deal.get", json={"id": deal_id})
            assert got.json()["result"]["TITLE"] == "A"

        def test_fresh_portal(bitrix24_emulator):
            with httpx.Client(transport=bitrix24_emulator.transport()) as client:
                listed = client.post(bitrix24_emulator.webhook_url + "crm.deal.list", json={})
            assert listed.json()["result"] == []

        @pytest.mark.bitrix24_emulator(limits="standard", user_id=9)
        def test_marker(bitrix24_emulator):
            assert bitrix24_emulator.limits == "standard"
            assert "/rest/9/" in bitrix24_emulator.webhook_url
        """
    )
    run(user_project).assert_outcomes(passed=3)


def test_demo_fixture_runs_or_skips_clearly(user_project: pytest.Pytester) -> None:
    pytest.importorskip("bitrix24_toolkit.testing.emulator")
    user_project.makepyfile(
        test_demo="""
        from bitrix24_toolkit.testing.emulator import Emulator

        def test_demo(bitrix24_demo):
            assert isinstance(bitrix24_demo, Emulator)
            assert bitrix24_demo.limits == "off"
        """
    )
    result = run(user_project, "-rs")
    if importlib.util.find_spec("bitrix24_toolkit.testing.emulator.demo") is None:
        result.assert_outcomes(skipped=1)
        result.stdout.fnmatch_lines(["*bitrix24_demo: this version of bitrix24-toolkit has no demo data*"])
    else:
        result.assert_outcomes(passed=1)
