// Fits a chart's figure to where it is drawn: the screen's width and height, and touch.

// About one date label per 90 px: "Sep 2026" needs some 60 px and a gap to read on a phone.
const PX_PER_DATE_TICK = 90;
// Below this a multi-panel chart's panels get too thin to read; a taller screen never hits it.
const LEAST_CAP_PX = 480;

/** Is this a phone or tablet: a finger, no mouse hovering? */
export function isTouch() {
  return window.matchMedia('(hover: none) and (pointer: coarse)').matches;
}

/** Every x and y axis entry of a layout ("xaxis", "yaxis2", ...). */
function axes(layout) {
  return Object.keys(layout).filter((key) => /^[xy]axis\d*$/.test(key)).map((key) => layout[key]);
}

/** Lower each date axis's tick count to what the chart's width can label without crowding. */
function fitDateTicks(layout, width) {
  const most = Math.max(2, Math.floor(width / PX_PER_DATE_TICK));
  axes(layout)
    .filter((axis) => axis.type === 'date')
    .forEach((axis) => {
      axis.nticks = Math.min(axis.nticks || most, most);
    });
}

/** Keep the chart within one screen, so a swipe past it never starts and ends inside it. */
function fitHeight(layout) {
  if (!layout.height) return;
  const screen = Math.max(LEAST_CAP_PX, window.innerHeight);
  layout.height = Math.min(layout.height, screen);
}

/** On touch, a finger scrolls the page: no dragging, no zooming, hover on a tap only. */
function fitTouch(layout) {
  layout.dragmode = false;
  axes(layout).forEach((axis) => {
    axis.fixedrange = true;
  });
}

/** Return a copy of `figure.layout` fitted to `element` (width, height, touch). */
export function fittedLayout(figure, element) {
  const layout = structuredClone(figure.layout);
  fitDateTicks(layout, element.clientWidth);
  fitHeight(layout);
  if (isTouch()) fitTouch(layout);
  return layout;
}

/** Return the plotly config: no mode bar on touch (the chart's own button downloads it). */
export function config(element) {
  return {
    responsive: true,
    displaylogo: false,
    displayModeBar: isTouch() ? false : 'hover',
    scrollZoom: false,
    // Keep the toolbar small: zoom, reset and the PNG download are what people use.
    modeBarButtonsToRemove: ['select2d', 'lasso2d', 'autoScale2d', 'toggleSpikelines'],
    toImageButtonOptions: { format: 'png', filename: element.dataset.fileName, scale: 2 },
  };
}
