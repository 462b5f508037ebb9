// App glue: small enhancements; every form works without this file.

/** Fill the time zone field from the device, if the person has not typed one. */
function detectTimezone() {
  const field = document.querySelector('[data-detect-timezone]');
  if (!field || (field.value && field.value !== 'UTC')) return;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone) field.value = zone;
}

/** Show crisis resources the moment item 9 is answered above 0: no round trip, works offline. */
function watchSafetyItem() {
  const item = document.querySelector('[data-safety-item]');
  const panel = document.getElementById('crisis');
  if (!item || !panel) return;
  item.addEventListener('change', (event) => {
    const positive = Number(event.target.value) > 0;
    const wasHidden = panel.hidden;
    panel.hidden = !positive;
    if (positive && wasHidden) panel.scrollIntoView({ block: 'nearest' });
  });
}

detectTimezone();
watchSafetyItem();
