"""The deployment files: docker-compose.yml passes Debian's `docker-compose config` and the
Compose Specification's JSON schema, and has the shape production needs; the Caddyfile, the
Dockerfile and the lock files say what the README says they do."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
SCHEMA = (Path(__file__).parent / "compose-schema" / "node_modules" / "dclint" / "schemas"
          / "compose.schema.json")
LONG_RUNNING = ("proxy", "app1", "app2", "worker", "telegram-bot", "mongo", "redis", "typesense")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def test_docker_compose_config_accepts_it() -> None:
    if shutil.which("docker-compose") is None:
        pytest.skip("docker-compose is not installed (scripts/setup --test installs Debian's)")
    for profile in ([], ["--profile", "telegram"], ["--profile", "slack"]):
        result = subprocess.run(["docker-compose", "-f", str(COMPOSE), *profile, "config", "-q"],
                                capture_output=True, text=True, timeout=60,
                                env={**os.environ, "TELEGRAM_BOT_TOKEN": "1:x"})
        assert result.returncode == 0, result.stderr


def test_compose_spec_schema_accepts_it(compose: dict[str, Any]) -> None:
    import jsonschema_rs

    assert SCHEMA.is_file(), "run scripts/setup --test (it installs the schema from npm)"
    schema = json.loads(SCHEMA.read_text())
    assert schema["title"] == "Compose Specification"
    validator = jsonschema_rs.validator_for(schema)
    errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}"
              for e in validator.iter_errors(compose)]
    assert errors == []
    typo = {"image": "x", "restart_policy": "always"}
    broken = {**compose, "services": {**compose["services"], "app1": typo}}
    assert not validator.is_valid(broken), "the schema must be able to refuse a file"


def test_the_proxy_fronts_every_app_node(compose: dict[str, Any]) -> None:
    services = compose["services"]
    nodes = [name for name, s in services.items() if s.get("command", [])[1:2] == ["serve"]]
    assert len(nodes) >= 2
    upstreams = services["proxy"]["environment"]["OPENCHANCE_UPSTREAMS"].split()
    assert sorted(upstreams) == sorted(f"{name}:8080" for name in nodes)
    assert all("ports" not in services[name] for name in nodes), "reach nodes via the proxy"
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]


def test_one_worker_and_one_process_per_bot(compose: dict[str, Any]) -> None:
    services = compose["services"]
    workers = [n for n, s in services.items() if s.get("command") == ["openchance", "worker"]]
    assert workers == ["worker"]
    for token, bot in [("TELEGRAM_BOT_TOKEN", "telegram"), ("DISCORD_BOT_TOKEN", "discord")]:
        with_token = [n for n, s in services.items() if token in (s.get("environment") or {})
                      and "DISCORD_PUBLIC_KEY" not in s["environment"]]
        # Only the bot's own process holds its token: no app node polls or connects beside it.
        # (Discord's app nodes hold it with DISCORD_PUBLIC_KEY: HTTP interactions, and
        # openchance serve never connects to the gateway.)
        assert with_token == [f"{bot}-bot"], token
        assert services[f"{bot}-bot"]["command"] == ["openchance", "bot", bot]
        assert "deploy" not in services[f"{bot}-bot"], "never replicate a bot process"
    serving = [n for n, s in services.items() if s.get("command", [])[1:2] == ["serve"]]
    assert all("DISCORD_PUBLIC_KEY" in services[n]["environment"] for n in serving)
    # Slack: HTTP mode on the app nodes (stateless, any node answers), Socket Mode in one
    # process of its own, the only one holding the app-level token.
    with_app_token = [n for n, s in services.items()
                      if "SLACK_APP_TOKEN" in (s.get("environment") or {})]
    assert with_app_token == ["slack-bot"]
    assert services["slack-bot"]["command"] == ["openchance", "bot", "slack"]
    assert services["slack-bot"]["profiles"] == ["slack"] and "deploy" not in services[
        "slack-bot"]


def test_restart_policies_volumes_and_replica_set(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in LONG_RUNNING:
        assert services[name]["restart"] == "unless-stopped", name
    assert "--replSet" in services["mongo"]["command"]
    assert "mongodb://mongo:27017/?replicaSet=rs0" in services["app1"]["environment"].values()
    for name, mount in [("mongo", "/data/db"), ("redis", "/data"), ("typesense", "/data"),
                        ("proxy", "/data")]:
        named = [v.split(":")[0] for v in services[name]["volumes"] if v.endswith(":" + mount)]
        assert named and named[0] in compose["volumes"], (name, mount)


def test_caddyfile_balances_with_a_cookie() -> None:
    if shutil.which("caddy") is None:
        pytest.skip("caddy is not installed (scripts/setup --test installs Debian's)")
    result = subprocess.run(["caddy", "adapt", "--config", str(ROOT / "deploy" / "Caddyfile")],
                            capture_output=True, text=True, timeout=60, env={
                                **os.environ, "OPENCHANCE_UPSTREAMS": "app1:8080 app2:8080"})
    assert result.returncode == 0, result.stderr
    server = json.loads(result.stdout)["apps"]["http"]["servers"]["srv0"]
    (proxy,) = server["routes"][0]["handle"]
    assert proxy["handler"] == "reverse_proxy"
    assert [u["dial"] for u in proxy["upstreams"]] == ["app1:8080", "app2:8080"]
    assert proxy["load_balancing"]["selection_policy"]["policy"] == "cookie"
    assert proxy["health_checks"]["active"]["uri"] == "/healthz"


def test_dockerfile_is_multi_stage_slim_non_root_and_locked() -> None:
    import dockerfile

    instructions = dockerfile.parse_file(str(ROOT / "Dockerfile"))
    stages = [i.value for i in instructions if i.cmd == "FROM"]
    assert stages[0][0].startswith(("node:24", "node:22")), "a current Node LTS builds the client"
    assert len(stages) == 3 and all("slim" in s[0] for s in stages)
    last_from = max(n for n, i in enumerate(instructions) if i.cmd == "FROM")
    final = instructions[last_from:]
    runs = [" ".join(i.value) for i in final if i.cmd == "RUN"]
    assert any("--require-hashes -r requirements.lock" in r for r in runs)
    assert any("--no-deps /tmp/wheels/" in r for r in runs), "the app goes in as a wheel"
    assert not any(" -e " in r for r in runs), "never an editable install in the image"
    users = [i.value[0] for i in final if i.cmd == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert any(i.cmd == "HEALTHCHECK" for i in final)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # PEP 503


def _locked(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        if "==" in line and not line.startswith((" ", "#")):
            name, version = line.split(" ")[0].split(";")[0].split("==")
            pins[_normal(name)] = version
    return pins


@pytest.mark.parametrize(("lock", "extras"), [("requirements.lock", []),
                                              ("requirements-test.lock", ["test"])])
def test_lock_files_pin_what_pyproject_asks(lock: str, extras: list[str]) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += project["optional-dependencies"][extra]
    pins = _locked(ROOT / lock)
    stale = []
    for text in wanted:
        requirement = Requirement(text)
        name = _normal(requirement.name)
        if name not in pins or not requirement.specifier.contains(pins[name], prereleases=True):
            stale.append(f"{text} (locked: {pins.get(name, 'missing')})")
    assert stale == [], f"{lock} is stale: run scripts/lock and commit it"
    shared = _locked(ROOT / "requirements.lock")
    everything = _locked(ROOT / "requirements-test.lock")
    assert {n: v for n, v in shared.items() if everything.get(n) != v} == {}, (
        "the two locks disagree: run scripts/lock")
    assert all(line.strip().startswith("--hash=sha256:") for line in
               (ROOT / lock).read_text().splitlines() if line.startswith("    --hash"))
