"""Draw the HRV Readiness brand icon: a heart with an RR-interval trace across it.

.venv/bin/python scripts/draw_brand_icon.py custom_components/hrv_readiness/brand
"""

import math
import sys

from PIL import Image, ImageDraw


def draw(size: int, path: str) -> None:
    s = 4  # supersample
    w = size * s
    img = Image.new("RGBA", (w, w), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    # heart from the classic parametric curve
    pts = []
    for i in range(720):
        t = 2 * math.pi * i / 720
        x = 16 * math.sin(t) ** 3
        y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        pts.append((w / 2 + x * w / 36, w / 2 - y * w / 36 - w * 0.03))
    d.polygon(pts, fill=(224, 49, 76, 255))
    # ECG-like trace with irregular beat spacing (heart-rate variability)
    base = w * 0.50
    xs = [0.10, 0.28, 0.33, 0.37, 0.41, 0.47, 0.60, 0.64, 0.68, 0.72, 0.78, 0.90]
    ys = [0, 0, -0.20, 0.14, 0, 0, 0, -0.24, 0.16, 0, 0, 0]
    line = [(w * x, base + w * y) for x, y in zip(xs, ys, strict=True)]
    d.line(line, fill=(255, 255, 255, 255), width=int(w * 0.045), joint="curve")
    for x, y in (line[0], line[-1]):
        r = w * 0.0225
        d.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, 255))
    img.resize((size, size), Image.LANCZOS).save(path, optimize=True)


draw(256, sys.argv[1] + "/icon.png")
draw(512, sys.argv[1] + "/icon@2x.png")
