// Draws each [data-chart] from its JSON endpoint with the vendored plotly.js (loaded with defer).

const CONFIG = {
  responsive: true,
  displaylogo: false,
  // Keep the toolbar small on a phone: zoom, reset and the PNG download are what people use.
  modeBarButtonsToRemove: ['select2d', 'lasso2d', 'autoScale2d', 'toggleSpikelines'],
};

// About one date label per 90 px: "Sep 2026" needs some 60 px and a gap to read on a phone.
const PX_PER_DATE_TICK = 90;

/** Lower each date axis's tick count to what the chart's width can label without crowding. */
function fitDateTicks(layout, width) {
  const most = Math.max(2, Math.floor(width / PX_PER_DATE_TICK));
  Object.keys(layout)
    .filter((key) => key.startsWith('xaxis') && layout[key].type === 'date')
    .forEach((key) => {
      layout[key].nticks = Math.min(layout[key].nticks || most, most);
    });
}

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
    if (caption && !('keep' in caption.dataset)) caption.textContent = figure.caption;
    if (!figure.data.length) {
      // An empty state: the caption already says what to log first; no blank plot box.
      element.hidden = true;
      element.dataset.drawn = 'empty';
      return;
    }
    // The figure says how tall it needs to be (panels, rows of a calendar): give it that room.
    fitDateTicks(figure.layout, element.clientWidth);
    if (figure.layout.height) element.style.height = `${figure.layout.height}px`;
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
