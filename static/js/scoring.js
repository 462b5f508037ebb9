// Scoring on the device, with the same instrument data the server scores with
// (GET /api/v1/instruments, precached by the service worker, so this works offline).

let definitions = null;

/** Return every instrument definition ([] when they cannot be had). */
export async function instruments() {
  if (definitions) return definitions;
  try {
    const response = await fetch('/api/v1/instruments', { credentials: 'same-origin' });
    definitions = response.ok ? (await response.json()).items : [];
  } catch {
    definitions = [];
  }
  return definitions;
}

/** Return one instrument's definition, or null. */
export async function instrument(id) {
  return (await instruments()).find((item) => item.id === id) || null;
}

/** Score answers: total, maximum, band and the item-9 safety flag. */
export function score(definition, answers) {
  const complete = answers.length === definition.items.length && answers.every((a) => a !== null && a !== undefined);
  if (!complete) {
    // A daily check-in may skip items: no total then, but a positive item 9 still counts.
    const safety = definition.safety_item != null && answers[definition.safety_item - 1] > 0;
    return { total: null, max: definition.max_total, band: '', safety, percent: null };
  }
  const total = answers.reduce((sum, a) => sum + a, 0);
  const band = (definition.bands || []).find((b) => b.low <= total && total <= b.high);
  const safety = definition.safety_item != null && answers[definition.safety_item - 1] > 0;
  const percent = definition.percent_factor ? total * definition.percent_factor : null;
  return { total, max: definition.max_total, band: band ? band.label : '', safety, percent };
}

/** Describe a score as the result page does: a severity band for validated questionnaires only. */
export function scoreText(definition, s) {
  if (!s.band) return `${s.total} of ${s.max}`;
  // WHO-5: the percentage score (raw x 4) is the one people and papers quote.
  if (s.percent != null) return `${s.total} of ${s.max}, ${s.percent} of 100 (${s.band})`;
  if (definition.band_heading && definition.band_heading !== 'Severity band') {
    return `${s.total} of ${s.max} (${s.band})`;
  }
  // The daily check-in is not a validated PHQ-9: its band is a range for orientation only.
  return definition.validated
    ? `${s.total} of ${s.max} (severity band: ${s.band})`
    : `${s.total} of ${s.max} (range: ${s.band.toLowerCase()}, for orientation only)`;
}
