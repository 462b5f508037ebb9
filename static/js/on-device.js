// Entries still on this device, listed where the person looks for them (Today, History), so an
// entry saved offline is never missing from the page that should show it.

import * as sw from './sw-client.js';
import { el } from './dom.js';
import { openQueue, readIntents } from './offline-queue.js';
import { instruments } from './scoring.js';

/** Describe one waiting check-in in a line: what, which day, the mood and whether it is complete. */
function describe(intent, definitions) {
  const { payload } = intent;
  const definition = definitions.find((d) => d.id === payload.instrument);
  const name = definition ? definition.short_title : payload.instrument;
  const parts = [`${name}, ${payload.local_date}`];
  if (payload.mood !== null && payload.mood !== undefined) parts.push(`mood ${payload.mood} of 10`);
  const answers = payload.answers || [];
  const answered = answers.filter((a) => a !== null && a !== undefined).length;
  if (answered) parts.push(`${answered} of ${answers.length} answered`);
  return parts.join(' · ');
}

/** Fill each [data-on-device] list with this person's check-ins that have not reached the server. */
async function render(page) {
  const box = document.querySelector('[data-on-device]');
  if (!box || !page.user) return;
  const db = await openQueue({ create: false }).catch(() => null);
  let intents = [];
  try {
    intents = (await readIntents(db, page.user)).filter((i) => i.kind === 'checkin');
  } finally {
    db?.close();
  }
  const list = box.querySelector('ul');
  list.replaceChildren();
  box.hidden = intents.length === 0;
  if (!intents.length) return;
  const definitions = await instruments();
  for (const intent of intents.slice().reverse()) {
    const state = intent.status === 'pending' ? 'waiting to be sent' : 'needs your attention';
    const item = el('li');
    item.append(el('span', describe(intent, definitions)), ` (${state}) `);
    if (intent.status !== 'pending') item.append(el('a', 'Decide', { href: '/pending' }));
    list.append(item);
  }
}

/** List what waits on the device now, and again whenever the queue changes. */
export function start(page) {
  if (!page.user || !document.querySelector('[data-on-device]')) return;
  render(page).catch(() => {});
  sw.listen((message) => {
    if (message.type === 'QUEUE_CHANGED' || message.type === 'FLUSHED') render(page).catch(() => {});
  });
}
