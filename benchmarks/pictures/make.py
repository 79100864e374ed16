"""Make the README's pictures: the timeline charts, and the diagrams drawn by Mermaid.

    python benchmarks/pictures/make.py [--mermaid DIR]

writes, beside this script, the charts of ``casework timeline`` (SVG) and the
Mermaid text of ``casework diagram`` (.mmd). With ``--mermaid DIR`` (a folder
holding ``node_modules/mermaid``, installed with ``npm install mermaid`` outside
this repository) each diagram is also drawn by Mermaid in headless Chromium
and saved as SVG, as a reader's browser would draw it.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHARTS = {
    "alliluyeva-timeline.svg": ["alliluyeva"],
    "kasparova-popova-timeline.svg": ["kasparova-popova"],
    "both-cases-timeline.svg": ["alliluyeva", "kasparova-popova"],
    "kasparova-whatifs-timeline.svg": [
        "kasparova-popova",
        "late-intercession-kasparova",
        "second-testimonial-kasparova",
    ],
}
DIAGRAMS = {
    "alliluyeva-diagram": ["alliluyeva"],
    "alliluyeva-diagram-full": ["alliluyeva", "--full"],
    "late-intercession-kasparova-diagram": ["late-intercession-kasparova"],
}

# mermaid.render with a fixed id, so that the same diagram gives the same file
_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<script src="{script}"></script></head><body>
<pre id="text">{text}</pre><div id="out"></div>
<script>mermaid.initialize({{startOnLoad: false}});
mermaid.render("{name}", document.getElementById("text").textContent)
  .then(r => {{ document.getElementById("out").innerHTML = r.svg; }});</script>
</body></html>"""
#: Mermaid's coordinates to a tenth of a pixel (it writes fifteen digits).
_DIGITS = re.compile(r"(-?[0-9]+\.[0-9])[0-9]+")


def casework(*argv: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "casework", *argv], capture_output=True, text=True, check=True
    )
    return done.stdout


def draw(name: str, text: str, mermaid: Path) -> str:
    """The SVG Mermaid draws for ``text`` in headless Chromium, sized by its viewBox."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("make.py: chromium not found; expected it on PATH for --mermaid")
    script = mermaid / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(
            _PAGE.format(script=script.as_uri(), text=html.escape(text), name=name), "utf-8"
        )
        dom = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--allow-file-access-from-files",
                "--virtual-time-budget=8000",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    found = re.search(r"<svg .*?</svg>", dom, re.S)
    if found is None:
        raise SystemExit("make.py: Mermaid drew nothing; expected an <svg> in the page")
    svg = found[0]
    box = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', svg)
    if box is not None:  # a file, not a page: its own size rather than the page's width
        svg = re.sub(r'width="100%"', f'width="{box[1]}" height="{box[2]}"', svg, count=1)
    return _DIGITS.sub(r"\1", svg.replace("<br>", "<br/>")) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mermaid", type=Path, help="a folder holding node_modules/mermaid")
    args = parser.parse_args()
    for name, cases in CHARTS.items():
        print(casework("timeline", *cases, "--export", str(HERE / name)), end="")
    for name, argv in DIAGRAMS.items():
        text = casework("diagram", *argv)
        (HERE / f"{name}.mmd").write_text(text, "utf-8")
        if args.mermaid is not None:
            (HERE / f"{name}.svg").write_text(draw(name, text, args.mermaid), "utf-8")
            print(f"wrote {HERE / name}.svg")


if __name__ == "__main__":
    main()
