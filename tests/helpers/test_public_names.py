"""The public face of ``bitrix24_toolkit.helpers``: its names, its capability groups, who imports what.

The helpers are grouped by capability in sub-packages whose modules are private (``_name.py``); every name
``bitrix24_toolkit.helpers`` exported before the grouping is still exported, unchanged. Docs, examples, the
README and the ``b24`` command import helpers only from public paths.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
import textwrap
from pathlib import Path

import pytest

import bitrix24_toolkit.helpers as helpers

REPO = Path(__file__).resolve().parents[2]
HELPERS_DIR = REPO / "bitrix24_toolkit" / "helpers"
GROUPS = (
    "activities",
    "automation",
    "db_export",
    "deals",
    "funnel",
    "holding",
    "lead_conversion",
    "lead_import",
    "requisites",
    "reports",
    "projects",
    "feed_reports",
    "org_structure",
)

#: every name ``bitrix24_toolkit.helpers`` exports (107 before the grouping by capability, + 4 + 11 + 7 since)
EXPORTED = frozenset(
    [
        *"""
    PARENT_FIELD PARENT_XML_ID ActivityCounters CompanyDetails CompanyMatch CompanyNotFoundError
    ConversionReport ConversionResult ConvertedObject DealBucket DealProducts DealProductsError
    FunnelBreakdown FunnelFlow FunnelSnapshot Helper History HistoryEvent HoldingCycleError HoldingError
    HoldingFieldError HoldingNode HoldingTotals HoldingTree ImportReport ImportRow LeadAlreadyConvertedError
    LeadConversionError LeadConversionFailedError LeadConversionIncompleteError LeadFunnel LeadJunkError
    LeadNotFoundError LeadReport MyActivities MyCompany MyCompanyNotFoundError OpenActivity Owner
    PipelineChanges PipelineError PresetNotFoundError ProductLine PropertyType RequisiteDetails
    RequisiteLinkError RequisiteWriteError Robot RobotProperty RobotRequest SavedRequisite Stage StageChange
    StageSpec SubscriptionChanges add_comment add_requisite ancestors build_tree clear_parent company_details
    complete_activity convert_lead convert_leads deal_products ensure_my_company ensure_parent_field
    ensure_pipeline find_companies_by_inn find_preset funnel_breakdown funnel_flow funnel_snapshot helper
    history holding_totals holding_tree import_leads import_requisites lead_funnel link_requisites
    list_presets log_progress my_activities my_companies parse_parent parse_robot_request pick_my_company
    plan_activity preset_fields register_activity register_robot render_tree reply requisites_of root_of
    set_deal_products set_parent subsidiaries sync_subscriptions upsert_requisite validate_account
    validate_bik validate_inn validate_kpp validate_ogrn validate_ogrnip
    """.split(),
        # issue 16: spreadsheet-safe CSV for every report
        "safe_cell",
        "write_csv",
        "write_rows",
        # issue 17: rows to pandas with real dtypes
        "to_dataframe",
        # issue 20: typical projects as task templates, reports to the live feed
        *"""
    PostedReport ProjectProgress ProjectResult ProjectTemplate ProjectTemplateError UnknownUserError
    create_project load_template post_report project_progress report_message
    """.split(),
        # issue 20: the org structure from HR data
        *"OrgEntry OrgReport OrgSource OrgStructureError OrgTree org_tree sync_org_structure".split(),
        # issue 21: the CRM exported into DuckDB / PostgreSQL, reports on it
        *"EntityReport ExportReport db_funnel_snapshot db_lead_funnel export".split(),
    ]
)


def test_every_name_exported_before_is_exported_unchanged() -> None:
    assert len(EXPORTED) == 134
    assert set(helpers.__all__) == EXPORTED
    assert len(helpers.__all__) == len(set(helpers.__all__))
    assert all(hasattr(helpers, name) for name in helpers.__all__)


@pytest.mark.parametrize("group", GROUPS)
def test_a_capability_group_exports_its_names_and_hides_its_modules(group: str) -> None:
    package = importlib.import_module(f"bitrix24_toolkit.helpers.{group}")
    assert all(hasattr(package, name) for name in package.__all__)
    modules = [p.name for p in (HELPERS_DIR / group).glob("*.py") if p.name != "__init__.py"]
    assert modules
    assert all(name.startswith("_") for name in modules)
    # a name the top level exports is the very object its group exports
    for name in set(package.__all__) & EXPORTED:
        assert getattr(helpers, name) is getattr(package, name), name


def test_the_flat_modules_are_gone_and_groups_stay_small() -> None:
    top_level = sorted(p.name for p in HELPERS_DIR.glob("*.py"))
    assert top_level == ["__init__.py", "base.py"]
    for path in HELPERS_DIR.rglob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path


def test_helpers_build_their_call_factories_inside_their_flows() -> None:
    pattern = re.compile(r"^[_A-Za-z]+ *= *[A-Z][A-Za-z]*Calls\(\)", re.MULTILINE)
    for path in HELPERS_DIR.rglob("*.py"):
        assert not pattern.search(path.read_text(encoding="utf-8")), path


def _imported_helper_names(source: str) -> list[tuple[str, list[str]]]:
    """``(module, names)`` of every ``from bitrix24_toolkit.helpers... import`` in Python source."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # a REPL session or a sketch: read the import lines alone
        lines = re.findall(
            r"^\W*((?:from|import) bitrix24_toolkit\.helpers\S*(?: import [^(\n]+)?)$", source, re.M
        )
        tree = ast.parse("\n".join(lines))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bitrix24_toolkit.helpers"):
            found.append((node.module or "", [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("bitrix24_toolkit.helpers.")]
    return found


def _python(text: str) -> str:
    """Code without notebook magics (``%matplotlib inline``, ``!pip ...``)."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(("%", "!")))


def _sources() -> list[tuple[Path, str]]:
    """Python source of the examples, the notebook's code cells and the docs' code blocks."""
    out: list[tuple[Path, str]] = []
    for path in sorted((REPO / "examples").glob("*.py")):
        out.append((path, path.read_text(encoding="utf-8")))
    notebook_path = REPO / "examples" / "notebooks" / "funnel.ipynb"
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            out.append((notebook_path, _python("".join(cell["source"]))))
    docs = [p for p in sorted((REPO / "docs").glob("*.md")) if p.name not in ("api.md", "architecture.md")]
    for path in [*docs, REPO / "README.md"]:
        text = path.read_text(encoding="utf-8")
        # fenced blocks, also indented ones (under mkdocs tabs: === "sync")
        for _indent, block in re.findall(
            r"^( *)```python\n(.*?)^\1```", text, flags=re.DOTALL | re.MULTILINE
        ):
            out.append((path, textwrap.dedent(block)))
    return out


def test_docs_and_examples_import_helpers_from_the_public_path_only() -> None:
    sources = _sources()
    assert len(sources) > 20
    for path, source in sources:
        for module, names in _imported_helper_names(source):
            assert module == "bitrix24_toolkit.helpers", f"{path.name}: imports {module}"
            missing = [name for name in names if name not in EXPORTED]
            assert not missing, f"{path.name}: {missing} not exported by bitrix24_toolkit.helpers"


def test_docs_name_no_private_helper_module() -> None:
    docs = [p for p in (REPO / "docs").glob("*.md") if p.name not in ("api.md", "architecture.md")]
    for path in [*docs, REPO / "README.md"]:
        text = path.read_text(encoding="utf-8")
        for dotted in re.findall(r"bitrix24_toolkit\.helpers(?:\.[A-Za-z_]+)+", text):
            group = dotted.split(".")[2]
            assert group in GROUPS, f"{path.name}: {dotted}"
            assert dotted.count(".") == 2, f"{path.name}: {dotted}"


def test_the_command_imports_helpers_from_the_public_path_only() -> None:
    for path in sorted((REPO / "bitrix24_toolkit" / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level and (node.module or "").startswith("helpers"):
                assert node.module == "helpers", f"{path.name}: imports ..{node.module}"
