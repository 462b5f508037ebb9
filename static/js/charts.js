// Draws each [data-chart] from its JSON endpoint with the vendored plotly.js.
//
// Nothing heavy before the first paint: where a page marks its charts data-draw="near" (Today),
// a chart's JSON, and plotly.js with it, is fetched only when the chart nears the viewport.
// Elsewhere (a chosen range, the report, the share view) every chart draws straight away. Either
// way charts draw one at a time, yielding to input between them, and plotly.js (1.5 MB) is only
// fetched once a figure has something to draw.

import { config, fittedLayout } from './chart-figure.js';
import { themed } from './chart-theme.js';

// Start a chart's work while it is still a screen and a half away: drawn by the time it shows.
const NEAR = '150% 0px';
const PLOTLY_FILE = './vendor/plotly-cartesian.min.js';
const figures = new WeakMap();
const queued = new WeakSet();
let plotly = null;
let queue = Promise.resolve();

/** Let the browser handle input and paint before the next piece of work. */
function yieldToInput() {
  if (globalThis.scheduler?.yield) return globalThis.scheduler.yield();
  return new Promise((resolve) => { setTimeout(resolve, 0); });
}

/** Return plotly.js, adding its script to the page the first time a chart needs it. */
function loadPlotly(element) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  plotly ??= new Promise((resolve, reject) => {
    // A page may already load it (the report); otherwise the page names it, or it sits beside us.
    const existing = document.querySelector('script[src*="plotly"]');
    const script = existing || document.createElement('script');
    script.addEventListener('load', () => resolve(window.Plotly));
    script.addEventListener('error', () => reject(new Error('plotly.js did not load')));
    if (!existing) {
      const named = element.closest('[data-plotly-src]')?.dataset.plotlySrc;
      script.src = named || new URL(PLOTLY_FILE, import.meta.url).href;
      document.head.append(script);
    }
  });
  return plotly;
}

/** Add a button that downloads the chart as a PNG: the mode bar is hidden on touch screens. */
function addDownload(element, title) {
  if (element.nextElementSibling?.classList.contains('chart-download')) return;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button chart-download no-print';
  button.textContent = 'Download image';
  // The visible words start the accessible name (WCAG 2.5.3); the rest says which chart.
  const which = document.createElement('span');
  which.className = 'visually-hidden';
  which.textContent = ` of "${title}" (PNG)`;
  button.append(which);
  button.addEventListener('click', () => {
    window.Plotly.downloadImage(element, { format: 'png', filename: element.dataset.fileName, scale: 2 });
  });
  element.after(button);
}

/** Draw (or redraw) a fetched figure in the element's size and theme. */
async function plot(element, figure) {
  const Plotly = await loadPlotly(element);
  await yieldToInput(); // evaluating plotly.js was one long task; do not add the drawing to it
  const { data, layout } = themed(figure.data, fittedLayout(figure, element), element);
  // The figure says how tall it needs to be (panels, rows of a calendar): give it that room.
  if (layout.height) element.style.height = `${layout.height}px`;
  await Plotly.react(element, data, layout, config(element));
}

/** Fetch one chart's figure and draw it; show the caption, or a calm message on failure. */
async function drawChart(element) {
  const caption = document.querySelector(`[data-chart-caption="${element.dataset.chart}"]`);
  try {
    const response = await fetch(element.dataset.src, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const figure = await response.json();
    if (caption && !('keep' in caption.dataset)) caption.textContent = figure.caption;
    if (!figure.data.length) {
      // An empty state: the caption already says what to log first; no blank plot box.
      element.hidden = true;
      element.dataset.drawn = 'empty';
      return;
    }
    figures.set(element, figure);
    await plot(element, figure);
    addDownload(element, figure.title || element.dataset.chart);
    element.dataset.drawn = 'true';
  } catch (error) {
    element.dataset.drawn = 'error';
    if (caption) caption.textContent = 'This chart could not be loaded. Your entries are safe; try again later.';
  }
}

/** Queue a chart: one chart per task, with a pause for input between charts. */
function enqueue(element) {
  // data-drawn is set only when a chart is done (drawn, empty or failed): tests wait for it.
  if (queued.has(element)) return;
  queued.add(element);
  queue = queue.then(() => drawChart(element)).then(yieldToInput);
}

/** Queue each chart as it nears the viewport (or now, where IntersectionObserver is missing). */
function drawWhenNear(elements) {
  if (!('IntersectionObserver' in window)) {
    elements.forEach(enqueue);
    return;
  }
  const observer = new IntersectionObserver((entries) => {
    entries.filter((entry) => entry.isIntersecting).forEach((entry) => {
      observer.unobserve(entry.target);
      enqueue(entry.target);
    });
  }, { rootMargin: NEAR });
  elements.forEach((element) => observer.observe(element));
}

/** Redraw the drawn charts in the new colours when the device switches light and dark. */
function followColourScheme() {
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    document.querySelectorAll('[data-chart][data-drawn="true"]').forEach((element) => {
      queue = queue.then(() => plot(element, figures.get(element))).then(yieldToInput);
    });
  });
}

/** Show the custom date inputs only when "Custom" is picked. */
function watchRangePicker() {
  const form = document.querySelector('.range-picker');
  if (!form) return;
  const custom = form.querySelector('.range-custom');
  const sync = () => { custom.hidden = form.elements.range.value !== 'custom'; };
  form.addEventListener('change', (event) => {
    sync();
    if (event.target.name === 'range' && event.target.value !== 'custom') form.requestSubmit();
  });
  sync();
}

watchRangePicker();
followColourScheme();
const charts = [...document.querySelectorAll('[data-chart]')];
drawWhenNear(charts.filter((element) => element.closest('[data-draw="near"]')));
charts.filter((element) => !element.closest('[data-draw="near"]')).forEach(enqueue);
// A printout needs every chart: start the ones not yet near (best effort; drawing is async).
window.addEventListener('beforeprint', () => charts.forEach(enqueue));
