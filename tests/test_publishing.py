"""Publishing: netlify.toml builds and serves the site as intended, and the GitHub workflow tests,
builds and deploys it. Both files are read as their tools read them; the commands in them are run."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_src.cli import main
from site_src.inputs.settings import ROOT, BuildOptions

from .conftest import BuiltSite
from .helpers import SHIPPED_CONTENT, html, page
from .netlify import headers_for, load_config, not_found_page

WORKFLOW = ROOT / ".github/workflows/publish.yml"
CONFIG = load_config()
PREVIEW_URL = "https://deploy-preview-7--paper-digest.netlify.app"


def _csp(headers: dict[str, str]) -> dict[str, list[str]]:
    """A Content-Security-Policy header as directive -> sources."""
    directives = (d.split() for d in headers["content-security-policy"].split(";") if d.strip())
    return {name: sources for name, *sources in directives}


def _run_netlify_command(command: str, out: Path) -> None:
    """Run a build command from netlify.toml as Netlify's shell would, into `out`."""
    arguments = shlex.split(os.path.expandvars(command))
    assert arguments[:2] == ["python", "build.py"], command
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main([*arguments[2:], "--content", str(SHIPPED_CONTENT), "--out", str(out)])
    assert code == 0, stderr.getvalue()


# netlify.toml: building


def test_netlify_builds_with_the_command_ci_uses_into_the_default_output_folder() -> None:
    build = CONFIG["build"]
    assert build["command"] == "python build.py build --strict"
    assert ROOT / build["publish"] == BuildOptions().out_dir  # where `build` writes by default


def test_netlify_installs_what_the_build_needs_from_files_it_reads() -> None:
    environment = CONFIG["build"]["environment"]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert environment["PYTHON_VERSION"] == pyproject["tool"]["mypy"]["python_version"] == "3.11"
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    pins = [line for line in requirements if line and not line.startswith("#")]
    assert pins and all(re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.]*", line) for line in pins), pins
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    # Netlify skips devDependencies (NPM_FLAGS): the build's own npm packages must be dependencies.
    assert "--omit=dev" in environment["NPM_FLAGS"]
    assert "lunr" in package["dependencies"]
    assert {"vnu-jar", "axe-core"} <= set(package["devDependencies"])
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    for name, version in {**package["dependencies"], **package["devDependencies"]}.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name


@pytest.mark.parametrize("context", ["deploy-preview", "branch-deploy"])
def test_previews_build_for_their_own_address_and_keep_search_engines_out(
    context: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    command = CONFIG["context"][context]["command"]
    assert command.startswith(CONFIG["build"]["command"] + " ")  # the same build, plus preview options
    monkeypatch.setenv("DEPLOY_PRIME_URL", PREVIEW_URL)  # as Netlify sets it: no trailing slash
    _run_netlify_command(command, tmp_path / "public")
    for path in ("", "papers/pointer-networks/", "404.html"):
        tree = page(tmp_path / "public", path)
        assert tree.xpath("//meta[@name='robots']/@content") == ["noindex"], path
    home = page(tmp_path / "public", "")
    assert home.xpath("//link[@rel='canonical']/@href") == [PREVIEW_URL + "/"]
    assert home.xpath("//meta[@property='og:url']/@content") == [PREVIEW_URL + "/"]
    robots = (tmp_path / "public/robots.txt").read_text(encoding="utf-8")
    assert robots == "User-agent: *\nDisallow: /\n"


def test_production_build_lets_search_engines_in(sample_site: BuiltSite) -> None:
    for file in sample_site.out.rglob("*.html"):
        assert html(file).xpath("//meta[@name='robots']") == [], file
    robots = (sample_site.out / "robots.txt").read_text(encoding="utf-8")
    assert robots.startswith("User-agent: *\nAllow: /\n")


# netlify.toml: serving


def test_every_page_gets_a_csp_that_allows_only_the_sites_own_scripts_and_styles(sample_site: BuiltSite) -> None:
    for file in sorted(sample_site.out.rglob("*.html")):
        path = "/" + file.relative_to(sample_site.out).as_posix().removesuffix("index.html")
        csp = _csp(headers_for(path, CONFIG))
        assert csp["default-src"] == ["'none'"], path
        assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"], path
        assert csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'none'"], path
        assert csp["connect-src"] == ["'self'"], path  # the search script fetches its index from the site
        assert not any("unsafe" in s or s in ("*", "data:", "https:") for sources in csp.values() for s in sources)


def test_security_headers_everywhere(sample_site: BuiltSite) -> None:
    for file in sorted(p for p in sample_site.out.rglob("*") if p.is_file()):
        headers = headers_for("/" + file.relative_to(sample_site.out).as_posix(), CONFIG)
        assert headers["x-content-type-options"] == "nosniff", file
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin", file
        assert headers["x-frame-options"] == "DENY", file


def test_assets_are_cached_for_a_year_and_everything_else_revalidates(sample_site: BuiltSite) -> None:
    assets = 0
    for file in sorted(p for p in sample_site.out.rglob("*") if p.is_file()):
        relative = file.relative_to(sample_site.out).as_posix()
        cache = headers_for("/" + relative, CONFIG)["cache-control"]
        if relative.startswith("assets/"):
            assets += 1
            assert re.fullmatch(r"assets/([\w-]+/)*[\w-]+\.[0-9a-f]{10}\.\w+", relative), "assets must be fingerprinted"
            assert cache == "public, max-age=31536000, immutable", relative
        else:
            assert cache == "public, max-age=0, must-revalidate", relative
    assert assets >= 2
    assert headers_for("/", CONFIG)["cache-control"] == "public, max-age=0, must-revalidate"


def test_unknown_addresses_get_the_404_page(sample_site: BuiltSite) -> None:
    assert not_found_page(CONFIG) == "/404.html"
    assert (sample_site.out / "404.html").is_file()


# The GitHub workflow


def _workflow() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _steps() -> list[dict[str, Any]]:
    jobs = _workflow()["jobs"]
    assert list(jobs) == ["publish"]
    steps = jobs["publish"]["steps"]
    assert isinstance(steps, list)
    return steps


def _step(name_part: str) -> dict[str, Any]:
    matches = [s for s in _steps() if name_part in s.get("name", "")]
    assert len(matches) == 1, name_part
    return matches[0]


def test_workflow_matches_the_github_actions_schema() -> None:
    checker = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_runs_on_push_to_main_and_on_pull_requests() -> None:
    triggers = _workflow()[True]  # YAML 1.1 reads the key "on" as true
    assert triggers["push"] == {"branches": ["main"]}
    assert "pull_request" in triggers
    assert _workflow()["permissions"] == {"contents": "read"}


def test_workflow_tests_as_ci_does_then_builds_with_netlifys_commands_twice() -> None:
    runs = [s.get("run", "") for s in _steps()]
    test = runs.index("bash .ci/run")  # installs Chromium, then `make test`
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "apt-get install -y chromium" in ci and ci.rstrip().endswith("make test")
    build = _step("Build")
    assert runs.index(build["run"]) > test
    for command in (CONFIG["build"]["command"], CONFIG["context"]["deploy-preview"]["command"]):
        assert command in build["run"], command
    assert build["env"]["DEPLOY_PRIME_URL"] == "${{ steps.preview.outputs.url }}"
    assert 'diff -r public "$RUNNER_TEMP/second"' in build["run"]  # two builds, byte-identical
    container = _workflow()["jobs"]["publish"]["container"]["image"]
    assert container.startswith(f"python:{CONFIG['build']['environment']['PYTHON_VERSION']}-")
    node = next(s for s in _steps() if s.get("uses", "").startswith("actions/setup-node@"))
    assert str(node["with"]["node-version"]) == CONFIG["build"]["environment"]["NODE_VERSION"]


def test_workflow_deploys_main_to_production_and_pull_requests_to_a_preview() -> None:
    cli = _workflow()["env"]["NETLIFY_CLI"]
    assert re.fullmatch(r"netlify-cli@\d+\.\d+\.\d+", cli), "pin netlify-cli to one version"
    production, preview = _step("Deploy to production"), _step("Deploy the preview")
    assert production["if"] == "github.event_name == 'push'"
    assert 'npx --yes "$NETLIFY_CLI" deploy --dir public --no-build --prod ' in production["run"]
    assert 'npx --yes "$NETLIFY_CLI" deploy --dir public --no-build --alias "$ALIAS" ' in preview["run"]
    assert "--prod" not in preview["run"]
    assert '>> "$GITHUB_STEP_SUMMARY"' in preview["run"] and '"deploy_url"' in preview["run"]
    address = _step("preview's address")
    assert "pull_request" in address["if"] and "api getSite" in address["run"]


def test_workflow_gives_netlify_secrets_only_to_the_steps_that_talk_to_netlify() -> None:
    assert "secrets." not in json.dumps(_workflow()["env"]) + json.dumps(_workflow()["jobs"]["publish"]["env"])
    for step in _steps():
        env = step.get("env", {})
        talks_to_netlify = "$NETLIFY_CLI" in step.get("run", "")
        for name in ("NETLIFY_AUTH_TOKEN", "NETLIFY_SITE_ID"):
            if talks_to_netlify:
                assert env.get(name) == f"${{{{ secrets.{name} }}}}", (step["name"], name)
            else:
                assert name not in env, step.get("name")


def test_workflow_scripts_take_data_through_the_environment_and_actions_are_pinned() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    for step in _steps():
        # ${{ }} inside a script is pasted in before the shell runs: a branch name could inject code
        assert "${{" not in step.get("run", ""), step.get("name")
        if "uses" in step:
            # a commit, not a tag someone can move; the release it was is written beside it
            assert re.fullmatch(r"actions/[\w-]+(?:/[\w-]+)?@[0-9a-f]{40}", step["uses"]), step["uses"]
            assert re.search(rf"uses: {step['uses']} # v\d+\.\d+\.\d+\n", text), step["uses"]
    checkout = next(s for s in _steps() if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False


def _zizmor_findings(*options: str) -> list[str]:
    """zizmor's findings on the workflow as "audit (line: text)", offline audits only (no GitHub here)."""
    zizmor = Path(sys.executable).with_name("zizmor")
    command = [str(zizmor), "--offline", "--no-config", "--format=json", *options, str(WORKFLOW)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0 or result.returncode >= 10, result.stderr  # 10-14: findings, by severity
    findings = []
    for finding in json.loads(result.stdout):
        where = finding["locations"][0]["concrete"]
        line, text = where["location"]["start_point"]["row"] + 1, where["feature"].strip().splitlines()[0]
        findings.append(f"{finding['ident']} ({line}: {text})")
    return sorted(findings)


def test_zizmor_finds_nothing_in_the_workflow() -> None:
    assert _zizmor_findings() == []


def test_zizmor_as_auditor_finds_only_the_container_tag_the_workflow_explains() -> None:
    """The image is pinned by tag: no registry reachable from here can confirm a digest (the
    workflow's comment at `image:` says so). Any other finding of the strictest persona fails."""
    findings = _zizmor_findings("--persona=auditor")
    assert [f.split(" ")[0] for f in findings] == ["unpinned-images"], findings
    assert "image: python:3.11-bookworm" in findings[0]


def test_daily_builds_are_warm_and_a_change_of_code_or_dependencies_starts_cold() -> None:
    """The last published output and build cache come back before the build, under a key that
    hashes the generator's code and dependencies; they are saved after a build that passed, from
    main only; the second build, compared byte for byte, stays a clean one."""
    steps = _steps()
    names = [s.get("name", "") for s in steps]
    restore, save = _step("Restore the last build"), _step("Save the build")
    build = _step("Build, twice")
    assert names.index(restore["name"]) < names.index(build["name"]) < names.index(save["name"])
    assert restore["uses"].startswith("actions/cache/restore@") and save["uses"].startswith("actions/cache/save@")
    folders = {".public-cache", ".public-previous", "public"}
    assert set(restore["with"]["path"].split()) == set(save["with"]["path"].split()) == folders
    key = restore["with"]["key"]
    assert "hashFiles('site_src/**/*.py', 'requirements.txt', 'package-lock.json')" in key
    assert restore["with"]["restore-keys"] == key.removesuffix("${{ github.sha }}")
    assert save["with"]["key"] == "${{ steps.warm.outputs.cache-primary-key }}"
    assert save["if"] == "github.event_name == 'push'"
    assert 'build --out "$RUNNER_TEMP/second"' in build["run"], "the second build has no cache beside it"
