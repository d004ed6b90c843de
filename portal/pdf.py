"""The one adapter to WeasyPrint: HTML and stylesheets from static/ in, PDF bytes out, nothing fetched from outside.

Every URL WeasyPrint wants to load (images, stylesheets, @font-face sources, @import) goes through
`StaticOnlyFetcher`, which serves only:

- `file://` URLs of files inside the project's static directories (`settings.STATICFILES_DIRS`, resolved, so
  neither `..` nor a symbolic link leads out of them);
- `data:` URIs, which carry their content inline: no network, no filesystem (logos may be inlined this way).

What a loaded resource refers to in turn (an SVG's images, a stylesheet's @import or fonts) passes through the
same fetcher.

Anything else (http, https, ftp, a file elsewhere on the disk) is refused with `ResourceRefusedError`. WeasyPrint
logs a refused resource and renders without it (a refused image leaves no image), so a packet never reaches
the network or the server's files, and one bad reference does not lose a whole batch export.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from django.conf import settings

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcherResponse

logger = logging.getLogger(__name__)


class ResourceRefusedError(ValueError):
    """A URL outside what PDF rendering may load."""


def static_roots() -> list[Path]:
    """The project's static directories, resolved (STATICFILES_DIRS entries may be (prefix, path) pairs)."""
    roots = []
    for entry in settings.STATICFILES_DIRS:
        path = entry[1] if isinstance(entry, tuple | list) else entry
        roots.append(Path(path).resolve())
    return roots


def _inside_static(path: Path) -> Path | None:
    """The file, if it exists inside a static directory once `..` and symbolic links are resolved."""
    resolved = path.resolve()
    for root in static_roots():
        if resolved.is_relative_to(root) and resolved.is_file():
            return resolved
    return None


def static_file(name: str) -> Path:
    """A file of the static directories by its relative name ("pdf/packet.css"); refuses names leading out."""
    for root in static_roots():
        found = _inside_static(root / name)
        if found is not None:
            return found
    raise ResourceRefusedError(f"Not a file in the static directories: {name}")


def path_of_file_url(url: str) -> Path:
    """The local path a `file:` URL names. Only an empty host or "localhost" is local."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise ResourceRefusedError(f"File URL on another host refused in PDF rendering: {url}")
    return Path(unquote(parts.path))


def allowed_url(url: str) -> str:
    """The URL to open if PDF rendering may load `url` (a data: URI, or a static file as a canonical file: URL).

    Raises ResourceRefusedError for anything else.
    """
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "data":
        return url
    if scheme != "file":
        raise ResourceRefusedError(f"URL refused in PDF rendering (only static files and data: URIs): {url}")
    found = _inside_static(path_of_file_url(url))
    if found is None:
        raise ResourceRefusedError(f"File outside the static directories refused in PDF rendering: {url}")
    return found.as_uri()


@cache
def _fetcher_class() -> type[Any]:  # a subclass of WeasyPrint's URLFetcher, which has no type hints
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        """WeasyPrint's fetcher restricted to data: URIs and files of the static directories."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            try:
                allowed = allowed_url(url)
            except ResourceRefusedError as refused:
                logger.warning("%s", refused)
                raise
            return super().fetch(allowed, headers)

    return StaticOnlyFetcher


def fetcher() -> Any:
    """A new `StaticOnlyFetcher` (the class is built on first use, so that importing this module stays cheap)."""
    return _fetcher_class()(timeout=1, allowed_protocols=("file", "data"), allow_redirects=False)


def html_to_pdf(html: str, *, stylesheets: Sequence[str] = (), base_url: str | None = None) -> bytes:
    """Render `html` to PDF bytes with the named stylesheets of the static directories ("pdf/packet.css").

    Relative URLs in the HTML resolve against `base_url` (default: the first static directory), and fonts
    declared with @font-face in the stylesheets resolve against the stylesheet's own location; all of them
    pass through `StaticOnlyFetcher`. Raises `ResourceRefusedError` if a stylesheet name leads out of static/.
    """
    # Imported here, not at module level: WeasyPrint takes about half a second to import (ruff TID253).
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    url_fetcher = fetcher()
    font_config = FontConfiguration()
    css = [
        CSS(filename=str(static_file(name)), url_fetcher=url_fetcher, font_config=font_config) for name in stylesheets
    ]
    base = base_url if base_url is not None else static_roots()[0].as_uri() + "/"
    document = HTML(string=html, base_url=base, url_fetcher=url_fetcher)
    pdf: bytes = document.write_pdf(stylesheets=css, font_config=font_config)
    return pdf
