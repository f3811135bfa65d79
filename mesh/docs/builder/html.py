"""The page shell every generated page shares, and small escaping helpers."""

from html import escape

BASE = "/docs"
STYLE = f"{BASE}/static/portal.css"


def text(value: str | None) -> str:
    return escape(value or "", quote=True)


def description(value: str | None) -> str:
    """A contract's free text, kept as written (line breaks and lists stay)."""
    return f'<div class="description">{text(value.strip())}</div>' if value and value.strip() else ""


def page(title: str, body: str, *, styles: tuple[str, ...] = (), scripts: tuple[str, ...] = ()) -> str:
    links = "".join(f'<link rel="stylesheet" href="{text(href)}">' for href in (*styles, STYLE))
    tags = "".join(f'<script src="{text(src)}"></script>' for src in scripts)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{text(title)} · CineMesh docs</title>
<link rel="icon" href="data:,">
{links}
</head>
<body>
<header class="portal-bar"><a href="{BASE}">CineMesh API docs</a><span>{text(title)}</span></header>
{body}
{tags}
</body>
</html>
"""


def links(items: list[tuple[str, str]]) -> str:
    return " · ".join(f'<a href="{text(href)}">{text(label)}</a>' for label, href in items)
