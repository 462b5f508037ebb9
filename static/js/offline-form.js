// Saving forms through the offline queue. Progressive enhancement: without JavaScript, or
// without a service worker, each form still posts as plain HTML and the server does the rest.

import * as sw from './sw-client.js';
import { el } from './dom.js';
import { KINDS, openQueue, pageUrl, readIntents } from './offline-queue.js';
import { handledInPlace } from './quick-mood.js';
import { instrument, score, scoreText } from './scoring.js';

/** Which page's form saves which kind of record (request.endpoint -> kind). Add a form here. */
const FORMS = {
  'checkins.new': 'checkin',
  'dashboard.index': 'checkin', // Today's one-tap mood
  'checkins.edit': 'checkin',
  'treatments.new': 'treatment',
  'treatments.edit': 'treatment',
  'reflections.new': 'reflection',
  'reflections.edit': 'reflection',
};
const FLUSH_TIMEOUT_MS = 30000;
/** Why a saved entry is still waiting, by how the flush stopped. */
const WAITING = {
  network: 'It will be sent automatically when you are back online.',
  retry: 'The server is not answering just now; it will be sent automatically.',
  backoff: 'The server was not answering; it will be sent automatically.',
  auth: 'Sign in again to send it; it stays here until then.',
};

// --- dates in the person's own time zone (not necessarily the device's) ------------------------

/** Return "YYYY-MM-DD" and "HH:MM" for now in a time zone. */
function nowIn(zone) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: zone || undefined, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date()).map((p) => [p.type, p.value]));
  return { day: `${parts.year}-${parts.month}-${parts.day}`, clock: `${parts.hour}:${parts.minute}` };
}

/** Return a zone's UTC offset in minutes at an instant ("GMT-05:00" -> -300). */
function offsetMinutes(zone, instant) {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(instant).find((p) => p.type === 'timeZoneName').value;
  const match = /GMT([+-])(\d\d):?(\d\d)?/.exec(name);
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3] || 0)) : 0;
}

/** Return an ISO 8601 time with the zone's offset for a wall-clock day and time there. */
function zonedIso(day, clock, zone) {
  if (!day || !clock) return null;
  const [y, m, d] = day.split('-').map(Number);
  const [hh, mm] = clock.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // Guess with the offset at the wall time read as UTC, then correct once (DST edges).
  const offset = offsetMinutes(zone, wall - offsetMinutes(zone, wall) * 60000);
  const pad = (n) => String(n).padStart(2, '0');
  const sign = offset < 0 ? '-' : '+';
  return `${day}T${clock.slice(0, 5)}:00${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

// --- form -> API body, one builder per kind ---------------------------------------------------

/** Read a field's trimmed value ('' when the form has no such field). */
const value = (form, name) => (form.elements[name] ? String(form.elements[name].value).trim() : '');
/** Return a whole number, or null for a blank. */
const intOrNull = (text) => (text === '' ? null : Number(text));
/** Return text, or null for a blank. */
const textOrNull = (text) => (text === '' ? null : text);

/** Return the form's item radio names in order (item1, item2, ...). */
function itemNames(form) {
  const names = new Set([...form.querySelectorAll('input[type=radio]')].map((i) => i.name));
  return [...names].filter((n) => /^item\d+$/.test(n)).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
}

/** Return the item answers: radios on the form, or hidden inputs on Today's mood form. */
function itemAnswers(form) {
  if (form.hasAttribute('data-quick-mood')) {
    const hidden = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => form.elements[`item${n}`]);
    return hidden.some(Boolean) ? hidden.map((f) => (f ? Number(f.value) : null)) : null;
  }
  return itemNames(form).map((name) => intOrNull(value(form, name)));
}

/** Return the chosen mood: a checked radio, or the button pressed on Today (copied to a hidden input). */
function moodValue(form) {
  const field = form.querySelector('input[name="mood"]:checked, input[data-mood-value]:not([disabled])');
  return field ? intOrNull(field.value) : null;
}

/** Return the daily check-in's tags: the ticked chips, then the typed ones (split on commas). */
function tagValues(form) {
  const ticked = [...form.querySelectorAll('input[name="tags"]:checked')].map((i) => i.value);
  return [...ticked, ...value(form, 'new_tags').split(',').map((t) => t.trim()).filter(Boolean)];
}

/** The check-in body: {instrument, local_date, answers, mood, note, tags?}; a daily one may be mood alone. */
function checkinPayload(form) {
  const answers = itemAnswers(form);
  return {
    instrument: form.dataset.instrument,
    local_date: value(form, 'local_date'),
    ...(answers ? { answers } : {}),
    mood: moodValue(form),
    note: textOrNull(value(form, 'note')),
    ...(form.elements.new_tags ? { tags: tagValues(form) } : {}),
  };
}

/**
 * Return the record's fields as the server declared them (the form page's JSON data island), so
 * the device never keeps its own copy of field names, side effects or prompts.
 */
function recordFields(form) {
  // A form on a page of other forms (Today's quick session log) carries its own island.
  const island = form.querySelector('script[data-record-fields]') || form.ownerDocument.getElementById('record-fields');
  return island ? JSON.parse(island.textContent) : {};
}

/** Tell whether the form has the control(s) that carry a field. */
function hasInput(form, name, spec) {
  if (spec.type === 'group') return Object.entries(spec.fields).some(([key, sub]) => hasInput(form, key, sub));
  return (spec.input || name).split(' ').every((input) => form.elements[input]);
}

/** Read one declared field from the form, as the API takes it. */
function readField(form, name, spec, page) {
  const input = spec.input || name;
  switch (spec.type) {
    case 'datetime': {
      // The date and time are where the person is (their profile's time zone), not the device's.
      const [day, clock] = input.split(' ');
      return zonedIso(value(form, day), value(form, clock), page.timezone);
    }
    case 'boolean':
      return Boolean(form.elements[input] && form.elements[input].checked);
    case 'integer':
      return intOrNull(value(form, input));
    case 'number': {
      const text = value(form, input);
      const number = text === '' ? null : Number(text);
      // A typo stays a string so the server names the field instead of us guessing.
      return number === null || Number.isFinite(number) ? number : text;
    }
    case 'tags':
      return value(form, input).split(',').map((t) => t.trim()).filter(Boolean);
    case 'json': {
      // A value edited elsewhere (session day), carried as it is; bad JSON goes on as text.
      const text = value(form, input);
      try { return text ? JSON.parse(text) : null; } catch { return text; }
    }
    case 'group':
      return Object.fromEntries(
        Object.entries(spec.fields).map(([key, sub]) => [key, readField(form, key, sub, page)]),
      );
    default:
      return textOrNull(value(form, input));
  }
}

/** The body of a session or a reflection, built from the fields the server declared. */
function declaredPayload(form, page) {
  return Object.fromEntries(
    Object.entries(recordFields(form))
      .filter(([name, spec]) => hasInput(form, name, spec))
      .map(([name, spec]) => [name, readField(form, name, spec, page)]),
  );
}

const BUILDERS = { checkin: checkinPayload, treatment: declaredPayload, reflection: declaredPayload };

/** What to say when a required part is missing offline, by kind. */
const MISSING = {
  checkin: 'Please answer every question before saving.',
  daily: 'Please choose your mood, or answer at least one question, before saving.',
  treatment: 'Please choose how the treatment was given, and its date and time.',
  reflection: 'Please give a date and write something: answer a prompt or use the free text.',
};

/** Return the first missing required part, for the offline case where no server can say so. */
function firstMissing(form, kind) {
  if (kind === 'checkin' && form.dataset.instrument === 'daily') {
    // The daily items are optional: a mood alone, or any one answer, is an entry.
    const answered = moodValue(form) !== null || itemNames(form).some((n) => value(form, n) !== '');
    if (!answered) return form.querySelector('fieldset');
  } else if (kind === 'checkin') {
    const name = itemNames(form).find((n) => value(form, n) === '');
    if (name) return form.querySelector(`input[name="${name}"]`).closest('fieldset');
  }
  if (kind === 'treatment' && !value(form, 'route')) return form.querySelector('input[name="route"]').closest('fieldset');
  const date = ['local_date', 'day', 'clock'].map((n) => form.elements[n]).find((f) => f && !f.value);
  if (date) return date;
  if (kind === 'reflection') {
    const prompts = Object.keys(recordFields(form).prompts?.fields || {});
    if (![...prompts, 'text'].some((n) => value(form, n))) return form.elements.text;
  }
  return null;
}

// --- the "saved on this device" notice ----------------------------------------------------------

/** Show, above the form, that the entry is safe on this device (with crisis help if needed). */
function showSaved(form, { message, result, crisis }) {
  let notice = document.querySelector('[data-saved-notice]');
  if (!notice) {
    notice = el('div', null, { class: 'saved-notice', 'data-saved-notice': '', role: 'status', tabindex: '-1' });
    form.before(notice);
  }
  notice.replaceChildren();
  const line = el('p');
  line.append(el('strong', 'Saved on this device.'), ` ${message} `);
  line.append(el('a', 'See what is waiting', { href: '/pending' }));
  notice.append(line);
  if (crisis) {
    // The same resources the server shows (this page's panel, rendered for the person's region).
    const copy = crisis.cloneNode(true);
    copy.id = 'crisis-saved';
    copy.hidden = false;
    copy.querySelector('h2')?.setAttribute('id', 'crisis-saved-title');
    copy.setAttribute('aria-labelledby', 'crisis-saved-title');
    notice.prepend(copy);
  }
  if (result) notice.append(el('p', result, { class: 'saved-score' }));
  notice.scrollIntoView({ block: 'start' });
  notice.focus({ preventScroll: true });
}

// --- the flow -----------------------------------------------------------------------------------

/** Put today's date (and the time, for a session) into a new form, in the person's time zone. */
function freshen(form, kind, page) {
  // A cached copy of a new form carries the id and the date from when it was cached.
  form.elements.client_id.value = crypto.randomUUID();
  const now = nowIn(page.timezone);
  if (kind === 'treatment') {
    if (form.elements.day) form.elements.day.value = now.day;
    if (form.elements.clock) form.elements.clock.value = now.clock;
  } else if (form.elements.local_date) {
    form.elements.local_date.value = now.day;
  }
}

/** Return this person's stored intent for a record, or undefined. */
async function storedIntent(page, clientId) {
  const db = await openQueue({ create: false });
  try {
    return (await readIntents(db, page.user)).find((i) => i.client_id === clientId);
  } finally {
    db?.close();
  }
}

/** Return this person's waiting check-in for the same questionnaire and day, if any. */
async function sameDayIntent(page, payload) {
  const db = await openQueue({ create: false });
  try {
    return (await readIntents(db, page.user)).find((i) => i.kind === 'checkin' && i.status === 'pending'
      && i.payload.instrument === payload.instrument && i.payload.local_date === payload.local_date);
  } finally {
    db?.close();
  }
}

/** Merge a second save of the same day into the first: what it gives wins, what it leaves out stays. */
function mergeDay(first, second) {
  const merged = { ...first };
  for (const [key, given] of Object.entries(second)) {
    if (key === 'answers' && Array.isArray(given) && Array.isArray(first.answers)) {
      merged.answers = given.map((answer, n) => (answer === null ? first.answers[n] ?? null : answer));
    } else if (given !== null && given !== undefined) {
      merged[key] = given;
    }
  }
  return merged;
}

/** Save through the queue: store at once, try to send, then go to the record or stay. */
async function save(form, kind, page) {
  let payload = BUILDERS[kind](form, page);
  const revision = form.elements.base_revision && form.elements.base_revision.value;
  if (revision) payload.base_revision = Number(revision);
  let clientId = form.elements.client_id.value;
  if (kind === 'checkin' && !revision) {
    // Two saves of one day on this phone are one entry, not a conflict with "somewhere else".
    const earlier = await sameDayIntent(page, payload).catch(() => undefined);
    if (earlier && earlier.client_id !== clientId) {
      payload = mergeDay(earlier.payload, payload);
      clientId = earlier.client_id;
    }
  }
  const intent = {
    client_id: clientId,
    kind,
    payload,
    user: page.user,
    created_at: new Date().toISOString(),
  };
  try {
    await sw.call({ type: 'ENQUEUE', intent });
  } catch {
    form.submit(); // the worker did not take it: post the form the plain way
    return;
  }

  let details = {};
  if (kind === 'checkin') {
    const definition = await instrument(payload.instrument);
    if (definition) {
      const s = score(definition, payload.answers || []);
      const mood = payload.mood === null ? '' : ` Mood ${payload.mood} of 10.`;
      details = {
        result: s.total === null ? `${mood.trim()} No total: not every question is answered.` : `Score ${scoreText(definition, s)}.${mood}`,
        crisis: s.safety ? document.getElementById('crisis') : null,
      };
    } else {
      const safety = form.querySelector('[data-safety-item] input:checked');
      details = { crisis: safety && Number(safety.value) > 0 ? document.getElementById('crisis') : null };
    }
  }
  showSaved(form, { message: 'Sending…', ...details });

  const flushed = await sw.call({ type: 'FLUSH', force: true }, FLUSH_TIMEOUT_MS).catch(() => null);
  const after = await storedIntent(page, intent.client_id);
  if (!after) {
    // On the server: show it as the server scored it (Today answers a one-tap mood itself).
    window.location.assign(form.hasAttribute('data-quick-mood') ? '/' : pageUrl(intent));
    return;
  }
  if (after.status !== 'pending') {
    window.location.assign('/pending'); // refused or in conflict: the person decides there
    return;
  }
  showSaved(form, { message: WAITING[flushed && flushed.stopped] || WAITING.network, ...details });
  if (form.hasAttribute('data-stamp-now')) {
    // A one-tap log of "now" (today's session) is done: a second tap would log a second one.
    form.querySelectorAll('button[type=submit]').forEach((button) => { button.disabled = true; });
    return;
  }
  if (!form.elements.base_revision) {
    // Ready for the next entry, with a new id, as a fresh page would be.
    form.reset();
    const mood = form.querySelector('[data-mood-value]');
    if (mood) mood.disabled = true;
    freshen(form, kind, page);
    const panel = document.getElementById('crisis');
    if (panel) panel.hidden = true;
  }
}

/**
 * The daily form shows today's entry, to change, once it exists (checkins.new). A copy the
 * worker stored on an earlier day holds that day's entry: it becomes a new, empty form for today.
 */
function renewStaleEntry(form, page) {
  const revision = form.elements.base_revision;
  if (page.endpoint !== 'checkins.new' || !revision || !form.elements.local_date) return;
  if (form.elements.local_date.value === nowIn(page.timezone).day) return;
  revision.remove();
  form.querySelectorAll('input[type=radio], input[type=checkbox]').forEach((input) => {
    input.checked = false;
    input.defaultChecked = false;
  });
  form.querySelectorAll('textarea, input[type=text]').forEach((input) => {
    input.value = '';
    input.defaultValue = '';
  });
  document.querySelector('.flashes')?.remove(); // "You already did today's…" was about that day
  document.getElementById('crisis')?.setAttribute('hidden', '');
}

/** Stamp a session logged "now" with the minute it is saved, not the minute the page was opened. */
function stampNow(form, page) {
  const now = nowIn(page.timezone);
  form.elements.day.value = now.day;
  form.elements.clock.value = now.clock;
}

/**
 * Route the page's record form through the offline queue (when a worker is there to take it),
 * and every form that names its own kind (data-record-kind), such as Today's quick session log.
 */
export function enhanceForm(page) {
  if (!page.user) return;
  const form = document.querySelector('main input[name="client_id"]')?.form;
  if (form && FORMS[page.endpoint] && !form.dataset.recordKind) {
    if (page.method === 'GET') renewStaleEntry(form, page);
    enhance(form, FORMS[page.endpoint], page);
  }
  for (const own of document.querySelectorAll('main form[data-record-kind]')) enhance(own, own.dataset.recordKind, page);
}

/** Queue one form's saves as records of `kind`. */
function enhance(form, kind, page) {
  if (!KINDS[kind]) return;
  const isNew = (page.endpoint.endsWith('.new') || form.hasAttribute('data-fresh')) && !form.elements.base_revision;
  if (isNew && page.method === 'GET') freshen(form, kind, page);

  let busy = false;
  form.addEventListener('submit', (event) => {
    if (busy) { event.preventDefault(); return; }
    if (form.hasAttribute('data-stamp-now')) stampNow(form, page);
    if (handledInPlace(form)) return; // online, Today's one-tap mood is posted by quick-mood.js
    if (!navigator.serviceWorker || !navigator.serviceWorker.controller) return; // plain POST
    const pressed = form.querySelector('[data-mood-value]');
    if (pressed && event.submitter && event.submitter.name === 'mood') {
      // A button's value is not in form.elements; keep it where the payload and submit() see it.
      pressed.value = event.submitter.value;
      pressed.disabled = false;
    }
    const missing = firstMissing(form, kind);
    if (missing) {
      if (navigator.onLine) return; // the server explains what is missing, field by field
      event.preventDefault();
      showMissing(form, kind, missing);
      return;
    }
    event.preventDefault();
    busy = true;
    save(form, kind, page).finally(() => { busy = false; });
  });
}

/** Point at what is missing when offline (the server would have said so online). */
function showMissing(form, kind, missing) {
  let box = form.querySelector('[data-offline-missing]');
  if (!box) {
    box = el('p', null, { class: 'form-errors', role: 'alert', 'data-offline-missing': '' });
    form.prepend(box);
  }
  box.textContent = form.dataset.instrument === 'daily' ? MISSING.daily : MISSING[kind];
  missing.scrollIntoView({ block: 'center' });
  (missing.matches('input, textarea') ? missing : missing.querySelector('input'))?.focus();
}
