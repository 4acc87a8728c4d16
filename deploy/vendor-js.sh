#!/usr/bin/env bash
# Refreshes the JavaScript libraries of the portal's views from the npm registry.
# The versions are pinned in package.json and locked (with their integrity hashes) in
# package-lock.json; `npm ci` installs exactly those, and this script copies the built files,
# their licences and package.json into ckanext-territorio/ckanext/territorio/assets/vendor/.
# The copies are committed, so `make up` and `make test` need neither npm nor the network;
# run this (make vendor-js) after changing a version in package.json, then commit the result.
# tests/deploy/test_vendor_js.py checks that each copy matches the locked version.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor="$repo/ckanext-territorio/ckanext/territorio/assets/vendor"

command -v npm >/dev/null || { echo "falta npm (apt-get install npm)" >&2; exit 1; }
cd "$repo"
npm ci --ignore-scripts --no-audit --no-fund

rm -rf "$vendor"
# Leaflet's images (default marker, layer switcher) are left out: the map draws circle markers
mkdir -p "$vendor/leaflet" "$vendor/uplot"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css \
    node_modules/leaflet/LICENSE node_modules/leaflet/package.json "$vendor/leaflet/"
cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css \
    node_modules/uplot/LICENSE node_modules/uplot/package.json "$vendor/uplot/"
echo "Copiadas a $vendor: leaflet $(node -p 'require("./node_modules/leaflet/package.json").version'), uplot $(node -p 'require("./node_modules/uplot/package.json").version')"
