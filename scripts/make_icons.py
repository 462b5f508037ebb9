"""Draw the app icons into static/icons with Pillow.

    .venv/bin/python scripts/make_icons.py

A calm rounded square in the brand blue (#1f4e79) with a white mood line: a dip and a
recovery. "any" icons have transparent rounded corners; the maskable icon and the Apple touch
icon fill the square, because the launcher or iOS cuts its own shape, and keep the line inside
the central 80 % that every mask shape leaves visible.
"""

import math
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "static" / "icons"
BRAND = (31, 78, 121, 255)  # #1f4e79
WHITE = (255, 255, 255, 255)
SUPERSAMPLE = 4  # draw large, then shrink: smooth edges without an anti-aliasing library


def mood_line(size: int, inset: float) -> list[tuple[float, float]]:
    """Return points of a gentle dip-and-rise curve inside the square's central area."""
    left, right = size * inset, size * (1 - inset)
    middle, amplitude = size * 0.52, size * (0.5 - inset) * 0.42
    points = []
    for step in range(121):
        t = step / 120
        # One and a half waves, ending higher than it starts: low days pass.
        y = middle + amplitude * math.sin(t * 3 * math.pi) * (1 - 0.35 * t) - amplitude * 0.5 * t
        points.append((left + (right - left) * t, y))
    return points


def draw_icon(size: int, rounded: bool, inset: float) -> Image.Image:
    """Draw one icon of `size` pixels."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=int(big * 0.22), fill=BRAND)
    else:
        draw.rectangle((0, 0, big, big), fill=BRAND)
    points = mood_line(big, inset)
    radius = max(big * 0.035, 1)
    # Stamp a disc along the curve: a thick line with round caps and no seams at the joints.
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        steps = max(int(math.dist((x0, y0), (x1, y1)) / (radius / 4)), 1)
        for i in range(steps + 1):
            x, y = x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=WHITE)
    x, y = points[-1]  # a dot where the line ends: today
    r = radius * 1.8
    draw.ellipse((x - r, y - r, x + r, y + r), fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def save(image: Image.Image, name: str, opaque: bool = False) -> None:
    """Write a PNG (flattened onto the brand colour when the platform wants no transparency)."""
    if opaque:
        flat = Image.new("RGB", image.size, BRAND[:3])
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    image.save(OUT / name, optimize=True)
    print(f"{name}: {image.size[0]}x{image.size[1]}")


def main() -> None:
    """Write every icon the manifest and base.html name."""
    OUT.mkdir(parents=True, exist_ok=True)
    save(draw_icon(192, rounded=True, inset=0.2), "icon-192.png")
    save(draw_icon(512, rounded=True, inset=0.2), "icon-512.png")
    # Maskable: the safe zone is a circle of 80 % diameter; keep the line well inside it.
    save(draw_icon(512, rounded=False, inset=0.27), "maskable-512.png", opaque=True)
    save(draw_icon(180, rounded=False, inset=0.2), "apple-touch-icon.png", opaque=True)
    save(draw_icon(32, rounded=True, inset=0.16), "favicon-32.png")


if __name__ == "__main__":
    main()
