"""Breaking-change gate: compares every contract of the working tree with the base revision's copy.

The base is the merge base with `main` on a branch, HEAD~1 on main's tip (see contract_gate_checks/base.py),
or `--base REV`. A breaking change fails unless that contract's major version was bumped: `info.version`
(OpenAPI, AsyncAPI), the `# version:` line (GraphQL SDL), a new package `<name>.v<N+1>` (proto). Each failure
names the contract file, the element and the rule. Exit status: 0 passed, 1 a breaking change, 2 the gate
could not run.
"""

import argparse
import sys
import tempfile
from pathlib import Path

from contract_gate_checks import asyncapi, graphql_sdl, openapi, proto
from contract_gate_checks.base import export_contracts, find_base
from contract_gate_checks.verdict import Verdict

KINDS = {"OpenAPI": openapi, "proto": proto, "GraphQL": graphql_sdl, "AsyncAPI": asyncapi}


def _report(verdict: Verdict) -> list[str]:
    versions = f" ({verdict.old_version} -> {verdict.new_version})" if verdict.old_version else ""
    lines = []
    if verdict.failed:
        lines.append(f"FAIL {verdict.contract}{versions}: {len(verdict.breaking)} breaking change(s)")
        lines += [f"  {change.line()}" for change in verdict.breaking]
        lines.append(f"  if the break is intended, {verdict.how_to_bump}")
    elif verdict.breaking:
        lines.append(f"ok   {verdict.contract}{versions}: breaking change(s) allowed by the major bump")
        lines += [f"  {change.line()}" for change in verdict.breaking]
    lines += [f"warn {verdict.contract}: {change.line()}" for change in verdict.warnings]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="the git working tree (default: .)")
    parser.add_argument("--base", help="compare with this revision instead of the merge base with main")
    args = parser.parse_args()
    repo = args.repo.resolve()
    base = find_base(repo, args.base)
    if base.commit is None:
        print(f"contract gate: {base.why}" if args.base else f"contract gate: no base ({base.why}); passing")
        return 2 if args.base else 0
    print(f"contract gate: comparing contracts/ with {base.why}")
    failed = False
    with tempfile.TemporaryDirectory(prefix="contract-gate-") as scratch:
        if not export_contracts(repo, base.commit, Path(scratch)):
            print("contract gate: the base has no contracts/; passing")
            return 0
        for kind, checker in KINDS.items():
            try:
                verdicts = checker.compare(Path(scratch), repo)
            except (
                Exception
            ) as exc:  # an unreadable contract or a tool that did not run; lint's other steps say why
                print(f"FAIL {kind}: the gate could not compare: {exc}")
                return 2
            for line in (line for verdict in verdicts for line in _report(verdict)):
                print(line)
            failed |= any(verdict.failed for verdict in verdicts)
    print(
        "contract gate: breaking change(s) found"
        if failed
        else "contract gate: no unversioned breaking change"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
