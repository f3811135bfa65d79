"""The caller of a GraphQL request: a bearer JWT verified in this service (zero trust)."""

from graphql import GraphQLResolveInfo

from handlers.booking.errors import Unauthenticated
from handlers.common.auth import AuthError, Principal


def caller(info: GraphQLResolveInfo) -> Principal:
    context = info.context
    if "caller" not in context:
        scheme, _, token = context["request"].headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("This field needs a bearer token (Authorization: Bearer <JWT>).")
        try:
            context["caller"] = context["verifier"].verify(token.strip())
        except AuthError as exc:
            raise Unauthenticated(f"The bearer token is not valid: {exc.reason}.") from exc
    return context["caller"]
