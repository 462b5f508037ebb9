// Today's "Due now" list and the installed app's badge, from what this device knows: the
// server's list as of the page (the #due-data island), aged to the device's own date, minus
// what waits in the offline queue. So it stays right offline, and on a cached page tomorrow.

import * as sw from './sw-client.js';
import { el } from './dom.js';
import { openQueue, readIntents } from './offline-queue.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const PROMPT_OFFSETS = { day1: 1, day7: 7 };
const OPEN_FOR_DAYS = 7;

/** Return today's date (YYYY-MM-DD) in a time zone. */
export function localToday(zone, now = new Date()) {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone || undefined }).format(now);
}

/** Return an ISO date `days` after another. */
function addDays(iso, days) {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Add the day +1 and +7 prompts of sessions still waiting in the queue. */
function queuedPrompts(intents, zone) {
  const items = [];
  for (const intent of intents) {
    if (intent.kind !== 'treatment' || intent.payload.planned || !intent.payload.started_at) continue;
    const day = localToday(zone, new Date(intent.payload.started_at));
    for (const [prompt, offset] of Object.entries(PROMPT_OFFSETS)) {
      const from = addDays(day, offset);
      items.push({
        kind: 'reflection', session: intent.client_id, prompt, from, until: addDays(from, OPEN_FOR_DAYS),
        label: `Reflection: ${offset === 1 ? 'the next day' : 'a week later'}`,
        url: `/reflections/new?session=${intent.client_id}&prompt=${prompt}`,
      });
    }
  }
  return items;
}

/** Return the items due on `today`, given the island and the queued intents. */
export function dueItems(island, intents, today, zone) {
  const checkins = intents.filter((i) => i.kind === 'checkin').map((i) => i.payload);
  const reflections = intents.filter((i) => i.kind === 'reflection').map((i) => i.payload);
  const items = [...island.items, ...queuedPrompts(intents, zone)];
  return items.filter((item) => {
    if (item.kind === 'daily') {
      if (item.done_on === today) return false;
      return !checkins.some((c) => c.instrument === 'daily' && c.local_date === today);
    }
    if (item.kind === 'questionnaire') {
      if (item.from > today) return false;
      return !checkins.some((c) => c.instrument === item.instrument && c.local_date >= island.today);
    }
    if (item.from > today || today >= item.until) return false;
    return !reflections.some((r) => r.treatment_id === item.session && r.local_date >= item.from);
  });
}

/** Show the count on the installed app's icon (Badging API), where the browser has it. */
export function setBadge(count) {
  if (!('setAppBadge' in navigator)) return Promise.resolve(false);
  const done = count ? navigator.setAppBadge(count) : navigator.clearAppBadge();
  return done.then(() => true, () => false);
}

/** Read the page's JSON island, or null. */
function readIsland(id) {
  const node = document.getElementById(id);
  try {
    return node ? JSON.parse(node.textContent) : null;
  } catch {
    return null;
  }
}

/** Render the list and the badge. */
async function render(island, page) {
  const box = document.querySelector('[data-due-now]');
  let intents = [];
  if (page.user && 'indexedDB' in self) {
    const db = await openQueue({ create: false }).catch(() => null);
    try {
      intents = await readIntents(db, page.user);
    } finally {
      db?.close();
    }
  }
  const items = dueItems(island, intents, localToday(page.timezone), page.timezone);
  const list = box.querySelector('ul');
  list.replaceChildren(...items.map((item) => {
    const line = el('li');
    line.append(el('a', item.label, { href: item.url }));
    return line;
  }));
  box.querySelector('[data-due-empty]').hidden = items.length > 0;
  box.dataset.dueCount = String(items.length);
  await setBadge(items.length);
}

/** Start: render now, and again when the queue changes or the page comes back into view. */
function start() {
  const island = readIsland('due-data');
  const page = readIsland('pwa-page') || {};
  if (!island || !document.querySelector('[data-due-now]')) return;
  const again = () => render(island, page).catch(() => {});
  again();
  if (sw.supported()) {
    sw.listen((message) => {
      if (message.type === 'QUEUE_CHANGED' || message.type === 'FLUSHED') again();
    });
  }
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') again();
  });
}

start();
