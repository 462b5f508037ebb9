// Dark charts for a dark page: the figures are designed on white (journal/charts/style.py), so in
// dark mode every colour keeps its hue and flips its lightness, and the background, text and grid
// take the page's own colours (static/css/app.css). The report stays ink on paper in either theme.

const COLOUR_KEY = /(colou?r|colorscale)$/i;
const NAMED = { white: [255, 255, 255, 1], black: [0, 0, 0, 1] };

/** Is the chart drawn on a dark page (the app's theme or the device's, as CSS resolved it)? */
export function isDark(element) {
  return getComputedStyle(element).colorScheme.split(' ').includes('dark');
}

/** Parse "#abc", "#aabbcc", "rgb(...)", "rgba(...)", "white" or "black" to [r, g, b, a]. */
function parse(colour) {
  const text = colour.trim().toLowerCase();
  if (NAMED[text]) return NAMED[text];
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(text);
  if (hex) {
    const digits = hex[1].length === 3 ? [...hex[1]].map((d) => d + d) : hex[1].match(/../g);
    return [...digits.map((d) => parseInt(d, 16)), 1];
  }
  const rgb = /^rgba?\(([^)]+)\)$/.exec(text);
  if (!rgb) return null;
  const parts = rgb[1].split(',').map(Number);
  return parts.length >= 3 && parts.every(Number.isFinite) ? [...parts.slice(0, 3), parts[3] ?? 1] : null;
}

/** Flip a colour's HSL lightness, keeping its hue, saturation and opacity. */
export function flipLightness(colour) {
  const rgba = parse(colour);
  if (!rgba) return colour;
  const lightness = (Math.max(...rgba.slice(0, 3)) + Math.min(...rgba.slice(0, 3))) / 2;
  // Each channel sits a fixed distance from the lightness; moving the lightness to 1 - L keeps
  // those distances (the chroma), so hue and saturation stay as they were.
  const [r, g, b] = rgba.slice(0, 3).map((v) => Math.round(v + 255 - 2 * lightness));
  return `rgba(${r},${g},${b},${rgba[3]})`;
}

/** Flip every colour string under a colour-named key, anywhere in `value`. */
function flipColours(value, key = '') {
  if (typeof value === 'string') return COLOUR_KEY.test(key) ? flipLightness(value) : value;
  if (Array.isArray(value)) return value.map((item) => flipColours(item, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, flipColours(v, k)]));
  }
  return value;
}

/** Return the figure's traces and layout as drawn on this element's page. */
export function themed(data, layout, element) {
  if (!isDark(element)) return { data, layout };
  const page = getComputedStyle(element);
  const colour = (name) => page.getPropertyValue(name).trim();
  const dark = flipColours(layout);
  dark.paper_bgcolor = colour('--paper');
  dark.plot_bgcolor = colour('--paper');
  dark.font = { ...dark.font, color: colour('--ink') };
  Object.keys(dark)
    .filter((key) => /^[xy]axis\d*$/.test(key))
    .forEach((key) => {
      dark[key] = { ...dark[key], gridcolor: colour('--line'), zerolinecolor: colour('--line') };
    });
  return { data: flipColours(data), layout: dark };
}
