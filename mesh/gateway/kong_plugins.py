"""Kong 3 plugin config schemas (open-source bundled plugins) for the plugins CineMesh uses.

Field names, enums, ranges and defaults follow each plugin's ``schema.lua`` in Kong 3.x
(rate-limiting's ``redis`` record is the shared ``kong.tools.redis.schema`` of Kong >= 3.6;
the deprecated flat ``redis_*`` shorthands are accepted too). Other bundled plugin names are
known so that a real-but-unused plugin and a misspelt one give different messages.
"""

import re

from mesh.gateway.kong_types import Record, array, boolean, number, string

HTTP_METHODS = ("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS", "TRACE", "CONNECT")
PERIODS = ("second", "minute", "hour", "day", "month", "year")
# The algorithms a Kong 3 jwt credential may name (and a token's header may claim).
JWT_ALGORITHMS = (
    "HS256",
    "HS384",
    "HS512",
    "RS256",
    "RS384",
    "RS512",
    "ES256",
    "ES384",
    "ES512",
    "PS256",
    "PS384",
    "PS512",
    "EdDSA",
)

REDIS = Record(
    fields={
        "host": string(),
        "port": number(0, 65535, integer=True),
        "timeout": number(0, 2**31 - 2, integer=True),
        "connect_timeout": number(0, 2**31 - 2, integer=True),
        "send_timeout": number(0, 2**31 - 2, integer=True),
        "read_timeout": number(0, 2**31 - 2, integer=True),
        "username": string(),
        "password": string(),
        "database": number(integer=True),
        "ssl": boolean(),
        "ssl_verify": boolean(),
        "server_name": string(),
    },
    defaults={"port": 6379, "timeout": 2000, "database": 0, "ssl": False, "ssl_verify": False},
)

RATE_LIMITING = Record(
    fields={
        **{period: number(gt=0) for period in PERIODS},
        "limit_by": string(
            one_of=("consumer", "consumer-group", "credential", "ip", "service", "header", "path")
        ),
        "header_name": string(),
        "path": string(pattern=r"/.*"),
        "policy": string(one_of=("local", "cluster", "redis")),
        "fault_tolerant": boolean(),
        "redis": REDIS,
        "hide_client_headers": boolean(),
        "error_code": number(gt=0),
        "error_message": string(),
        "sync_rate": number(),
        **{
            f"redis_{key}": REDIS.fields[key]
            for key in (
                "host",
                "port",
                "password",
                "username",
                "ssl",
                "ssl_verify",
                "server_name",
                "timeout",
                "database",
            )
        },
    },
    defaults={
        "limit_by": "consumer",
        "policy": "local",
        "fault_tolerant": True,
        "hide_client_headers": False,
        "error_code": 429,
        "error_message": "API rate limit exceeded",
        "sync_rate": -1,
    },
)

JWT = Record(
    fields={
        "uri_param_names": array(string()),
        "cookie_names": array(string()),
        "header_names": array(string()),
        "key_claim_name": string(),
        "secret_is_base64": boolean(),
        "claims_to_verify": array(string(one_of=("exp", "nbf"))),
        "anonymous": string(),
        "run_on_preflight": boolean(),
        "maximum_expiration": number(0, 31536000),
        "realm": string(),
    },
    defaults={
        "uri_param_names": ["jwt"],
        "cookie_names": [],
        "header_names": ["authorization"],
        "key_claim_name": "iss",
        "secret_is_base64": False,
        "claims_to_verify": [],
        "run_on_preflight": True,
        "maximum_expiration": 0,
    },
)

CORS = Record(
    fields={
        "origins": array(string()),
        "headers": array(string()),
        "exposed_headers": array(string()),
        "methods": array(string(one_of=HTTP_METHODS)),
        "max_age": number(),
        "credentials": boolean(),
        "private_network": boolean(),
        "preflight_continue": boolean(),
        "allow_origin_absent": boolean(),
    },
    defaults={
        "methods": list(HTTP_METHODS),
        "credentials": False,
        "private_network": False,
        "preflight_continue": False,
        "allow_origin_absent": True,
    },
)

CORRELATION_ID = Record(
    fields={
        "header_name": string(),
        "generator": string(one_of=("uuid", "uuid#counter", "tracker")),
        "echo_downstream": boolean(),
    },
    defaults={"header_name": "Kong-Request-ID", "generator": "uuid#counter", "echo_downstream": False},
)

REQUEST_SIZE_LIMITING = Record(
    fields={
        "allowed_payload_size": number(integer=True),
        "size_unit": string(one_of=("megabytes", "kilobytes", "bytes")),
        "require_content_length": boolean(),
    },
    defaults={"allowed_payload_size": 128, "size_unit": "megabytes", "require_content_length": False},
)

REQUEST_TERMINATION = Record(
    fields={
        "status_code": number(100, 599, integer=True),
        "message": string(),
        "content_type": string(),
        "body": string(),
        "echo": boolean(),
        "trigger": string(),
    },
    defaults={"status_code": 503, "echo": False},
)

# response-transformer: every list defaults to []; "Name:value" entries (``^[^:]+:.*$``); rename's
# two names must be header names (``kong.tools.http.validate_header_name``).
COLON_ENTRY = r"[^:]+:[\s\S]*"
HEADER_NAME = r"[A-Za-z0-9_-]+"


def _renamed_header(value) -> list[str]:
    problems = string(pattern=COLON_ENTRY)(value)
    if problems:
        return problems
    old, _, new = value.partition(":")
    names = (old, new.lstrip(":"))
    return [f"{name!r} is not a valid header" for name in names if not re.fullmatch(HEADER_NAME, name)]


def _transform(entry, json_types: bool = False) -> Record:
    fields = {"json": array(entry), "headers": array(entry)}
    if json_types:
        fields["json_types"] = array(string(one_of=("boolean", "number", "string")))
    return Record(fields=fields, defaults={name: [] for name in fields})


RESPONSE_TRANSFORMER = Record(
    fields={
        "remove": _transform(string()),
        "rename": Record(
            fields={"json": array(string(pattern=COLON_ENTRY)), "headers": array(_renamed_header)},
            defaults={"json": [], "headers": []},
        ),
        "replace": _transform(string(pattern=COLON_ENTRY), json_types=True),
        "add": _transform(string(pattern=COLON_ENTRY), json_types=True),
        "append": _transform(string(pattern=COLON_ENTRY), json_types=True),
    },
)

PLUGIN_SCHEMAS: dict[str, Record] = {
    "rate-limiting": RATE_LIMITING,
    "jwt": JWT,
    "cors": CORS,
    "correlation-id": CORRELATION_ID,
    "request-size-limiting": REQUEST_SIZE_LIMITING,
    "request-termination": REQUEST_TERMINATION,
    "response-transformer": RESPONSE_TRANSFORMER,
}

OTHER_BUNDLED_PLUGINS = frozenset(
    {
        "acl",
        "acme",
        "aws-lambda",
        "azure-functions",
        "basic-auth",
        "bot-detection",
        "datadog",
        "file-log",
        "grpc-gateway",
        "grpc-web",
        "hmac-auth",
        "http-log",
        "ip-restriction",
        "key-auth",
        "ldap-auth",
        "loggly",
        "oauth2",
        "opentelemetry",
        "post-function",
        "pre-function",
        "prometheus",
        "proxy-cache",
        "redirect",
        "request-transformer",
        "response-ratelimiting",
        "session",
        "statsd",
        "syslog",
        "tcp-log",
        "udp-log",
        "zipkin",
        "standard-webhooks",
    }
)


def plugin_entity_checks(name: str, config: dict) -> list[str]:
    """Kong's cross-field ``entity_checks`` for the plugins above."""
    if name == "rate-limiting":
        problems = (
            []
            if any(config.get(p) for p in PERIODS)
            else [f"at least one of {', '.join(PERIODS)} is required"]
        )
        redis = config.get("redis") or {}
        if config.get("policy") == "redis" and not (redis.get("host") or config.get("redis_host")):
            problems.append("policy redis needs redis.host")
        return problems
    if (
        name == "jwt"
        and config.get("maximum_expiration", 0) > 0
        and "exp" not in config.get("claims_to_verify", [])
    ):
        return ["maximum_expiration needs 'exp' in claims_to_verify"]
    return []
