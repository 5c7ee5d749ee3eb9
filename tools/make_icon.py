"""Draw Retrowalk's brand icon (original artwork): two footprints and a backward arrow.

Run: .venv/bin/python tools/make_icon.py  (writes custom_components/retrowalk/brand/icon*.png)
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "custom_components" / "retrowalk" / "brand"


def footprint(draw: ImageDraw.ImageDraw, cx: float, cy: float, s: float, fill: str) -> None:
    draw.ellipse((cx - 0.28 * s, cy - 0.55 * s, cx + 0.28 * s, cy + 0.25 * s), fill=fill)
    draw.ellipse((cx - 0.22 * s, cy + 0.32 * s, cx + 0.22 * s, cy + 0.7 * s), fill=fill)
    for i, (dx, r) in enumerate(((-0.2, 0.09), (-0.05, 0.08), (0.09, 0.07), (0.2, 0.06))):
        y = cy - 0.72 * s + (0.03 * i * s if i > 1 else 0)
        draw.ellipse((cx + dx * s - r * s, y - r * s, cx + dx * s + r * s, y + r * s), fill=fill)


def icon(size: int) -> Image.Image:
    scale = 4
    n = size * scale
    img = Image.new("RGBA", (n, n), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((0, 0, n - 1, n - 1), radius=int(0.22 * n), fill="#16697a")
    footprint(d, 0.38 * n, 0.6 * n, 0.2 * n, "#ffffff")
    footprint(d, 0.62 * n, 0.38 * n, 0.2 * n, "#ffffff")
    w = int(0.05 * n)
    d.arc((0.12 * n, 0.12 * n, 0.88 * n, 0.88 * n), start=205, end=335, fill="#ffa62b", width=w)
    tip_x, tip_y = 0.13 * n, 0.47 * n
    d.polygon(
        (
            (tip_x - 0.07 * n, tip_y - 0.08 * n),
            (tip_x + 0.09 * n, tip_y - 0.1 * n),
            (tip_x + 0.02 * n, tip_y + 0.08 * n),
        ),
        fill="#ffa62b",
    )
    return img.resize((size, size), Image.Resampling.LANCZOS)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    icon(256).save(OUT / "icon.png")
    icon(512).save(OUT / "icon@2x.png")
    print(f"wrote {OUT}/icon.png and icon@2x.png")
