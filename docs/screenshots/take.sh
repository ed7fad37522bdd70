#!/usr/bin/env bash
# Screenshots of the committed reports in headless Chromium (Debian's chromium and
# fonts-noto-cjk, installed if missing): the index and one district page at a desktop
# width (1280 px) and a phone width (390 px). `make screenshots` runs it.
set -euo pipefail
cd "$(dirname "$0")/../.."
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
if ! command -v chromium >/dev/null || [ ! -d /usr/share/fonts/opentype/noto ]; then
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium fonts-noto-cjk
fi
shoot() {  # page width height output
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
        --window-size="$2,$3" --screenshot="docs/screenshots/$4" "file://$PWD/reports/$1" >/dev/null 2>&1
    echo "docs/screenshots/$4"
}
shoot index.html 1280 900 index-1280.png
shoot index.html 390 844 index-390.png
shoot "district-宝山区.html" 1280 900 district-1280.png
shoot "district-宝山区.html" 390 844 district-390.png
