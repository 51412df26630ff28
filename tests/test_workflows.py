"""The GitHub workflows and the composite actions: linters (actionlint, jactionlint, zizmor, the
schemas), their shape, the workflow `init` writes, and local runs of the build job (this
repository's and a scaffolded site's) through action.yml, which show when it deploys."""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO, require_tool
from feedgen_app import __version__
from feedgen_app.commands.scaffold import ActionRef, SiteAnswers, plan_site, write_site
from feedgen_app.publishing.manifest import hash_site

WORKFLOWS = REPO / ".github" / "workflows"
PUBLISH = WORKFLOWS / "publish.yml"
DEPENDABOT = REPO / ".github" / "dependabot.yml"
WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.yml"))
ACTION = REPO / "action.yml"
ACTION_FILES = [ACTION, REPO / "ping" / "action.yml"]
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s*([^@\s]+)@([0-9a-f]{40}) # v\d+(?:\.\d+)*\s*$")
LOCAL = re.compile(r"^\s*(?:-\s+)?uses:\s*\./\S* # zizmor: ignore\[self-repository\] .+$")
EXPRESSION = re.compile(r"^\$\{\{\s*(.*?)\s*\}\}$")
STEP_OUTPUT = re.compile(r"^steps\.([\w-]+)\.outputs\.([\w-]+)$")
CONDITION = re.compile(r"^steps\.([\w-]+)\.outputs\.([\w-]+) (==|!=) '([^']*)'$")
SHA = "0123456789abcdef0123456789abcdef01234567"
# Action steps the local runner does not execute, and why. Every other run: step runs.
STUBBED = {
    "install": "this test process already has feedgen-app and the test tools installed",
}


def load_workflow(path: Path) -> dict[Any, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    if True in document:  # YAML 1.1 reads the key `on` as a boolean
        document["on"] = document.pop(True)
    return document


def run_tool(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, capture_output=True, text=True, check=False, cwd=REPO, timeout=300
    )


def scaffold(
    target: Path,
    base_url: str = "https://octo.github.io/nachrichten/",
    now: str = "2026-03-02T09:30:00+01:00",
) -> Path:
    """A site as `feedgen-app init` writes it, its action pinned to SHA (as a package installed
    from that commit would pin it); returns `target`."""
    answers = SiteAnswers(title="Wirtschaft kompakt", base_url=base_url, author="Redaktion")
    write_site(
        target, plan_site(answers, datetime.fromisoformat(now), ActionRef(SHA, __version__), target)
    )
    return target


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The publish workflow of a freshly scaffolded site."""
    return scaffold(tmp_path_factory.mktemp("scaffold") / "site") / ".github/workflows/publish.yml"


# --- linters -------------------------------------------------------------------------------


def test_there_are_the_two_workflows_and_the_two_actions() -> None:
    assert [p.name for p in WORKFLOW_FILES] == ["publish.yml", "test.yml"]
    assert all(path.is_file() for path in ACTION_FILES)


def actionlint_command() -> list[str]:
    """actionlint with shellcheck for the `run:` scripts: named, since actionlint skips the
    scripts without a word when it finds none (no step runs Python: no pyflakes)."""
    return [
        require_tool("actionlint"),
        "-no-color",
        f"-shellcheck={require_tool('shellcheck')}",
        "-pyflakes=",
    ]


def jactionlint_command() -> list[str]:
    """jactionlint (actionlint's stricter fork: its security and policy rules too), offline,
    with shellcheck for the `run:` scripts and ruff for any Python ones; a tool given by path
    must exist, or jactionlint exits 3."""
    return [
        require_tool("jactionlint"),
        "--no-color",
        "--no-online",
        f"--shellcheck={require_tool('shellcheck')}",
        f"--ruff={require_tool('ruff')}",
    ]


def test_actionlint_reports_nothing() -> None:
    result = run_tool(*actionlint_command(), *map(str, WORKFLOW_FILES))
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_jactionlint_reports_nothing_on_the_workflows_and_the_actions() -> None:
    result = run_tool(*jactionlint_command(), *map(str, [*WORKFLOW_FILES, *ACTION_FILES]))
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_zizmor_offline_reports_nothing() -> None:
    zizmor = require_tool("zizmor")
    result = run_tool(
        zizmor,
        "--offline",
        "--no-progress",
        "--format",
        "plain",
        str(REPO / ".github"),
        *map(str, ACTION_FILES),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_workflows_match_the_github_workflow_schema() -> None:
    check = require_tool("check-jsonschema")
    result = run_tool(
        check, "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOW_FILES)
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_actions_match_the_github_action_schema() -> None:
    check = require_tool("check-jsonschema")
    result = run_tool(check, "--builtin-schema", "vendor.github-actions", *map(str, ACTION_FILES))
    assert result.returncode == 0, result.stdout + result.stderr


def test_dependabot_config_matches_its_schema() -> None:
    check = require_tool("check-jsonschema")
    result = run_tool(check, "--builtin-schema", "vendor.dependabot", str(DEPENDABOT))
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_reports_nothing_on_a_scaffolded_workflow(scaffolded: Path) -> None:
    result = run_tool(*actionlint_command(), str(scaffolded))
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_jactionlint_reports_nothing_on_a_scaffolded_workflow(scaffolded: Path) -> None:
    result = run_tool(*jactionlint_command(), str(scaffolded))
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_zizmor_offline_reports_nothing_on_a_scaffolded_site(scaffolded: Path) -> None:
    zizmor = require_tool("zizmor")
    result = run_tool(
        zizmor, "--offline", "--no-progress", "--format", "plain", str(scaffolded.parents[2])
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_a_scaffolded_workflow_matches_the_github_workflow_schema(scaffolded: Path) -> None:
    check = require_tool("check-jsonschema")
    result = run_tool(check, "--builtin-schema", "vendor.github-workflows", str(scaffolded))
    assert result.returncode == 0, result.stdout + result.stderr


# --- shape ---------------------------------------------------------------------------------


def all_steps(document: dict[Any, Any]) -> Iterator[dict[str, Any]]:
    """Every step of a workflow's jobs or of a composite action."""
    if "runs" in document:
        yield from document["runs"]["steps"]
    for job in document.get("jobs", {}).values():
        yield from job.get("steps", [])


def yaml_files(scaffolded: Path) -> list[Path]:
    return [*WORKFLOW_FILES, *ACTION_FILES, scaffolded]


@pytest.mark.parametrize("path", [*WORKFLOW_FILES, *ACTION_FILES], ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path: Path) -> None:
    uses = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"^\s*(-\s+)?uses:", line)
    ]
    assert uses
    for line in uses:
        assert PINNED.match(line) or LOCAL.match(line), (
            f"not pinned to a full SHA with '# vX.Y.Z', nor this checkout: {line.strip()}"
        )


def test_a_scaffolded_workflow_pins_every_action_as_this_repository_does(scaffolded: Path) -> None:
    ours = {
        match[1]: match[2]
        for path in [*WORKFLOW_FILES, *ACTION_FILES]
        for match in map(PINNED.match, path.read_text(encoding="utf-8").splitlines())
        if match
    }
    lines = [
        line
        for line in scaffolded.read_text(encoding="utf-8").splitlines()
        if re.match(r"^\s*(-\s+)?uses:", line)
    ]
    for line in lines:
        match = PINNED.match(line)
        assert match, f"not pinned: {line.strip()}"
        if match[1].startswith("feedgen-app/feedgen-app"):
            assert (match[2], line.split("# ")[1].strip()) == (SHA, f"v{__version__}")
        else:
            assert ours.get(match[1]) == match[2], f"{match[1]}: another pin than ours"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_permissions_are_per_job_and_runs_are_bounded(path: Path) -> None:
    workflow = load_workflow(path)
    assert workflow["permissions"] == {}
    assert workflow["defaults"] == {"run": {"shell": "bash"}}
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, name
        assert isinstance(job["timeout-minutes"], int), name
        assert "write" not in job["permissions"].values() or path.name == "publish.yml", name
    for step in all_steps(workflow):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_no_expression_is_pasted_into_a_shell_script(scaffolded: Path) -> None:
    for path in yaml_files(scaffolded):
        for step in all_steps(load_workflow(path)):
            assert "${{" not in step.get("run", ""), (path.name, step.get("name"))


def test_no_step_probes_the_installed_version_for_a_command(scaffolded: Path) -> None:
    for path in yaml_files(scaffolded):
        for step in all_steps(load_workflow(path)):
            assert "--help" not in step.get("run", ""), (path.name, step.get("name"))


def test_publish_triggers_schedule_push_dispatch_and_rebuild() -> None:
    on = load_workflow(PUBLISH)["on"]
    crons = [entry["cron"] for entry in on["schedule"]]
    minutes = [int(m) for m in crons[0].split()[0].split(",")]
    assert minutes == [7, 22, 37, 52]  # every 15 minutes, never on the hour
    assert crons[0].split()[1:] == ["*", "*", "*", "*"]
    assert on["push"]["branches"] == ["main"]
    assert {
        "content/**",
        "feed.yaml",
        "feedgen_app/**",
        "action.yml",
        "ping/action.yml",
        ".github/workflows/publish.yml",
    } <= set(on["push"]["paths"])
    assert on["workflow_dispatch"]["inputs"]["force"]["type"] == "boolean"
    assert on["repository_dispatch"] == {"types": ["rebuild"]}


def test_publish_deploys_with_exactly_pages_and_id_token_after_the_build() -> None:
    workflow = load_workflow(PUBLISH)
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    jobs = workflow["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert jobs["build"]["outputs"] == {"changed": "${{ steps.site.outputs.changed }}"}
    deploy = jobs["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build"
    assert deploy["if"] == "needs.build.outputs.changed == 'true'"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    upload = [
        s
        for s in load_workflow(ACTION)["runs"]["steps"]
        if s.get("uses", "").startswith("actions/upload-pages-artifact@")
    ]
    assert upload == [
        {
            "name": "Upload the site",
            "if": "steps.compare.outputs.changed == 'true'",
            "uses": upload[0]["uses"],
            "with": {"path": "public/"},
        }
    ]


def test_publish_builds_through_the_local_action_and_runs_no_tests() -> None:
    jobs = load_workflow(PUBLISH)["jobs"]
    assert [s.get("uses", "").split("@")[0] for s in jobs["build"]["steps"]] == [
        "actions/checkout",
        "./",
    ]
    assert [s.get("uses", "").split("@")[0] for s in jobs["ping"]["steps"]] == [
        "actions/checkout",
        "./ping",
    ]
    for path in [PUBLISH, *ACTION_FILES]:
        assert "pytest" not in path.read_text(encoding="utf-8"), path.name


def test_the_action_has_the_documented_inputs_and_outputs() -> None:
    action = load_workflow(ACTION)
    assert set(action["inputs"]) == {"content", "config", "force", "python-version"}
    assert {"changed", "reason", "site-hash"} == set(action["outputs"])
    assert action["runs"]["using"] == "composite"
    install = next(s for s in action["runs"]["steps"] if s.get("id") == "install")
    assert '"$GITHUB_ACTION_PATH"' in install["run"]


def test_the_build_cache_is_saved_only_under_a_new_key() -> None:
    steps = {s["name"]: s for s in load_workflow(ACTION)["runs"]["steps"]}
    restore, save = steps["Restore the build cache"], steps["Save the build cache"]
    assert restore["uses"].startswith("actions/cache/restore@")
    key = restore["with"]["key"]
    assert "hashFiles(format('{0}/**', inputs.content), inputs.config)" in key
    assert "steps.package.outputs.id" in key
    assert "run_id" not in key and "run_id" not in restore["with"]["restore-keys"]
    assert restore["with"]["restore-keys"].strip() == key[: key.rindex("${{")]
    assert save["uses"].startswith("actions/cache/save@")
    assert save["if"] == "steps.cache.outputs.cache-hit != 'true'"
    assert save["with"] == {
        "path": ".feedgen-cache/",
        "key": "${{ steps.cache.outputs.cache-primary-key }}",
    }


def test_the_base_url_guard_runs_before_the_upload() -> None:
    names = [s["name"] for s in load_workflow(ACTION)["runs"]["steps"]]
    assert (
        names.index("Configure Pages")
        < names.index("Compare base_url with the Pages address")
        < names.index("Upload the site")
    )


def test_the_keepalive_only_runs_on_its_own_weekly_schedule() -> None:
    workflow = load_workflow(PUBLISH)
    crons = [entry["cron"] for entry in workflow["on"]["schedule"]]
    keepalive = workflow["jobs"]["keepalive"]
    assert keepalive["permissions"] == {"actions": "write"}
    assert f"github.event.schedule == '{crons[1]}'" in keepalive["if"]
    assert "/enable" in keepalive["steps"][0]["run"]


def test_a_scaffolded_workflow_runs_and_deploys_as_this_repositorys(scaffolded: Path) -> None:
    ours, theirs = load_workflow(PUBLISH), load_workflow(scaffolded)
    for key in ("permissions", "concurrency", "defaults"):
        assert theirs[key] == ours[key], key
    for trigger in ("schedule", "workflow_dispatch", "repository_dispatch"):
        assert theirs["on"][trigger] == ours["on"][trigger], trigger
    assert theirs["on"]["push"]["branches"] == ours["on"]["push"]["branches"]
    assert {"content/**", "feed.yaml", ".github/workflows/publish.yml"} <= set(
        theirs["on"]["push"]["paths"]
    )
    assert theirs["jobs"].keys() == ours["jobs"].keys()
    for name in ("deploy", "keepalive"):
        assert theirs["jobs"][name] == ours["jobs"][name], name
    for name in ("build", "ping"):
        for key in ("permissions", "if", "needs", "outputs", "timeout-minutes"):
            assert theirs["jobs"][name].get(key) == ours["jobs"][name].get(key), (name, key)
    build = theirs["jobs"]["build"]["steps"][1]
    assert build["uses"] == f"feedgen-app/feedgen-app@{SHA}"
    assert build["with"]["force"] == ours["jobs"]["build"]["steps"][1]["with"]["force"]
    assert theirs["jobs"]["ping"]["steps"][1]["uses"] == f"feedgen-app/feedgen-app/ping@{SHA}"


# --- the site hash -------------------------------------------------------------------------


def test_the_site_hash_is_the_sha256sum_listing_of_the_other_files(tmp_path: Path) -> None:
    files = {"index.html": b"<p>a</p>", "a/index.html": b"x", "atom.xml": b"<feed/>"}
    listing = "".join(f"{hashlib.sha256(files[n]).hexdigest()}  {n}\n" for n in sorted(files))
    assert hash_site(files) == hashlib.sha256(listing.encode()).hexdigest()
    assert hash_site({**files, "site-hash.txt": b"anything"}) == hash_site(files)
    assert hash_site({**files, "index.html": b"<p>b</p>"}) != hash_site(files)


def test_the_published_site_hash_can_be_checked_with_coreutils(tmp_path: Path) -> None:
    work = make_site(tmp_path, "http://127.0.0.1:9/")
    subprocess.run(
        [sys.executable, "-m", "feedgen_app", "build"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    script = (
        "find . -type f ! -name site-hash.txt ! -name '.*' | sed 's|^\\./||' "
        '| LC_ALL=C sort | while read -r f; do sha256sum "$f"; done | sha256sum'
    )
    listing = subprocess.run(
        ["bash", "-c", script], cwd=work / "public", capture_output=True, text=True, check=True
    ).stdout.split()[0]
    assert (work / "public" / "site-hash.txt").read_text(encoding="ascii") == f"{listing}\n"


# --- the base_url guard --------------------------------------------------------------------


def load_pages_script() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "check_pages_url", REPO / "scripts" / "check_pages_url.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("base_url", "pages_url"),
    [
        ("https://octo.github.io/nachrichten/", "https://octo.github.io/nachrichten"),
        ("https://octo.github.io/nachrichten/", "https://octo.github.io/nachrichten/"),
        ("https://news.example.org/", "https://news.example.org"),
    ],
)
def test_the_guard_accepts_the_pages_address_with_or_without_a_slash(
    base_url: str, pages_url: str
) -> None:
    assert load_pages_script().compare_urls(base_url, pages_url, "feed.yaml") is None


def test_the_guard_names_the_config_and_the_address_to_set() -> None:
    problem = load_pages_script().compare_urls(
        "https://feedgen-app.github.io/feedgen-app/",
        "https://octo.github.io/nachrichten",
        "feed.yaml",
    )
    assert problem == (
        "feed.yaml:1: base_url https://feedgen-app.github.io/feedgen-app/ is not the address "
        "GitHub Pages serves this site at, https://octo.github.io/nachrichten/: set base_url: "
        '"https://octo.github.io/nachrichten/" in feed.yaml (or set up the custom domain in '
        "Settings -> Pages)"
    )


def test_the_guard_fails_when_pages_reports_no_address() -> None:
    problem = load_pages_script().compare_urls("https://octo.github.io/x/", "", "feed.yaml")
    assert problem.startswith("feed.yaml:1: GitHub Pages reported no address")


# --- local run of the build job ------------------------------------------------------------

FEED_YAML = """\
title: "Wirtschaft kompakt"
base_url: "{base_url}"
author: "Redaktion"
id_authority: "example.org,2025"
"""
ARTICLE = "date 2025-10-08 Amazon mischt Gesundheitswesen auf\nAmazon startet ein Modell.\n"
FUTURE = "date 2099-01-01T06:00 Sperrfrist\nErscheint erst 2099.\n"


def make_site(root: Path, base_url: str) -> Path:
    """A checkout-like folder of this repository's demo: content and feed.yaml."""
    work = root / "work"
    (work / "content").mkdir(parents=True)
    (work / "feed.yaml").write_text(FEED_YAML.format(base_url=base_url), encoding="utf-8")
    (work / "content" / "2025-10-08-amazon.txt").write_text(ARTICLE, encoding="utf-8")
    (work / "content" / "sperrfrist.txt").write_text(FUTURE, encoding="utf-8")
    return work


@dataclass
class JobRun:
    ran: list[str] = field(default_factory=list)
    """The action's run: steps that ran (by id), and `uses:` steps whose `if:` held (by name)."""
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    """The action's step outputs, by step id."""
    job_outputs: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    failed: str = ""
    """The id of the step that failed, and its output after a colon; "" when none failed."""


def read_outputs(path: Path) -> dict[str, str]:
    """Parse a GITHUB_OUTPUT file: `key=value` lines and `key<<DELIMITER` blocks."""
    values: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            values[key] = "\n".join(iter(lambda: next(lines), delimiter))
        elif line:
            key, value = line.split("=", 1)
            values[key] = value
    return values


@dataclass
class LocalRunner:
    """Runs a workflow's build job the way GitHub would, as far as it matters here: the action it
    `uses:` (this repository's action.yml, as `./` or as feedgen-app/feedgen-app@REF) step by
    step, with bash, a fresh GITHUB_OUTPUT per step and one GITHUB_STEP_SUMMARY. Other `uses:`
    steps are skipped, but actions/configure-pages reports `pages_url`; STUBBED steps are
    skipped. Expressions the runner cannot evaluate come from `given` (by the action input
    they are passed as)."""

    work: Path
    pages_url: str
    given: dict[str, str]

    def run_job(self, workflow: Path) -> JobRun:
        job = load_workflow(workflow)["jobs"]["build"]
        run, site_outputs = JobRun(), {}
        for step in job["steps"]:
            uses = step.get("uses", "")
            if uses == "./" or uses.startswith("feedgen-app/feedgen-app@"):
                inputs = {
                    name: self.job_value(name, str(value))
                    for name, value in (step.get("with") or {}).items()
                }
                run = self.run_action(inputs)
                site_outputs[step["id"]] = run.job_outputs
        run.job_outputs = {
            name: evaluate(str(value), site_outputs, {}) for name, value in job["outputs"].items()
        }
        return run

    def job_value(self, name: str, raw: str) -> str:
        if not EXPRESSION.match(raw):
            return raw
        if name not in self.given:
            pytest.fail(f"the local runner has no value for the action input {name}: {raw}")
        return self.given[name]

    def run_action(self, given: dict[str, str]) -> JobRun:
        action = load_workflow(ACTION)
        inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
        inputs.update(given)
        temp = self.work.parent / "runner-temp"
        shutil.rmtree(temp, ignore_errors=True)
        temp.mkdir()
        summary = temp / "step-summary.md"
        summary.touch()
        run = JobRun()
        base = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "HOME": os.environ.get("HOME", str(self.work)),
            "LANG": "C.UTF-8",
            "RUNNER_TEMP": str(temp),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_RUN_ID": "4242",
            "GITHUB_ACTIONS": "true",
            "GITHUB_ACTION_PATH": str(REPO),
        }
        for number, step in enumerate(action["runs"]["steps"]):
            condition = step.get("if", "success()")
            if not holds(condition, run.outputs, failed=bool(run.failed)):
                continue
            if "uses" in step:
                run.ran.append(step["name"])
                if step["uses"].startswith("actions/configure-pages@"):
                    run.outputs[step["id"]] = {"base_url": self.pages_url}
                continue
            step_id = step["id"]
            if step_id in STUBBED:
                continue
            output = temp / f"output-{number}"
            output.touch()
            script = temp / f"step-{number}.sh"
            script.write_text(step["run"], encoding="utf-8")
            env = {
                **base,
                "GITHUB_OUTPUT": str(output),
                **{
                    name: evaluate(str(value), run.outputs, inputs)
                    for name, value in (step.get("env") or {}).items()
                },
            }
            result = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                cwd=self.work,
                env=env,
                capture_output=True,
                text=True,
                check=False,
                timeout=120,
            )
            run.ran.append(step_id)
            run.outputs[step_id] = read_outputs(output)
            if result.returncode != 0 and not run.failed:
                run.failed = f"{step_id}: {result.stdout}{result.stderr}"
        run.job_outputs = {
            name: evaluate(str(spec["value"]), run.outputs, inputs)
            for name, spec in action["outputs"].items()
        }
        run.summary = summary.read_text(encoding="utf-8")
        return run


def evaluate(raw: str, outputs: dict[str, dict[str, str]], inputs: dict[str, str]) -> str:
    """A value with `${{ steps.S.outputs.O }}` or `${{ inputs.NAME }}` evaluated; other text
    as it is."""
    match = EXPRESSION.match(raw)
    if not match:
        return raw
    expression = match[1]
    step = STEP_OUTPUT.match(expression)
    if step:
        return outputs.get(step[1], {}).get(step[2], "")
    if expression.startswith("inputs.") and expression[7:] in inputs:
        return inputs[expression[7:]]
    pytest.fail(f"the local runner cannot evaluate {raw}")


def holds(condition: str, outputs: dict[str, dict[str, str]], failed: bool) -> bool:
    """A step's `if:`: always(), success() (the default) or a comparison of a step output."""
    if condition == "always()":
        return True
    if failed:
        return False
    if condition == "success()":
        return True
    match = CONDITION.match(condition)
    if not match:
        pytest.fail(f"the local runner cannot evaluate if: {condition}")
    value = outputs.get(match[1], {}).get(match[2], "")
    return (value == match[4]) == (match[3] == "==")


@pytest.fixture
def live_site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A local stand-in for the live GitHub Pages site: a folder served on 127.0.0.1."""
    root = tmp_path / "live"
    root.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def deploy(public: Path, live: Path) -> None:
    """What upload-pages-artifact + deploy-pages do: replace the live site, dotfiles left out."""
    shutil.rmtree(live)
    shutil.copytree(public, live, ignore=shutil.ignore_patterns(".*"))


def succeeded(run: JobRun) -> JobRun:
    assert run.failed == "", run.failed
    return run


RUN_STEPS = [s["id"] for s in load_workflow(ACTION)["runs"]["steps"] if "run" in s]
ALWAYS = [
    s["id"]
    for s in load_workflow(ACTION)["runs"]["steps"]
    if "run" in s and s.get("if") == "always()"
]
WHEN_CHANGED = [
    s.get("id", s["name"])
    for s in load_workflow(ACTION)["runs"]["steps"]
    if s.get("if") == "steps.compare.outputs.changed == 'true'"
]


def test_the_build_job_deploys_only_what_changed(
    tmp_path: Path, live_site: tuple[Path, str]
) -> None:
    live, url = live_site
    work = make_site(tmp_path, url)
    runner = LocalRunner(work, pages_url=url.rstrip("/"), given={"force": "false"})

    first = succeeded(runner.run_job(PUBLISH))
    assert [s for s in first.ran if s in RUN_STEPS] == [s for s in RUN_STEPS if s not in STUBBED]
    assert {"Configure Pages", "Upload the site"} <= set(first.ran)
    assert first.job_outputs == {"changed": "true"}
    assert "first deploy" in first.outputs["compare"]["reason"]
    assert first.outputs["compare"]["live_url"] == url
    assert (
        "| Deploy | yes: the live site has no site-hash.txt yet (first deploy) |" in first.summary
    )
    assert "| Articles published | 1 |" in first.summary
    assert "| Scheduled, waiting | 1 |" in first.summary
    assert "1. Januar 2099, 06:00 Uhr (2099-01-01T06:00:00+01:00): Sperrfrist" in first.summary

    deploy(work / "public", live)
    assert not (live / ".feedgen-manifest.json").exists()
    same = succeeded(runner.run_job(PUBLISH))
    assert same.job_outputs == {"changed": "false"}
    assert not set(WHEN_CHANGED) & set(same.ran)  # no upload, no guard, no check --against
    assert same.outputs["compare"]["site_hash"] == first.outputs["compare"]["site_hash"]
    assert "| Deploy | no: the built site is identical to the live site |" in same.summary

    article = work / "content" / "2025-10-08-amazon.txt"
    article.write_text(ARTICLE + "Ein neuer Absatz mit einer Korrektur.\n", encoding="utf-8")
    edited = succeeded(runner.run_job(PUBLISH))
    assert edited.job_outputs == {"changed": "true"}
    assert edited.outputs["compare"]["reason"].startswith("the site changed (live ")

    deploy(work / "public", live)
    assert succeeded(runner.run_job(PUBLISH)).job_outputs == {"changed": "false"}
    forced = succeeded(LocalRunner(work, url, given={"force": "true"}).run_job(PUBLISH))
    assert forced.outputs["compare"] == {
        **forced.outputs["compare"],
        "changed": "true",
        "reason": "forced",
    }
    assert "| Deploy | yes: forced |" in forced.summary


def test_a_scaffolded_sites_build_job_deploys_only_what_changed(
    tmp_path: Path, live_site: tuple[Path, str]
) -> None:
    live, url = live_site
    work = scaffold(tmp_path / "work", base_url=url)
    workflow = work / ".github" / "workflows" / "publish.yml"
    runner = LocalRunner(work, pages_url=url.rstrip("/"), given={"force": "false"})

    first = succeeded(runner.run_job(workflow))
    assert first.job_outputs == {"changed": "true"}
    assert {"check", "compare", "pages-url", "check-against", "Upload the site"} <= set(first.ran)
    assert "| Articles published | 1 |" in first.summary

    deploy(work / "public", live)
    same = succeeded(runner.run_job(workflow))
    assert same.job_outputs == {"changed": "false"}
    assert "Upload the site" not in same.ran

    article = next((work / "content").glob("*-willkommen.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\nEin Nachtrag.\n", encoding="utf-8")
    edited = succeeded(runner.run_job(workflow))
    assert edited.job_outputs == {"changed": "true"}
    assert edited.outputs["compare"]["reason"].startswith("the site changed (live ")

    deploy(work / "public", live)
    assert succeeded(runner.run_job(workflow)).job_outputs == {"changed": "false"}
    forced = succeeded(LocalRunner(work, url, given={"force": "true"}).run_job(workflow))
    assert (forced.job_outputs, forced.outputs["compare"]["reason"]) == (
        {"changed": "true"},
        "forced",
    )


def test_a_base_url_that_is_not_the_pages_address_stops_before_the_upload(
    tmp_path: Path, live_site: tuple[Path, str]
) -> None:
    _, url = live_site
    work = scaffold(tmp_path / "work", base_url=url)
    runner = LocalRunner(
        work, pages_url="https://octo.github.io/nachrichten", given={"force": "false"}
    )
    run = runner.run_job(work / ".github" / "workflows" / "publish.yml")
    assert run.failed.startswith(
        "pages-url: ::error file=feed.yaml,line=1::feed.yaml:1: "
        f"base_url {url} is not the address GitHub Pages serves"
    )
    assert "https://octo.github.io/nachrichten/" in run.failed
    assert "Upload the site" not in run.ran and "check-against" not in run.ran
    assert ALWAYS and set(ALWAYS) <= set(run.ran)  # the summary is still written


def test_an_unreachable_live_site_counts_as_changed(tmp_path: Path) -> None:
    with socket.socket() as probe:  # free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    work = make_site(tmp_path, f"http://127.0.0.1:{port}/")
    summary, output = tmp_path / "summary.json", tmp_path / "output"
    subprocess.run(
        [sys.executable, "-m", "feedgen_app", "build", "--summary", str(summary)],
        cwd=work,
        capture_output=True,
        check=True,
    )
    env = {**os.environ, "GITHUB_OUTPUT": str(output), "FORCE": ""}
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "compare_live.py"), "--summary", str(summary)],
        cwd=work,
        env=env,
        capture_output=True,
        check=True,
    )
    outputs = read_outputs(output)
    assert outputs["changed"] == "true"
    assert outputs["reason"].startswith("the live site could not be read")
