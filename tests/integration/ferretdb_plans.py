"""How FerretDB would run a find: the node types of PostgreSQL's plan, from its ``explain``."""

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection


def plan_nodes(plan: dict) -> list[str]:
    return [plan["Node Type"], *(node for child in plan.get("Plans", []) for node in plan_nodes(child))]


async def find_plan(collection: AsyncCollection, query: dict[str, Any]) -> list[str]:
    """The plan's node types for ``find(query)`` on ``collection`` (an index shows as '... Index ...')."""
    explained = await collection.database.command("explain", {"find": collection.name, "filter": query})
    return plan_nodes(explained["queryPlanner"]["Plan"])
