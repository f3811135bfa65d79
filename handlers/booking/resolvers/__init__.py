"""GraphQL schema: the SDL from ``contracts/graphql/booking.graphql`` bound to small resolver modules."""

from ariadne import load_schema_from_path, make_executable_schema
from graphql import GraphQLSchema

from handlers.booking.resolvers.mutation import mutation
from handlers.booking.resolvers.query import query
from handlers.booking.resolvers.types import bindables
from handlers.common.settings import REPO_ROOT

SDL_PATH = REPO_ROOT / "contracts" / "graphql" / "booking.graphql"


def build_schema() -> GraphQLSchema:
    return make_executable_schema(
        load_schema_from_path(str(SDL_PATH)), query, mutation, *bindables, convert_names_case=True
    )
