"""Regenerate the README's screenshots from headless Chromium: `make screenshots`.

Serves the current build (data/build/atlas.gpkg) on a free port of 127.0.0.1, opens views of the
map in Debian's chromium (driven by Playwright, never a downloaded browser), and writes PNG files
into docs/.
"""

from __future__ import annotations

import shutil
import sys
import threading
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM_ARGS  # noqa: E402  (the browser tests' launch flags)
from webapp import create_app  # noqa: E402

# file -> (map URL hash, what to wait for, JavaScript to run before the shot or None)
VIEWS = {
    "map-1930.png": ("year=1930", "path.border-path", None),
    "incidents-1927.png": (
        "year=1927&z=7&c=44.6000,80.2000&sel=ush-bulak-1927-summer",
        ".leaflet-popup-content .where-basis",
        None,
    ),
    "sarkand-popup.png": ("year=1927&z=8&c=45.2000,80.1000&sel=sarkand-1927-08-18", ".leaflet-popup-content", None),
    "migration-1931.png": ("year=1931&z=6&c=46.8000,80.0000&off=Places", "path.migration-path", None),
}
SIZE = {"width": 1200, "height": 760}


def main(names: list[str]) -> int:
    """Every screenshot of VIEWS, or those named (`python docs/screenshots.py migration-1931.png`)."""
    from playwright.sync_api import sync_playwright

    unknown = set(names) - set(VIEWS)
    if unknown:
        print(f"no such screenshot: {sorted(unknown)}; known: {sorted(VIEWS)}", file=sys.stderr)
        return 1

    executable = shutil.which("chromium")
    if executable is None:
        print("Debian's chromium is not installed: apt-get install -y chromium chromium-driver", file=sys.stderr)
        return 1
    server = make_server("127.0.0.1", 0, create_app())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/map#"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            for name, (view, ready, script) in VIEWS.items():
                if names and name not in names:
                    continue
                page = browser.new_page(viewport=SIZE)
                page.goto(base + view)
                page.wait_for_selector('.leaflet-container[data-loaded="true"]')  # the fetched layers are drawn
                page.wait_for_selector(ready)
                if script:
                    page.evaluate(script)
                page.wait_for_timeout(800)  # panning and tiles settle
                page.screenshot(path=str(ROOT / "docs" / name))
                page.close()
                print(f"wrote docs/{name}")
            browser.close()
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
