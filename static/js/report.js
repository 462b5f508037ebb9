// Report and share pages: redraw the charts at the paper's width when printing and after.
// plotly.js sizes a chart in pixels when it draws it, so without this a chart drawn on a wide
// screen would overflow the page (and one drawn on a phone would print small).

const drawnCharts = () => document.querySelectorAll('[data-chart][data-drawn="true"]');

/** Fit every drawn chart to its container as it is now laid out. */
function fitCharts() {
  if (!window.Plotly) return;
  drawnCharts().forEach((chart) => window.Plotly.Plots.resize(chart));
}

window.addEventListener('beforeprint', fitCharts);
window.addEventListener('afterprint', fitCharts);

