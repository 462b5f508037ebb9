// The /pending page: what waits on this device, what the server refused (with its reasons),
// and conflicts, shown side by side so the person chooses which version to keep.

import * as sw from './sw-client.js';
import { el } from './dom.js';
import { KINDS, openQueue, readIntents } from './offline-queue.js';
import { instruments as loadInstruments, score, scoreText } from './scoring.js';

let instruments = [];

/** Return the date a record is about, for its heading. */
function recordDate(kind, record) {
  if (kind === 'treatment') return (record.started_at || '').slice(0, 16).replace('T', ' ');
  return record.local_date || '';
}

/** Return [label, value] rows describing a check-in, answers spelled out as on the form. */
function describeCheckin(record) {
  const definition = instruments.find((i) => i.id === record.instrument);
  if (!definition) return [['Date', record.local_date], ['Answers', (record.answers || []).join(', ')]];
  const rows = [['Date', record.local_date], ['Questionnaire', definition.short_title]];
  rows.push(['Score', scoreText(definition, score(definition, record.answers || []))]);
  definition.items.forEach((item, index) => {
    const option = definition.options.find((o) => o.value === (record.answers || [])[index]);
    rows.push([`${item.number}. ${item.text}`, option ? option.label : 'not answered']);
  });
  if (record.mood != null) rows.push(['Mood', `${record.mood} of 10`]);
  rows.push(['Note', record.note || '(none)']);
  return rows;
}

/** Return [label, value] rows for any record: its fields, nested ones flattened. */
function describeFields(record) {
  const rows = [];
  const walk = (prefix, value) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      Object.entries(value).forEach(([k, v]) => walk(prefix ? `${prefix} ${k}` : k, v));
    } else if (value !== null && value !== undefined && value !== '' && !(Array.isArray(value) && !value.length)) {
      rows.push([prefix.replace(/_/g, ' '), Array.isArray(value) ? value.join(', ') : String(value)]);
    }
  };
  const skip = new Set(['base_revision', 'client_id', 'revision', 'created_at', 'updated_at', 'safety', 'total', 'band']);
  Object.entries(record).filter(([k]) => !skip.has(k)).forEach(([k, v]) => walk(k, v));
  return rows;
}

/** Return a record's [label, value] rows. */
const describe = (kind, record) => (kind === 'checkin' ? describeCheckin(record) : describeFields(record));

/** Render one version of a record as a definition list under a heading. */
function version(title, kind, record) {
  const section = el('section', null, { class: 'version' });
  section.append(el('h4', title));
  const list = el('dl');
  describe(kind, record).forEach(([label, text]) => list.append(el('dt', label), el('dd', text)));
  section.append(list);
  return section;
}

/** List only what differs, each with both values: quick to compare on a phone. */
function differences(kind, mine, theirs) {
  const saved = new Map(describe(kind, theirs));
  const labels = [...new Set([...describe(kind, mine).map(([l]) => l), ...saved.keys()])];
  const own = new Map(describe(kind, mine));
  const list = el('dl', null, { class: 'differences' });
  labels.filter((label) => label !== 'Date' && own.get(label) !== saved.get(label)).forEach((label) => {
    const values = el('dd');
    values.append(
      el('span', `This device: ${own.get(label) ?? '(none)'}`, { class: 'mine' }),
      el('span', `Saved: ${saved.get(label) ?? '(none)'}`, { class: 'theirs' }),
    );
    list.append(el('dt', label), values);
  });
  return list;
}

/** Return a button that sends the person's choice to the worker and redraws. */
function choice(text, intent, action, extra = {}) {
  const button = el('button', text, { type: 'button', class: 'button', 'data-choice': action, ...extra });
  button.addEventListener('click', async () => {
    if (action === 'discard' && !window.confirm('Delete this entry from this device? It has not reached the server.')) return;
    button.disabled = true;
    await sw.call({ type: 'RESOLVE', seq: intent.seq, choice: action }).catch(() => null);
  });
  return button;
}

/** Render an entry that needs the person: a conflict (both versions) or a refusal (reasons). */
function attentionItem(intent) {
  const { label } = KINDS[intent.kind];
  const item = el('li', null, { class: 'attention-item', 'data-intent': intent.client_id, 'data-status': intent.status });
  const date = recordDate(intent.kind, intent.payload);
  if (intent.status === 'conflict') {
    item.append(el('h3', `${label} for ${date}: changed in two places`));
    // Said plainly: the other copy may be this device's own earlier save that already got through.
    item.append(el('p', 'The server already has a version of this entry (saved earlier, from this device or another). Which version do you want to keep? What differs:'));
    if (intent.server) item.append(differences(intent.kind, intent.payload, intent.server));
    const full = el('details');
    full.append(el('summary', 'Both versions in full'));
    const versions = el('div', null, { class: 'versions' });
    versions.append(version('This device’s version', intent.kind, intent.payload));
    if (intent.server) versions.append(version('The saved version (on the server)', intent.kind, intent.server));
    full.append(versions);
    item.append(full);
    const actions = el('p', null, { class: 'actions' });
    actions.append(choice('Keep this device’s version', intent, 'mine', { class: 'button primary' }));
    actions.append(choice('Keep the saved version', intent, 'server'));
    item.append(actions);
  } else {
    item.append(el('h3', `${label} for ${date}: the server could not accept it`));
    const reasons = el('ul', null, { class: 'field-errors' });
    const fields = Object.entries(intent.errors || {});
    if (!fields.length) reasons.append(el('li', intent.last_error || 'Refused.'));
    fields.forEach(([field, message]) => reasons.append(el('li', `${field.replace(/_/g, ' ')}: ${message}`)));
    item.append(reasons);
    item.append(version('What you wrote', intent.kind, intent.payload));
    const actions = el('p', null, { class: 'actions' });
    actions.append(choice('Try again', intent, 'retry'));
    actions.append(choice('Delete from this device', intent, 'discard', { class: 'button danger' }));
    item.append(actions);
  }
  return item;
}

/** Render an entry that waits to be sent. */
function waitingItem(intent) {
  const { label } = KINDS[intent.kind];
  const item = el('li', null, { 'data-intent': intent.client_id, 'data-status': 'pending' });
  const saved = new Date(intent.created_at).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
  item.append(el('strong', `${label} for ${recordDate(intent.kind, intent.payload)}`), ` · saved ${saved}`);
  if (intent.last_error) item.append(el('span', ` · last try: ${intent.last_error}`, { class: 'hint' }));
  return item;
}

/** Draw both lists from the queue. */
async function draw(root, page) {
  instruments = await loadInstruments();
  const db = await openQueue({ create: false });
  let intents;
  try {
    intents = await readIntents(db, page.user);
  } finally {
    db?.close();
  }
  const waiting = intents.filter((i) => i.status === 'pending');
  const attention = intents.filter((i) => i.status !== 'pending');
  root.querySelector('[data-waiting-list]').replaceChildren(...waiting.map(waitingItem));
  root.querySelector('[data-waiting-empty]').hidden = waiting.length > 0;
  root.querySelector('[data-send-now]').hidden = waiting.length === 0;
  const list = root.querySelector('[data-attention-list]');
  // A redraw follows every message from the worker: keep open "Both versions" panels open,
  // or a background sync would fold them away while the person is reading.
  const open = new Set([...list.querySelectorAll('details[open]')]
    .map((details) => details.closest('[data-intent]').dataset.intent));
  list.replaceChildren(...attention.map(attentionItem));
  list.querySelectorAll('[data-intent]').forEach((item) => {
    const details = item.querySelector('details');
    if (details && open.has(item.dataset.intent)) details.open = true;
  });
  root.querySelector('[data-attention-section]').hidden = attention.length === 0;
}

/** Start the page: draw now and after every change the worker reports. */
export function start(page, flushNow) {
  const root = document.querySelector('[data-pending-page]');
  if (!root || !page.user) return;
  root.hidden = false;
  let timer = null;
  const redraw = () => { clearTimeout(timer); timer = setTimeout(() => draw(root, page), 50); };
  sw.listen((message) => { if (message.type === 'QUEUE_CHANGED' || message.type === 'FLUSHED') redraw(); });
  root.querySelector('[data-send-now]').addEventListener('click', () => flushNow());
  draw(root, page);
}
