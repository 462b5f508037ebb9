// The help page for a visitor who is not signed in: show the crisis lines of the country the
// phone's time zone is in (the page carries every country's lines, so this works offline too),
// and switch countries without a round trip when the picker changes.

const island = document.getElementById('zone-regions');
const picker = document.getElementById('region');

/** Show one country's section and hide the others; false when the page has no such section. */
function show(region) {
  const sections = document.querySelectorAll('.crisis-region');
  if (![...sections].some((section) => section.dataset.region === region)) return false;
  for (const section of sections) section.hidden = section.dataset.region !== region;
  if (picker) picker.value = region;
  return true;
}

if (island) {
  const zones = JSON.parse(island.textContent);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  show(zones[zone] || 'OTHER');
  picker?.addEventListener('change', () => show(picker.value));
}
