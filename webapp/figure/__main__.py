"""Write the figure of a view to a file: python -m webapp.figure --out docs/figure-1930.png [--query ...]."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from flask import request

from webapp import create_app
from webapp.figure import map_url, parse_view, render
from webapp.store import get_store


def main(argv: list[str] | None = None, prog: str = "python -m webapp.figure") -> int:
    """Write the figure of a view to a file: python -m webapp.figure --out docs/figure-1930.png."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the file to write (.svg, .pdf or .png)")
    parser.add_argument("--query", default="year=1930", help="the view's parameters, as in the URL")
    parser.add_argument("--dpi", type=int, default=150, help="PNG resolution")
    parser.add_argument("--url", default="http://127.0.0.1:8000/", help="the server the caption cites")
    parser.add_argument("--palette", action="store_true", help="reduce a PNG to 256 colours (a smaller file)")
    args = parser.parse_args(argv)
    query = f"{args.query}&format={args.out.suffix.lstrip('.')}"
    app = create_app()
    with app.test_request_context(f"/figure?{query}", base_url=args.url):
        store = get_store()
        view = parse_view(request.args, store)
        view.url = map_url(request.args, view)
        data = render(store, view, dpi=args.dpi)
    args.out.write_bytes(_palette(data, args.dpi) if args.palette and view.fmt == "png" else data)
    print(f"wrote {args.out}")
    return 0


def _palette(png: bytes, dpi: int) -> bytes:
    """A PNG reduced to 256 colours, keeping its resolution."""
    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE).save(
        out, format="png", optimize=True, dpi=(dpi, dpi)
    )
    return out.getvalue()


if __name__ == "__main__":
    sys.exit(main())
