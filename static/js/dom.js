// The one DOM helper the offline screens share.

/** Create an element with text (never HTML: entries are the person's own words). */
export function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text != null) node.textContent = text;
  Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
  return node;
}
