#!/usr/bin/env bash
# Makes docs/report_html.png, the README's picture of report.html: the demo study's page
# rendered by Debian's headless Chromium (apt-get install chromium), as the browser test
# (tests/integration/browser.rs) renders it, 1200 px wide, the top 1400 px of the page.
# Run from anywhere: bash docs/make_screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo run --quiet -- run --config data/study.toml --format html --chart png --out "$tmp/demo" >/dev/null
/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
  --force-device-scale-factor=1 --user-data-dir="$tmp/profile" \
  --screenshot="$tmp/shot.png" --window-size=1200,1400 "file://$tmp/demo/report.html" 2>/dev/null
cp "$tmp/shot.png" docs/report_html.png
echo "wrote docs/report_html.png ($(stat -c %s docs/report_html.png) bytes)"
