"""Publishing: atomic swap, stale files gone, output safety, the manifest, kill -9 at any time."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import CASES, FIXED_NOW
from feedgen_app.commands.cli import main
from feedgen_app.errors import PublishError
from feedgen_app.pipeline import write_site
from feedgen_app.publishing.manifest import MANIFEST, read_manifest
from feedgen_app.publishing.publish import check_output_dir, remove_stale_staging
from feedgen_app.rendering.plan import Outputs, join_rendered
from feedgen_app.rendering.render import simple

REPO = Path(__file__).resolve().parent.parent
ARTICLE = "date {date} {title}\n\nEin Absatz über {title}.\nZwischentitel\nNoch ein Absatz.\n"


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def assert_matches_manifest(out: Path) -> dict[str, str]:
    """`out` holds exactly the files its manifest lists, each with its SHA-256."""
    listed = read_manifest(out)
    assert listed is not None, f"{out} has no valid manifest"
    present = {
        name: hashlib.sha256(data).hexdigest()
        for name, data in snapshot(out).items()
        if name != MANIFEST
    }
    assert present == listed
    return listed


def write_articles(content: Path, numbers: range, title: str = "Meldung {n}") -> None:
    for n in numbers:
        month, day = 1 + n % 12, 1 + n % 28
        (content / f"2025-{month:02d}-{day:02d}-meldung-{n}.txt").write_text(
            ARTICLE.format(
                date=f"2025-{month:02d}-{day:02d}T{n % 24:02d}:00", title=title.format(n=n)
            ),
            encoding="utf-8",
        )


@pytest.fixture
def seed(tmp_path: Path) -> tuple[Path, Path]:
    shutil.copytree(CASES / "seed" / "content", tmp_path / "content")
    shutil.copy(CASES / "seed" / "feed.yaml", tmp_path / "feed.yaml")
    return tmp_path / "content", tmp_path / "feed.yaml"


def build(content: Path, config: Path, out: Path) -> int:
    return main(
        [
            "build",
            "--content",
            str(content),
            "--config",
            str(config),
            "--out",
            str(out),
            "--now",
            FIXED_NOW,
        ]
    )


def test_a_build_writes_exactly_the_manifest_and_no_leftovers(
    seed: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "public"
    assert build(*seed, out) == 0
    listed = assert_matches_manifest(out)
    assert "atom.xml" in listed and "amazon-mischt-gesundheitswesen-auf/index.html" in listed
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["generator"] == "feedgen-app"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".public.new")) == []


def test_files_of_deleted_articles_disappear(seed: tuple[Path, Path], tmp_path: Path) -> None:
    content, config = seed
    out = tmp_path / "public"
    write_articles(content, range(3))
    assert build(content, config, out) == 0
    assert (out / "meldung-2" / "index.html").is_file()
    next(content.glob("*-meldung-2.txt")).unlink()
    assert build(content, config, out) == 0
    assert not (out / "meldung-2").exists()
    assert "meldung-2/" not in (out / "atom.xml").read_text(encoding="utf-8")
    assert_matches_manifest(out)


def test_stale_staging_folders_of_killed_runs_are_removed(
    seed: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "public"
    for leftover in (".public.new-99999", ".public.old-12345"):
        (tmp_path / leftover / "x").mkdir(parents=True)
    other = tmp_path / ".other.new-1"
    other.mkdir()
    assert build(*seed, out) == 0
    assert not (tmp_path / ".public.new-99999").exists()
    assert not (tmp_path / ".public.old-12345").exists()
    assert other.is_dir()  # only our own output folder's leftovers are touched


def test_a_site_parked_by_an_interrupted_two_rename_swap_is_put_back(tmp_path: Path) -> None:
    out = tmp_path / "public"
    parked = tmp_path / ".public.old-4242"
    parked.mkdir()
    (parked / "index.html").write_text("alt", encoding="utf-8")
    (parked / MANIFEST).write_text('{"generator": "feedgen-app", "files": {}}', encoding="utf-8")
    remove_stale_staging(out)
    assert (out / "index.html").read_text(encoding="utf-8") == "alt"
    assert not parked.exists()


def test_a_plan_that_fails_check_is_not_published(seed: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert build(*seed, out) == 0
    before = snapshot(out)
    with pytest.raises(PublishError) as caught:
        write_site(out, {"atom.xml": b"<feed", "index.html": b"<p>"})
    assert f"{out}/atom.xml:1: not well-formed XML" in caught.value.problems[0]
    assert "fails `feedgen-app check`" in caught.value.problems[-1]
    assert snapshot(out) == before


def test_the_build_refuses_to_publish_a_site_that_fails_check(
    seed: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "public"
    assert build(*seed, out) == 0
    before = snapshot(out)
    import feedgen_app.rendering.plan as planner

    real_plan = planner.plan_outputs

    def broken_plan(*args: object, **kwargs: object) -> Outputs:
        outputs = real_plan(*args, **kwargs)  # type: ignore[arg-type]
        _, render = outputs["rss.xml"]
        outputs["rss.xml"] = (
            "broken",
            simple(lambda: join_rendered(render()).replace(b"<language>de-DE", b"<language>de_DE")),
        )
        return outputs

    monkeypatch.setattr(planner, "plan_outputs", broken_plan)
    (seed[0] / "neu.txt").write_text("date 2025-10-09 Neu\n\nEin Absatz.\n", encoding="utf-8")
    capsys.readouterr()
    assert build(*seed, out) == 1
    err = capsys.readouterr().err
    assert f"{out}/rss.xml:" in err and "'de_DE' is not a valid BCP 47 language tag" in err
    assert snapshot(out) == before


@pytest.mark.parametrize("where", ["content", "parent-of-content"])
def test_output_folder_that_is_or_contains_the_content_is_refused(
    where: str, seed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    content, config = seed
    out = content if where == "content" else content.parent
    before = snapshot(content)
    capsys.readouterr()
    assert build(content, config, out) == 2
    assert "the content folder" in capsys.readouterr().err
    assert snapshot(content) == before


@pytest.mark.parametrize("folder", [Path("/"), Path.home()])
def test_root_and_home_are_refused(folder: Path) -> None:
    with pytest.raises(PublishError, match="choose an output folder of its own"):
        check_output_dir(folder, None)


def test_a_foreign_non_empty_folder_is_refused_and_kept(
    seed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "wichtig.txt").write_text("nicht löschen", encoding="utf-8")
    capsys.readouterr()
    assert build(*seed, out) == 1
    assert "was not written by feedgen-app" in capsys.readouterr().err
    assert snapshot(out) == {"wichtig.txt": "nicht löschen".encode()}


def test_a_file_added_to_our_output_is_not_silently_deleted(
    seed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "public"
    assert build(*seed, out) == 0
    (out / "CNAME").write_text("news.example.org\n", encoding="utf-8")
    before = snapshot(out)
    capsys.readouterr()
    assert build(*seed, out) == 1
    assert "holds files feedgen-app did not write (CNAME)" in capsys.readouterr().err
    assert snapshot(out) == before


def test_a_forged_manifest_does_not_count(tmp_path: Path) -> None:
    out = tmp_path / "public"
    out.mkdir()
    (out / MANIFEST).write_text('{"generator": "someone-else", "files": {}}', encoding="utf-8")
    (out / "x.html").write_text("x", encoding="utf-8")
    with pytest.raises(PublishError, match="was not written by feedgen-app"):
        check_output_dir(out, None)


def test_an_output_path_that_is_a_file_or_a_symlink_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "public"
    file.write_text("x", encoding="utf-8")
    with pytest.raises(PublishError, match="is a file"):
        check_output_dir(file, None)
    (tmp_path / "real").mkdir()
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "real")
    with pytest.raises(PublishError, match="symbolic link"):
        check_output_dir(link, None)


def test_plan_paths_that_leave_the_output_folder_are_refused(tmp_path: Path) -> None:
    for name in ("../x.html", "/etc/x", "a/../../x"):
        with pytest.raises(PublishError, match="leaves the output folder"):
            write_site(tmp_path / "public", {name: b"x"})
    assert not (tmp_path / "public").exists() and not (tmp_path / "x.html").exists()


def test_the_previous_generation_is_the_next_staging_tree(
    seed: tuple[Path, Path], tmp_path: Path
) -> None:
    content, config = seed
    out, spare = tmp_path / "public", tmp_path / ".public.prev"
    write_articles(content, range(3))
    assert build(content, config, out) == 0
    next(content.glob("*-meldung-2.txt")).unlink()
    assert build(content, config, out) == 0
    assert spare.is_dir()  # the old site, kept for the next build
    write_articles(content, range(5, 6))
    assert build(content, config, out) == 0
    assert_matches_manifest(out)
    assert not (out / "meldung-2").exists() and (out / "meldung-5" / "index.html").is_file()
    assert snapshot(out) == snapshot_of_cold_build(content, config, tmp_path)


def snapshot_of_cold_build(content: Path, config: Path, tmp_path: Path) -> dict[str, bytes]:
    cold = tmp_path / "cold" / "public"
    cold.parent.mkdir()
    assert build(content, config, cold) == 0
    return snapshot(cold)


@pytest.mark.parametrize("tamper", ["extra", "changed", "missing", "symlink"])
def test_a_tampered_previous_generation_is_never_published(
    seed: tuple[Path, Path], tmp_path: Path, tamper: str
) -> None:
    content, config = seed
    out, spare = tmp_path / "public", tmp_path / ".public.prev"
    write_articles(content, range(3))
    assert build(content, config, out) == 0
    write_articles(content, range(3, 4))
    assert build(content, config, out) == 0
    assert spare.is_dir()
    if tamper == "extra":
        (spare / "meldung-1" / "planted.html").write_text("x", encoding="utf-8")
    elif tamper == "changed":
        page = spare / "meldung-1" / "index.html"
        page.unlink()  # it may be a hard link to the published page
        page.write_text("x", encoding="utf-8")
        os.utime(page, ns=(2**62, 2**62))
    elif tamper == "missing":
        (spare / "meldung-1" / "index.html").unlink()
    else:
        shutil.rmtree(spare)
        (tmp_path / "elsewhere").mkdir()
        spare.symlink_to(tmp_path / "elsewhere")
    write_articles(content, range(4, 5))
    assert build(content, config, out) == 0
    assert_matches_manifest(out)
    assert snapshot(out) == snapshot_of_cold_build(content, config, tmp_path)


# --- fault injection -------------------------------------------------------------------------


def start_build(content: Path, config: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "feedgen_app",
            "build",
            "--content",
            str(content),
            "--config",
            str(config),
            "--out",
            str(out),
            "--now",
            FIXED_NOW,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=out.parent,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def staging_of(out: Path, pid: int) -> Path:
    return out.parent / f".{out.name}.new-{pid}"


def pause(process: subprocess.Popen[bytes]) -> bool:
    """Stop the build (SIGSTOP) and wait until it is stopped; False if it ended instead."""
    if process.poll() is not None:
        return False
    os.kill(process.pid, signal.SIGSTOP)
    # wait for the stop or the exit without reaping the process (Popen reaps it)
    state = os.waitid(os.P_PID, process.pid, os.WSTOPPED | os.WEXITED | os.WNOWAIT)
    return state is not None and state.si_code == os.CLD_STOPPED


def kill_stopped(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a stopped build: it dies in the middle of its work, whatever it was doing."""
    process.kill()
    assert process.wait() == -signal.SIGKILL


def kill_when(
    condition: Callable[[], bool], process: subprocess.Popen[bytes], what: str, limit: float = 120
) -> None:
    """Kill the build at the first moment `condition` holds. The condition is tested while the
    build is stopped, so the kill always hits a build in progress; the test fails when the
    build ends (or `limit` seconds pass) before the condition held."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not pause(process):
            pytest.fail(
                f"kill point {what!r}: the build ended (exit {process.wait()}) before "
                "the kill point was reached"
            )
        if condition():
            kill_stopped(process)
            return
        os.kill(process.pid, signal.SIGCONT)
        time.sleep(0.001)
    process.kill()
    process.wait()
    pytest.fail(f"kill point {what!r}: not reached in {limit} s")


def cpu_seconds(pid: int) -> float:
    """The CPU time a process has used (user and system, its reaped children's included)."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rpartition(")")[2].split()
    return sum(int(ticks) for ticks in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def rehearse(start: Callable[[], subprocess.Popen[bytes]]) -> float:
    """The CPU seconds a build from the state `start` sets up uses, start to end."""
    process = start()
    os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)  # ended, not yet reaped
    used = cpu_seconds(process.pid)
    assert process.wait() == 0
    return used


def kill_after_cpu(seconds: float, process: subprocess.Popen[bytes]) -> None:
    """Kill the build once it has used `seconds` of CPU time (wall time on a shared machine
    varies threefold from run to run, CPU time by a third); fails if it ends first."""
    kill_when(
        lambda: cpu_seconds(process.pid) >= seconds, process, f"after {seconds:.2f} s of CPU time"
    )


TIMED_FRACTIONS = (0.1, 0.35, 0.6)
"""Kill points at these fractions of the CPU time a rehearsal of the same build used: moments
no file marks (reading, rendering, writing), all well before a build ends."""


@pytest.mark.slow
def test_kill_9_at_any_moment_leaves_the_old_or_the_new_complete_site(tmp_path: Path) -> None:
    content, config, out = tmp_path / "content", tmp_path / "feed.yaml", tmp_path / "public"
    content.mkdir()
    shutil.copy(CASES / "seed" / "feed.yaml", config)
    write_articles(content, range(2000))
    assert start_build(content, config, out).wait() == 0
    old = snapshot(out)
    old_manifest = assert_matches_manifest(out)
    saved_old = tmp_path / "saved-old"
    shutil.copytree(out, saved_old)
    # the new site: 300 articles deleted (their pages must vanish), 300 added, all retitled
    for path in sorted(content.glob("*-meldung-1[0-2]??.txt")):
        path.unlink()
    write_articles(content, range(2000, 2300))
    write_articles(content, range(0, 1000), title="Neu: Meldung {n}")
    reference = tmp_path / "reference"
    assert start_build(content, config, reference).wait() == 0
    new_manifest = assert_matches_manifest(reference)
    assert new_manifest != old_manifest

    def restart() -> subprocess.Popen[bytes]:
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(saved_old, out)
        return start_build(content, config, out)

    def staging_exists(pid: int) -> bool:
        return staging_of(out, pid).exists()

    def staging_has_files(pid: int) -> bool:
        staging = staging_of(out, pid)
        return staging.exists() and len(os.listdir(staging)) > 600

    def manifest_is_written(pid: int) -> bool:
        return read_manifest(staging_of(out, pid)) == new_manifest

    def swapped(pid: int) -> bool:
        return read_manifest(out) == new_manifest

    outcomes = {}
    for point in (staging_exists, staging_has_files, manifest_is_written, swapped):
        process = restart()
        kill_when(functools.partial(point, process.pid), process, point.__name__)
        outcomes[point.__name__] = outcome(out, old, old_manifest, new_manifest)
    assert outcomes == {
        "staging_exists": "old",
        "staging_has_files": "old",
        "manifest_is_written": "old",
        "swapped": "new",
    }
    used = rehearse(restart)
    for fraction in TIMED_FRACTIONS:
        kill_after_cpu(fraction * used, restart())
        outcome(out, old, old_manifest, new_manifest)
    # a run after the kills cleans up every leftover and publishes the new site
    assert start_build(content, config, out).wait() == 0
    assert assert_matches_manifest(out) == new_manifest
    assert snapshot(out) == snapshot(reference)
    leftovers = [
        p.name
        for p in tmp_path.iterdir()
        if p.name.startswith(".public.new-") or p.name.startswith(".public.old-")
    ]
    assert leftovers == []


def outcome(
    out: Path, old: dict[str, bytes], old_manifest: dict[str, str], new_manifest: dict[str, str]
) -> str:
    """ "old" or "new": which complete site a killed build left in `out` (never a mix)."""
    listed = assert_matches_manifest(out)
    assert listed in (old_manifest, new_manifest)
    if listed == old_manifest:
        assert snapshot(out) == old
        return "old"
    return "new"


@pytest.mark.slow
def test_kill_9_while_the_previous_generation_is_updated_leaves_a_complete_site(
    tmp_path: Path,
) -> None:
    """Double buffering: the kept old site (`.public.prev`) is updated into the next site;
    a kill at any moment of that leaves the old or the new complete site, never a mix."""
    content, config, out = tmp_path / "content", tmp_path / "feed.yaml", tmp_path / "public"
    spare = tmp_path / ".public.prev"
    content.mkdir()
    shutil.copy(CASES / "seed" / "feed.yaml", config)
    write_articles(content, range(1500))
    assert start_build(content, config, out).wait() == 0
    write_articles(content, range(0, 500), title="Zweite: Meldung {n}")
    assert start_build(content, config, out).wait() == 0
    assert spare.is_dir()
    old = snapshot(out)
    old_manifest = assert_matches_manifest(out)
    saved_out, saved_spare = tmp_path / "saved-out", tmp_path / "saved-prev"
    shutil.copytree(out, saved_out)
    shutil.copytree(spare, saved_spare)
    write_articles(content, range(0, 1500, 3), title="Dritte: Meldung {n}")
    write_articles(content, range(1500, 1600))
    reference = tmp_path / "reference"
    assert start_build(content, config, reference).wait() == 0
    new_manifest = assert_matches_manifest(reference)

    def restart() -> subprocess.Popen[bytes]:
        for folder in (out, spare):
            shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(saved_out, out)
        shutil.copytree(saved_spare, spare)
        return start_build(content, config, out)

    def renamed(pid: int) -> bool:  # the kept site is now the staging tree
        return staging_of(out, pid).exists() and not spare.exists()

    def manifest_removed(pid: int) -> bool:  # its files are being updated
        staging = staging_of(out, pid)
        return staging.exists() and not (staging / MANIFEST).exists()

    def manifest_is_written(pid: int) -> bool:  # updated, not yet swapped in
        return read_manifest(staging_of(out, pid)) == new_manifest

    for point in (renamed, manifest_removed, manifest_is_written):
        process = restart()
        kill_when(functools.partial(point, process.pid), process, point.__name__)
        assert outcome(out, old, old_manifest, new_manifest) == "old", point.__name__
    used = rehearse(restart)
    for fraction in TIMED_FRACTIONS:
        kill_after_cpu(fraction * used, restart())
        outcome(out, old, old_manifest, new_manifest)
    assert start_build(content, config, out).wait() == 0
    assert snapshot(out) == snapshot(reference)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".public.new-")] == []
