"""docker-compose.yml without an engine: `config -q`, the required shape, and Kong's rendered config."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from cryptography.hazmat.primitives import serialization

from handlers.common.keys import PUBLIC_KEY_SUFFIX, SIGNERS, ensure_dev_keys, public_keys_dir
from mesh.gateway.declarative import build
from mesh.gateway.kong_schema import validate
from mesh.gateway.settings import GatewaySettings

pytestmark = pytest.mark.unit
REPO = Path(__file__).resolve().parents[3]
ROLES = ("user", "cinema", "booking", "payment", "notification")


def compose_command() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if (
        shutil.which("docker")
        and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    ):
        return ["docker", "compose"]
    return None


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_compose_config_is_accepted():
    command = compose_command()
    if command is None:
        pytest.skip("neither docker-compose nor the docker compose plugin is installed")
    result = subprocess.run(
        [*command, "-f", str(REPO / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr


def test_real_images_and_one_app_image_in_five_roles(compose):
    services = compose["services"]
    images = {name: services[name]["image"] for name in ("kong", "mongo", "postgres", "redis", "rabbitmq")}
    assert images == {
        "kong": "kong:3",
        "mongo": "mongo:7",
        "postgres": "postgres:15",
        "redis": "redis:7",
        "rabbitmq": "rabbitmq:3-management",
    }
    for role in ROLES:
        assert services[role]["build"] == "."
        assert services[role]["image"] == "cinemesh-app:dev"
        assert services[role]["command"] == ["python", "-m", f"handlers.{role}"]
    assert services["migrate"]["command"] == ["python", "-m", "mesh", "seed"]
    assert services["migrate"]["restart"] == "no"


def test_healthchecks_and_ordering(compose):
    services = compose["services"]
    for name in ("kong", "mongo", "postgres", "redis", "rabbitmq", *ROLES):
        assert services[name]["healthcheck"]["test"], name
    for role in ROLES:
        depends = services[role]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}
        assert all(
            depends[infra]["condition"] == "service_healthy"
            for infra in ("mongo", "postgres", "redis", "rabbitmq")
        )
    assert {"user", "cinema", "booking", "payment", "redis"} <= set(services["kong"]["depends_on"])
    assert services["kong"]["environment"]["KONG_DATABASE"] == "off"


def test_each_container_holds_only_its_own_private_key(compose):
    services = compose["services"]
    for name in (*ROLES, "migrate", "kong"):
        private = [volume for volume in services[name].get("volumes", []) if "/private" in volume]
        expected = [f"./.dev/jwt/private/{name}:/keys/private/{name}:ro"] if name in SIGNERS else []
        assert private == expected, name
        assert not any(volume.startswith("./.dev/jwt:") for volume in services[name].get("volumes", []))


def test_developer_tools_only_in_the_tools_profile(compose):
    services = compose["services"]
    tools = {name for name, svc in services.items() if "tools" in svc.get("profiles", [])}
    assert tools == {"mongo-express", "pgadmin", "redis-commander"}


def test_kong_entrypoint_renders_a_valid_config_with_the_real_key(compose, tmp_path):
    keys_root = tmp_path / "keys"
    ensure_dev_keys(keys_root)
    keys = public_keys_dir(keys_root, "user")  # what compose mounts at /keys in the kong container
    assert "./.dev/jwt/public/user:/keys:ro" in compose["services"]["kong"]["volumes"]
    script = compose["services"]["kong"]["entrypoint"][2].replace("$$", "$")
    script = (
        script.replace("/keys/", f"{keys}/")
        .replace("/kong-config/kong.yml", str(REPO / "kong" / "kong.yml"))
        .replace("/tmp/kong.yml", str(tmp_path / "kong.yml"))
        .replace("exec /docker-entrypoint.sh kong docker-start", "true")
    )
    subprocess.run(["/bin/sh", "-ec", script], check=True)
    rendered = yaml.safe_load((tmp_path / "kong.yml").read_text())
    assert validate(rendered) == []
    urls = {s["name"]: s["url"] for s in rendered["services"]}
    assert urls == {
        "user-service": "http://user:8101",
        "cinema-service": "http://cinema:8102",
        "booking-service": "http://booking:8103",
        "payment-service": "http://payment:8104",
        "docs": "http://docs:8106",
        "web": "http://web:8107",
    }
    assert rendered["plugins"][3]["config"]["redis"]["host"] == "redis"
    pem = rendered["consumers"][0]["jwt_secrets"][0]["rsa_public_key"]
    (key_file,) = keys.glob(f"*{PUBLIC_KEY_SUFFIX}")
    assert pem.strip() == key_file.read_text().strip()
    serialization.load_pem_public_key(pem.encode())
    config = build(rendered, keys_dir=tmp_path / "unused")
    assert list(config.credentials) == ["cinemesh-user-service"]


def test_kong_gets_the_local_gateways_client_address_settings_and_defaults(compose):
    environment = compose["services"]["kong"]["environment"]
    defaults = GatewaySettings.model_fields
    mirrored = {
        "KONG_TRUSTED_IPS": ("GATEWAY_TRUSTED_IPS", ",".join(defaults["trusted_ips"].default)),
        "KONG_REAL_IP_HEADER": ("GATEWAY_REAL_IP_HEADER", defaults["real_ip_header"].default),
        "KONG_REAL_IP_RECURSIVE": (
            "GATEWAY_REAL_IP_RECURSIVE",
            "on" if defaults["real_ip_recursive"].default else "off",
        ),
    }
    for kong_name, (gateway_name, default) in mirrored.items():
        assert environment[kong_name] == f"${{{gateway_name}:-{default}}}", kong_name


def test_kongs_access_log_has_no_query_string(compose):
    environment = compose["services"]["kong"]["environment"]
    name, fmt = environment["KONG_NGINX_HTTP_LOG_FORMAT"].split(" ", 1)
    assert environment["KONG_PROXY_ACCESS_LOG"] == f"/dev/stdout {name}"
    variables = set(re.findall(r"\$\$(\w+)", fmt))
    assert "uri" in variables
    leaky = {
        "request",
        "request_uri",
        "args",
        "query_string",
        "http_authorization",
        "http_cookie",
        "http_referer",
    }
    assert not variables & leaky
