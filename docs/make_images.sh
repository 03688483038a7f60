#!/usr/bin/env bash
# The README's opening charts: Hikvision (002415.SZ) around the 2022-05-05 limit-down close
# and the 2019-10-08 Entity List halt, drawn by evstudy from the shared real data (which stays
# out of the repository). Run from the project root with ../shared beside it:
#     bash docs/make_images.sh
# tests/integration/readme.rs checks that the committed images are what this command draws.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
cargo run --quiet -- run --prices ../shared/data/prices_sanctioned.csv \
    --market ../shared/data/index_csi300.csv \
    --events ../shared/data/events_sanctions_cn_day0.csv \
    --format csv --chart png --out "$out" -q
cp "$out/charts/car_002415.SZ_2022-05-05.png" docs/hikvision_2022-05-05.png
cp "$out/charts/car_002415.SZ_2019-10-08.png" docs/hikvision_2019-10-08.png
rm -rf "$out"
echo "wrote docs/hikvision_2022-05-05.png and docs/hikvision_2019-10-08.png"
