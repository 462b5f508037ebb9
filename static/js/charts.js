// Draws each [data-chart] from its JSON endpoint with the vendored plotly.js (loaded with defer).

const CONFIG = {
  responsive: true,
  displaylogo: false,
  // Keep the toolbar small on a phone: zoom, reset and the PNG download are what people use.
  modeBarButtonsToRemove: ['select2d', 'lasso2d', 'autoScale2d', 'toggleSpikelines'],
};

/** Fetch one chart's figure and draw it; show the caption, or a calm message on failure. */
async function drawChart(element) {
  const caption = document.querySelector(`[data-chart-caption="${element.dataset.chart}"]`);
  try {
    const response = await fetch(element.dataset.src, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const figure = await response.json();
    const config = {
      ...CONFIG,
      toImageButtonOptions: { format: 'png', filename: element.dataset.fileName, scale: 2 },
    };
    if (caption) caption.textContent = figure.caption;
    if (!figure.data.length) {
      // An empty state: the caption already says what to log first; no blank plot box.
      element.hidden = true;
      element.dataset.drawn = 'empty';
      return;
    }
    await window.Plotly.newPlot(element, figure.data, figure.layout, config);
    element.dataset.drawn = 'true';
  } catch (error) {
    element.dataset.drawn = 'error';
    if (caption) caption.textContent = 'This chart could not be loaded. Your entries are safe; try again later.';
  }
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
document.querySelectorAll('[data-chart]').forEach(drawChart);
