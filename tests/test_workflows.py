"""The GitHub workflows: linters (actionlint, zizmor, the schema), their shape, and a local run of
the publish workflow's build job that shows when it deploys."""

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
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO, require_tool
from feedgen_app.publish import hash_site

WORKFLOWS = REPO / ".github" / "workflows"
PUBLISH = WORKFLOWS / "publish.yml"
DEPENDABOT = REPO / ".github" / "dependabot.yml"
WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.yml"))
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s*([^@\s]+)@([0-9a-f]{40}) # v\d+(?:\.\d+)*\s*$")
STEP_OUTPUT = re.compile(r"^\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}$")
# Build-job steps the local runner does not execute, and why. Every other run: step runs.
STUBBED = {
    "install": "this test process already has feedgen-app and the test tools installed",
    "test": "it runs this very test suite: running it here would recurse",
}


def load_workflow(path: Path) -> dict[Any, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    if True in document:  # YAML 1.1 reads the key `on` as a boolean
        document["on"] = document.pop(True)
    return document


def run_tool(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO,
                          timeout=300)


# --- linters -------------------------------------------------------------------------------


def test_there_are_the_two_workflows() -> None:
    assert [p.name for p in WORKFLOW_FILES] == ["publish.yml", "test.yml"]


def test_actionlint_reports_nothing() -> None:
    actionlint = require_tool("actionlint")
    result = run_tool(actionlint, "-no-color", *map(str, WORKFLOW_FILES))
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_zizmor_offline_reports_nothing() -> None:
    zizmor = require_tool("zizmor")
    result = run_tool(zizmor, "--offline", "--no-progress", "--format", "plain",
                      str(REPO / ".github"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_workflows_match_the_github_workflow_schema() -> None:
    check = require_tool("check-jsonschema")
    result = run_tool(check, "--builtin-schema", "vendor.github-workflows",
                      *map(str, WORKFLOW_FILES))
    assert result.returncode == 0, result.stdout + result.stderr


def test_dependabot_config_matches_its_schema() -> None:
    check = require_tool("check-jsonschema")
    result = run_tool(check, "--builtin-schema", "vendor.dependabot", str(DEPENDABOT))
    assert result.returncode == 0, result.stdout + result.stderr


# --- shape ---------------------------------------------------------------------------------


def all_steps(workflow: dict[Any, Any]) -> Iterator[dict[str, Any]]:
    for job in workflow["jobs"].values():
        yield from job.get("steps", [])


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path: Path) -> None:
    uses = [line for line in path.read_text(encoding="utf-8").splitlines()
            if re.match(r"^\s*(-\s+)?uses:", line)]
    assert uses
    for line in uses:
        assert PINNED.match(line), f"not pinned to a full SHA with '# vX.Y.Z': {line.strip()}"


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


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_no_expression_is_pasted_into_a_shell_script(path: Path) -> None:
    for step in all_steps(load_workflow(path)):
        assert "${{" not in step.get("run", ""), step.get("name")


def test_publish_triggers_schedule_push_dispatch_and_rebuild() -> None:
    on = load_workflow(PUBLISH)["on"]
    crons = [entry["cron"] for entry in on["schedule"]]
    minutes = [int(m) for m in crons[0].split()[0].split(",")]
    assert minutes == [7, 22, 37, 52]  # every 15 minutes, never on the hour
    assert crons[0].split()[1:] == ["*", "*", "*", "*"]
    assert on["push"]["branches"] == ["main"]
    assert {"content/**", "feed.yaml", "feedgen_app/**", ".github/workflows/publish.yml"} <= set(
        on["push"]["paths"])
    assert on["workflow_dispatch"]["inputs"]["force"]["type"] == "boolean"
    assert on["repository_dispatch"] == {"types": ["rebuild"]}


def test_publish_deploys_with_exactly_pages_and_id_token_after_the_build() -> None:
    workflow = load_workflow(PUBLISH)
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    jobs = workflow["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    deploy = jobs["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build"
    assert deploy["if"] == "needs.build.outputs.changed == 'true'"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    upload = [s for s in jobs["build"]["steps"]
              if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert upload == [{"name": "Upload the site", "if": "steps.compare.outputs.changed == 'true'",
                       "uses": upload[0]["uses"], "with": {"path": "public/"}}]


def test_the_keepalive_only_runs_on_its_own_weekly_schedule() -> None:
    workflow = load_workflow(PUBLISH)
    crons = [entry["cron"] for entry in workflow["on"]["schedule"]]
    keepalive = workflow["jobs"]["keepalive"]
    assert keepalive["permissions"] == {"actions": "write"}
    assert f"github.event.schedule == '{crons[1]}'" in keepalive["if"]
    assert "/enable" in keepalive["steps"][0]["run"]


# --- the site hash -------------------------------------------------------------------------


def test_the_site_hash_is_the_sha256sum_listing_of_the_other_files(tmp_path: Path) -> None:
    files = {"index.html": b"<p>a</p>", "a/index.html": b"x", "atom.xml": b"<feed/>"}
    listing = "".join(f"{hashlib.sha256(files[n]).hexdigest()}  {n}\n" for n in sorted(files))
    assert hash_site(files) == hashlib.sha256(listing.encode()).hexdigest()
    assert hash_site({**files, "site-hash.txt": b"anything"}) == hash_site(files)
    assert hash_site({**files, "index.html": b"<p>b</p>"}) != hash_site(files)


def test_the_published_site_hash_can_be_checked_with_coreutils(tmp_path: Path) -> None:
    work = make_site(tmp_path, "http://127.0.0.1:9/")
    subprocess.run([sys.executable, "-m", "feedgen_app", "build"], cwd=work,
                   capture_output=True, text=True, check=True)
    script = ("find . -type f ! -name site-hash.txt ! -name '.*' | sed 's|^\\./||' "
              "| LC_ALL=C sort | while read -r f; do sha256sum \"$f\"; done | sha256sum")
    listing = subprocess.run(["bash", "-c", script], cwd=work / "public", capture_output=True,
                             text=True, check=True).stdout.split()[0]
    assert (work / "public" / "site-hash.txt").read_text(encoding="ascii") == f"{listing}\n"


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
    """A checkout-like folder: content, feed.yaml and the workflow's scripts."""
    work = root / "work"
    (work / "content").mkdir(parents=True)
    (work / "feed.yaml").write_text(FEED_YAML.format(base_url=base_url), encoding="utf-8")
    (work / "content" / "2025-10-08-amazon.txt").write_text(ARTICLE, encoding="utf-8")
    (work / "content" / "sperrfrist.txt").write_text(FUTURE, encoding="utf-8")
    shutil.copytree(REPO / "scripts", work / "scripts",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return work


@dataclass
class JobRun:
    ran: list[str] = field(default_factory=list)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    summary: str = ""


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


def resolve_env(step: dict[str, Any], outputs: dict[str, dict[str, str]],
                inputs: dict[str, str]) -> dict[str, str]:
    """A step's env:, with `steps.X.outputs.Y` looked up and other expressions from `inputs`."""
    env = {}
    for name, raw in (step.get("env") or {}).items():
        value = str(raw)
        match = STEP_OUTPUT.match(value)
        if match:
            value = outputs.get(match.group(1), {}).get(match.group(2), "")
        elif "${{" in value:
            if name not in inputs:
                pytest.fail(f"the local runner has no value for {name}: {value}")
            value = inputs[name]
        env[name] = value
    return env


def run_build_job(work: Path, inputs: dict[str, str]) -> JobRun:
    """Run the publish workflow's build job locally: every run: step in order, with bash as
    GitHub runs it, a fresh GITHUB_OUTPUT per step and one GITHUB_STEP_SUMMARY; uses: steps and
    STUBBED steps skipped."""
    job = load_workflow(PUBLISH)["jobs"]["build"]
    temp = work.parent / "runner-temp"
    shutil.rmtree(temp, ignore_errors=True)
    temp.mkdir()
    summary = temp / "step-summary.md"
    summary.touch()
    run = JobRun()
    base = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "HOME": os.environ.get("HOME", str(work)), "LANG": "C.UTF-8",
            "RUNNER_TEMP": str(temp), "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_RUN_ID": "4242", "GITHUB_ACTIONS": "true"}
    for number, step in enumerate(job["steps"]):
        if "uses" in step:
            continue
        step_id = step["id"]
        if step_id in STUBBED:
            continue
        assert step.get("if") in (None, "always()"), f"cannot evaluate if: in {step_id}"
        output = temp / f"output-{number}"
        output.touch()
        script = temp / f"step-{number}.sh"
        script.write_text(step["run"], encoding="utf-8")
        env = {**base, "GITHUB_OUTPUT": str(output),
               **resolve_env(step, run.outputs, inputs)}
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                                cwd=work, env=env, capture_output=True, text=True, check=False,
                                timeout=120)
        assert result.returncode == 0, f"step {step_id}:\n{result.stdout}{result.stderr}"
        run.ran.append(step_id)
        run.outputs[step_id] = read_outputs(output)
    run.summary = summary.read_text(encoding="utf-8")
    return run


@pytest.fixture
def live_site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A local stand-in for the live GitHub Pages site: a folder served on 127.0.0.1."""
    root = tmp_path / "live"
    root.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
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


def test_the_build_job_deploys_only_what_changed(tmp_path: Path,
                                                 live_site: tuple[Path, str]) -> None:
    live, url = live_site
    work = make_site(tmp_path, url)
    unforced = {"FORCE": "false"}

    first = run_build_job(work, unforced)
    run_steps = [s["id"] for s in load_workflow(PUBLISH)["jobs"]["build"]["steps"] if "run" in s]
    assert first.ran == [s for s in run_steps if s not in STUBBED]
    assert first.outputs["compare"]["changed"] == "true"
    assert "first deploy" in first.outputs["compare"]["reason"]
    assert first.outputs["compare"]["live_url"] == url
    assert ("| Deploy | yes: the live site has no site-hash.txt yet (first deploy) |"
            in first.summary)
    assert "| Articles published | 1 |" in first.summary
    assert "| Scheduled, waiting | 1 |" in first.summary
    assert "1. Januar 2099, 06:00 Uhr (2099-01-01T06:00:00+01:00): Sperrfrist" in first.summary

    deploy(work / "public", live)
    assert not (live / ".feedgen-manifest.json").exists()
    same = run_build_job(work, unforced)
    assert same.outputs["compare"]["changed"] == "false"
    assert same.outputs["compare"]["site_hash"] == first.outputs["compare"]["site_hash"]
    assert "| Deploy | no: the built site is identical to the live site |" in same.summary

    article = work / "content" / "2025-10-08-amazon.txt"
    article.write_text(ARTICLE + "Ein neuer Absatz mit einer Korrektur.\n", encoding="utf-8")
    edited = run_build_job(work, unforced)
    assert edited.outputs["compare"]["changed"] == "true"
    assert edited.outputs["compare"]["reason"].startswith("the site changed (live ")

    deploy(work / "public", live)
    assert run_build_job(work, unforced).outputs["compare"]["changed"] == "false"
    forced = run_build_job(work, {"FORCE": "true"})
    assert forced.outputs["compare"] == {**forced.outputs["compare"], "changed": "true",
                                         "reason": "forced"}
    assert "| Deploy | yes: forced |" in forced.summary


def test_an_unreachable_live_site_counts_as_changed(tmp_path: Path) -> None:
    with socket.socket() as probe:  # free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    work = make_site(tmp_path, f"http://127.0.0.1:{port}/")
    summary, output = tmp_path / "summary.json", tmp_path / "output"
    subprocess.run([sys.executable, "-m", "feedgen_app", "build", "--summary", str(summary)],
                   cwd=work, capture_output=True, check=True)
    env = {**os.environ, "GITHUB_OUTPUT": str(output), "FORCE": ""}
    subprocess.run([sys.executable, "scripts/compare_live.py", "--summary", str(summary)],
                   cwd=work, env=env, capture_output=True, check=True)
    outputs = read_outputs(output)
    assert outputs["changed"] == "true"
    assert outputs["reason"].startswith("the live site could not be read")
