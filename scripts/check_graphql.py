"""Build a GraphQL SDL file with graphql-core; print the file and the reason when it is invalid."""

import sys

from graphql import GraphQLError, build_schema


def main(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        sdl = handle.read()
    try:
        build_schema(sdl)
    except (GraphQLError, TypeError) as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
