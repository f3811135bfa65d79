"""``python -m mesh up|down|status|seed|demo|trace``: the whole CineMesh on this machine."""

import argparse
import asyncio
import subprocess
import sys

from handlers.common.settings import REPO_ROOT
from mesh import supervisor, trace
from mesh.processes import ALL, GATEWAY, GATEWAY_URL
from mesh.seed import DEMO_ADMIN, DEMO_USER, migrate_and_seed


def say(message: str) -> None:
    print(f"[mesh] {message}", flush=True)


def up(skip_infra: bool = False) -> int:
    running = [spec for spec in ALL if supervisor.healthy(spec)]
    for spec in running:
        if supervisor.running_pid(spec) is None:
            say(f"{spec.name} already answers on {spec.url} (not started by make up; make down leaves it)")
    if len(running) == len(ALL):
        say("the mesh is already running; nothing to do (`make down` stops it)")
        print_urls()
        return 0
    try:
        if not skip_infra:
            subprocess.run([str(REPO_ROOT / "scripts" / "infra.sh"), "up"], check=True)
        asyncio.run(migrate_and_seed(say))
    except (subprocess.CalledProcessError, OSError) as exc:
        say(f"cannot start: infrastructure or database failed ({exc})")
        return 1
    build_asyncapi_docs()
    to_start = [spec for spec in ALL if spec not in running]
    for spec in to_start:
        if supervisor.running_pid(spec):
            say(f"{spec.name} is running but not healthy yet (pid {supervisor.running_pid(spec)})")
            continue
        say(f"starting {spec.name}: python -m {spec.module} (log {supervisor.log_path(spec)})")
        supervisor.start(spec)
    try:
        supervisor.wait_healthy(list(to_start), timeout=90)
    except RuntimeError as exc:
        say(f"start-up failed: {exc}")
        say("stopping what this run started")
        for spec in reversed(to_start):
            supervisor.stop(spec)
        return 1
    say("every service is healthy")
    print_urls()
    return 0


def build_asyncapi_docs() -> None:
    """asyncapi/index.html from the contract when it is missing (best effort: the mesh runs without it)."""
    script = REPO_ROOT / "scripts" / "asyncapi_docs.sh"
    if (REPO_ROOT / "asyncapi" / "index.html").exists() or not script.exists():
        return
    say("building the AsyncAPI docs (asyncapi/index.html)")
    try:
        subprocess.run([str(script)], cwd=REPO_ROOT, check=True, timeout=180, capture_output=True)
    except (subprocess.SubprocessError, OSError) as exc:
        say(f"AsyncAPI docs not built ({exc}); `make asyncapi-docs` builds them")


def down() -> int:
    for spec in reversed(ALL):
        if supervisor.stop(spec):
            say(f"stopped {spec.name}")
    say("the mesh is down (infrastructure keeps running: `make infra-down` stops it)")
    return 0


def status() -> int:
    healthy_count = 0
    for spec in ALL:
        pid = supervisor.running_pid(spec)
        ok = supervisor.healthy(spec)
        healthy_count += ok
        state = "healthy" if ok else ("starting/unhealthy" if pid else "stopped")
        print(f"{spec.name:<13} {state:<18} pid={pid or '-':<8} {spec.health_url}")
    return 0 if healthy_count == len(ALL) else 3


def print_urls() -> None:
    lines = [f"gateway            {GATEWAY_URL}  (every public route, see kong/kong.yml)"]
    for spec in ALL:
        if spec is GATEWAY:
            continue
        for label, url in spec.docs:
            lines.append(f"{spec.name + ' ' + label:<18} {url}")
    asyncapi = REPO_ROOT / "asyncapi" / "index.html"
    lines.append(
        f"{'AsyncAPI docs':<18} file://{asyncapi}" + ("" if asyncapi.exists() else "  (make asyncapi-docs)")
    )
    lines.append(f"{'logs, pid files':<18} {supervisor.state_dir()}")
    lines.append(f"{'demo user':<18} {DEMO_USER.email} / {DEMO_USER.password}")
    lines.append(f"{'demo admin':<18} {DEMO_ADMIN.email} / {DEMO_ADMIN.password}")
    print("\n".join(lines), flush=True)


def seed() -> int:
    asyncio.run(migrate_and_seed(say))
    say("seeded")
    return 0


def demo() -> int:
    from mesh.demo import run_demo

    return run_demo(GATEWAY_URL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mesh", description=__doc__)
    parser.add_argument("command", choices=["up", "down", "status", "seed", "demo", "trace"])
    parser.add_argument("target", nargs="?", help="trace: a trace id or a correlation id")
    parser.add_argument("--skip-infra", action="store_true", help="up: do not run scripts/infra.sh up")
    args = parser.parse_args(argv)
    if args.command == "trace" and not args.target:
        parser.error("trace needs a trace id or a correlation id")
    commands = {
        "up": lambda: up(args.skip_infra),
        "down": down,
        "status": status,
        "seed": seed,
        "demo": demo,
        "trace": lambda: trace.main(args.target),
    }
    return commands[args.command]()


if __name__ == "__main__":
    sys.exit(main())
