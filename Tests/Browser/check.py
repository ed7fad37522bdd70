#!/usr/bin/env python3
"""Opens report pages in headless Chromium (Debian's chromium and chromium-driver, driven by
Selenium) as a reader would, at phone and desktop widths, and prints them to PDF.

    python3 Tests/Browser/check.py --reports reports [--print-limit 3] [--print-pages index.html ...]

For every *.html page of the folder, at each width (360, 390, 1280 CSS px):
  - the page must not scroll sideways (the document is no wider than the window);
  - no text may be set smaller than 11 CSS px, in the page or in an SVG image as drawn;
  - every image must load.
Each page named by --print-pages is printed to A4 PDF; with --print-limit N, more than N
pages fails (without it, the page counts are only reported).

Prints `PASS`/`FAIL` per check and `N passed, N failed` last; exits 1 on any failure.
"""
import argparse
import base64
import os
import re
import sys
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

WIDTHS = (360, 390, 1280)
MIN_TEXT_PX = 11

MEASURE = """
const doc = document.documentElement;
const overflow = Math.max(doc.scrollWidth, document.body.scrollWidth) - doc.clientWidth;
let smallest = 1e9, smallestText = '';
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode;
  if (!node.textContent.trim()) continue;
  const element = node.parentElement;
  const rects = element.getClientRects();
  if (!rects.length) continue;                       // not rendered (a closed <details>, display:none)
  let size = parseFloat(getComputedStyle(element).fontSize);
  // Text inside an SVG is scaled with the drawing: its size on screen is what counts.
  const svg = element.closest('svg');
  if (svg && svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width) {
    size = size * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  }
  if (size < smallest) { smallest = size; smallestText = node.textContent.trim().slice(0, 40); }
}
// Text inside an SVG image is out of the page's reach: its drawn width is measured here.
const drawn = Array.from(document.images).filter(i => i.getClientRects().length && /\.svg$/.test(i.getAttribute('src')))
  .map(i => ({src: i.getAttribute('src'), width: i.getBoundingClientRect().width}));
const broken = Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'));
let widest = '';
if (overflow > 0) {
  let best = 0;
  for (const element of document.body.querySelectorAll('*')) {
    const right = element.getBoundingClientRect().right;
    if (right > best && right > doc.clientWidth) { best = right; widest = element.tagName + (element.className ? '.' + element.className : ''); }
  }
}
return {overflow: overflow, smallest: smallest, smallestText: smallestText, broken: broken, widest: widest, drawn: drawn};
"""


def svg_text(root, image):
    """The smallest text of an SVG image as drawn: its font size scaled by drawn / viewBox width."""
    with open(os.path.join(root, urllib.parse.unquote(image["src"])), encoding="utf-8") as f:
        svg = f.read()
    box = re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) [\d.]+"', svg)
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)"', svg)]
    if not box or not sizes:
        return None
    return min(sizes) * image["width"] / float(box.group(1))


def driver():
    options = Options()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=zh-CN"):
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def set_viewport(browser, width):
    """Makes the layout viewport exactly `width` CSS px wide (window chrome differs)."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})


def pdf_pages(browser):
    result = browser.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": False})
    data = base64.b64decode(result["data"])
    return data.count(b"/Type /Page\n") + data.count(b"/Type /Page>") + data.count(b"/Type /Page/") + data.count(b"/Type/Page\n") \
        or data.count(b"/Type /Page") - data.count(b"/Type /Pages")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", required=True)
    parser.add_argument("--print-pages", nargs="*", default=["index.html"])
    parser.add_argument("--print-limit", type=int, default=None)
    args = parser.parse_args()
    root = os.path.abspath(args.reports)
    pages = sorted(name for name in os.listdir(root) if name.endswith(".html"))
    passed = failed = 0

    def result(name, ok, detail):
        nonlocal passed, failed
        passed += ok
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", flush=True)

    result("pages found", bool(pages), f"{len(pages)} pages in {root}")
    browser = driver()
    try:
        for width in WIDTHS:
            set_viewport(browser, width)
            for page in pages:
                browser.get("file://" + urllib.parse.quote(os.path.join(root, page)))
                m = browser.execute_script(MEASURE)
                problems = []
                if m["overflow"] > 0:
                    problems.append(f"scrolls sideways by {m['overflow']} px (widest: {m['widest']})")
                for image in m["drawn"]:
                    size = svg_text(root, image)
                    if size is not None and size < m["smallest"]:
                        m["smallest"], m["smallestText"] = size, "text of " + image["src"]
                if m["smallest"] < MIN_TEXT_PX:
                    problems.append(f"text of {m['smallest']:.1f} px ({m['smallestText']!r})")
                if m["broken"]:
                    problems.append(f"images not loaded: {m['broken'][:3]}")
                result(f"{page} at {width} px", not problems,
                       "; ".join(problems) or f"no sideways scroll, smallest text {m['smallest']:.1f} px")
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        for page in args.print_pages:
            browser.get("file://" + urllib.parse.quote(os.path.join(root, page)))
            count = pdf_pages(browser)
            ok = args.print_limit is None or count <= args.print_limit
            limit = f" (at most {args.print_limit})" if args.print_limit is not None else " (reported, not checked)"
            result(f"{page} printed on A4", ok, f"{count} pages{limit}")
    finally:
        browser.quit()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
