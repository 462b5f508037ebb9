// The offline queue: entries saved on this device that have not reached the server yet.
//
// Layered like Workbox's background-sync queue:
//   storage - the IndexedDB schema and its upgrades (openQueue, upgrade, the small helpers)
//   policy  - flush(): oldest first; stop on network, server or sign-in trouble
//   replay  - outcome(): what each server answer means for one entry
// What is stored is the person's *intent* ({client_id, kind, payload, ...}), never a raw
// Request: the CSRF token is fetched fresh at replay time, so an old token is never replayed.
//
// One owner writes: the service worker (sw.js) is the only code that adds, changes or removes
// entries. It is the one context every tab shares and the only one Background Sync can wake,
// so two tabs can never flush the same entry at once. Pages only read (readIntents).
// Nothing here expires: an entry leaves the queue when the server has it, or when the person
// chooses to drop it.

export const DB_NAME = 'mood-journal';
const DB_VERSION = 1;
const INTENTS = 'intents';

/** What can be saved offline: its API collection and its page, by kind. Add a kind here. */
export const KINDS = {
  checkin: { path: 'checkins', label: 'Check-in' },
  treatment: { path: 'treatments', label: 'Session' },
  reflection: { path: 'reflections', label: 'Reflection' },
};

/** Return the API URL an intent is PUT to. */
export const apiUrl = (intent) => `/api/v1/${KINDS[intent.kind].path}/${intent.client_id}`;

/** Return the page that shows a saved record. */
export const pageUrl = (intent) => `/${KINDS[intent.kind].path}/${intent.client_id}`;

// --- storage ---------------------------------------------------------------------------------

/** Create or upgrade the schema one version at a time; steps add, they never drop entries. */
function upgrade(db, oldVersion) {
  // A device that skipped releases runs every step in order. A later step that reshapes
  // entries must rewrite them in place with a cursor; deleting a store would lose writing.
  if (oldVersion < 1) {
    const store = db.createObjectStore(INTENTS, { keyPath: 'seq', autoIncrement: true });
    store.createIndex('client_id', 'client_id');
    store.createIndex('user', 'user');
  }
}

/** Open the queue; with create=false, resolve null rather than create an empty database. */
export function openQueue({ create = true } = {}) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    let absent = false;
    request.onupgradeneeded = (event) => {
      if (event.oldVersion === 0 && !create) {
        // Reading must not bring back a database that sign-out just deleted: aborting the
        // creating transaction leaves no database behind (an atomic "open if it exists").
        absent = true;
        request.transaction.abort();
        return;
      }
      upgrade(request.result, event.oldVersion);
    };
    request.onsuccess = () => {
      const db = request.result;
      // Let a newer version of the app (or sign-out's delete) proceed instead of blocking it.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = (event) => {
      if (absent) {
        event.preventDefault();
        resolve(null);
      } else {
        reject(request.error);
      }
    };
  });
}

/** Delete the whole database (after sign-out, when no other account has entries in it). */
export function deleteQueue() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(DB_NAME);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    request.onblocked = () => resolve(); // completes once the last connection closes
  });
}

/** Run fn(store) in one transaction; resolve with what fn returned once it has committed. */
function transact(db, mode, fn) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(INTENTS, mode);
    let result;
    Promise.resolve(fn(tx.objectStore(INTENTS))).then((value) => { result = value; }, reject);
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** Resolve an IDBRequest. */
const settle = (request) => new Promise((resolve, reject) => {
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});

/** Return one user's intents (everyone's when no user is named), oldest first. */
export async function readIntents(db, user) {
  if (!db || user === null) return [];
  const all = await transact(db, 'readonly', (store) => settle(
    user === undefined ? store.getAll() : store.index('user').getAll(user),
  ));
  return all.sort((a, b) => a.seq - b.seq);
}

/** Count one user's intents: waiting to send, and needing the person's attention. */
export async function countIntents(db, user) {
  const intents = await readIntents(db, user);
  const pending = intents.filter((i) => i.status === 'pending').length;
  return { pending, attention: intents.length - pending };
}

/** Return the intent with this sequence number, or undefined. */
export function getIntent(db, seq) {
  return transact(db, 'readonly', (store) => settle(store.get(seq)));
}

/** Store a new intent; a second save of the same record while it waits replaces the first. */
export function enqueue(db, intent) {
  return transact(db, 'readwrite', async (store) => {
    const same = await settle(store.index('client_id').getAll(intent.client_id));
    const waiting = same.find((i) => i.user === intent.user && i.kind === intent.kind);
    if (!waiting) {
      const fresh = { ...intent, status: 'pending', attempts: 0, last_error: null, local_rev: 1 };
      fresh.seq = await settle(store.add(fresh));
      return fresh;
    }
    // Keep its place in the line and the revision the first edit was based on.
    const payload = { ...intent.payload };
    if (waiting.payload.base_revision != null) payload.base_revision = waiting.payload.base_revision;
    const merged = {
      ...waiting, payload, status: 'pending', errors: null, server: null,
      last_error: null, attempts: 0, next_attempt_at: 0, local_rev: waiting.local_rev + 1,
    };
    await settle(store.put(merged));
    return merged;
  });
}

/** Replace a stored intent. */
export function putIntent(db, intent) {
  return transact(db, 'readwrite', (store) => settle(store.put(intent)));
}

/** Remove an intent. */
export function removeIntent(db, seq) {
  return transact(db, 'readwrite', (store) => settle(store.delete(seq)));
}

export const REMOVE = Symbol('remove');

/** Re-read an intent and change it in one transaction: fn(stored) -> REMOVE, a record, or null. */
function change(db, seq, fn) {
  return transact(db, 'readwrite', async (store) => {
    const next = fn(await settle(store.get(seq)));
    if (next === REMOVE) await settle(store.delete(seq));
    else if (next) await settle(store.put(next));
    return next;
  });
}

// --- replay: what one server answer means ------------------------------------------------------

/** Normalise a value for "is this the same record?": blanks vanish, text is trimmed. */
function normal(value) {
  if (value === null || value === undefined || value === '') return undefined;
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v.trim().toLowerCase() : normal(v)));
  if (typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, normal(v)]).filter(([, v]) => v !== undefined);
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  if (typeof value === 'string') {
    // Date-times may come back in another offset ("...-06:00" vs "...Z"): compare instants.
    if (/^\d{4}-\d\d-\d\dT/.test(value) && !Number.isNaN(Date.parse(value))) return Date.parse(value);
    return value.trim();
  }
  return value;
}

/** Tell whether the server's copy already holds what we sent (every field we sent). */
export function sameRecord(payload, server) {
  if (!server) return false;
  return Object.keys(payload).filter((key) => key !== 'base_revision').every(
    (key) => JSON.stringify(normal(payload[key])) === JSON.stringify(normal(server[key])),
  );
}

/** Classify one answer: done, conflict, invalid (kept for the person), auth or retry (stop). */
export function outcome(status, body, intent) {
  if (status >= 200 && status < 300) return { kind: 'done', record: body };
  const error = (body && body.error) || {};
  if (status === 409) {
    // Our earlier upload may have landed before its answer was lost: then it is done.
    if (sameRecord(intent.payload, error.current)) return { kind: 'done', record: error.current };
    return { kind: 'conflict', server: error.current || null, message: error.message };
  }
  if (status === 401 || status === 403) return { kind: 'auth', message: 'Sign in again to send.' };
  if (status === 400 && error.code === 'csrf_failed') return { kind: 'csrf', message: error.message };
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    return { kind: 'retry', message: `The server answered ${status}.` };
  }
  return { kind: 'invalid', fields: error.fields || {}, message: error.message || `Refused (${status}).` };
}

/** Return the delay before an automatic retry: 2 s, 4 s, 8 s ... at most 15 minutes. */
export const backoff = (attempts) => Math.min(2000 * 2 ** Math.max(attempts - 1, 0), 15 * 60 * 1000);

// --- policy: the flush -------------------------------------------------------------------------

/** Read a JSON body, or null when there is none (an HTML error page from a proxy, say). */
async function jsonOrNull(response) {
  try { return await response.json(); } catch { return null; }
}

/**
 * Send the signed-in person's waiting intents, oldest first; return {done, attention, stopped,
 * retryAt}. The server says who is signed in (the user header on GET /api/v1/csrf), and only
 * that person's entries are sent: on a shared device, one person's entry never lands in
 * another's journal. `force` ignores the back-off (the network came back, or someone asked).
 */
export async function flush(db, { userHeader, force = false, onChange = () => {} }) {
  const result = { done: [], attention: [], stopped: null, retryAt: null, user: null };
  const pending = (await readIntents(db)).filter((i) => i.status === 'pending');
  if (!pending.length) return result; // nothing to send: not even a token request
  // Only an entry that just failed carries a retry time; while it waits, everything waits (FIFO).
  const due = Math.max(0, ...pending.map((i) => i.next_attempt_at || 0));
  if (!force && due > Date.now()) return { ...result, stopped: 'backoff', retryAt: due };

  /** Fetch a CSRF token bound to the current session, and learn whose session it is. */
  const freshToken = async () => {
    const response = await fetch('/api/v1/csrf', { credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok) return { problem: 'retry' };
    const user = response.headers.get(userHeader);
    if (!user) return { problem: 'auth' };
    return { user, token: (await response.json()).csrf_token };
  };

  /** A failed attempt: note it on the intent that could not go, and when to try it again. */
  const later = (message) => (intent) => {
    if (!intent) return null;
    const attempts = (intent.attempts || 0) + 1;
    result.retryAt = Date.now() + backoff(attempts);
    return { ...intent, attempts, last_error: message, next_attempt_at: result.retryAt };
  };
  const keepForLater = (intent, message) => change(db, intent.seq, later(message));

  let session;
  try {
    session = await freshToken();
  } catch {
    await keepForLater(pending[0], 'No connection.');
    return { ...result, stopped: 'network' };
  }
  if (session.problem) {
    if (session.problem === 'retry') await keepForLater(pending[0], 'The server is not answering.');
    return { ...result, stopped: session.problem };
  }
  result.user = session.user;
  let { token } = session;

  for (const sent of pending.filter((i) => i.user === session.user)) {
    let verdict;
    for (let tries = 0; tries < 2; tries += 1) {
      let response;
      try {
        response = await fetch(apiUrl(sent), {
          method: 'PUT',
          credentials: 'same-origin',
          cache: 'no-store',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': token },
          body: JSON.stringify(sent.payload),
        });
      } catch {
        verdict = { kind: 'network', message: 'No connection.' };
        break;
      }
      verdict = outcome(response.status, await jsonOrNull(response), sent);
      if (verdict.kind !== 'csrf') break;
      // The session's token changed under us (signed in again in another tab): fetch it again.
      const again = await freshToken().catch(() => ({ problem: 'network' }));
      if (again.problem || again.user !== session.user) {
        verdict = { kind: again.problem === 'network' ? 'network' : 'auth', message: verdict.message };
        break;
      }
      token = again.token;
    }
    if (verdict.kind === 'csrf') verdict = { kind: 'retry', message: verdict.message };

    // Each outcome re-reads the intent in the same transaction that changes it: the person may
    // have saved this record again while it was in flight (local_rev tells), and then the
    // newer save must survive.
    const same = (stored) => stored && stored.local_rev === sent.local_rev;
    if (verdict.kind === 'done') {
      await change(db, sent.seq, (stored) => {
        if (same(stored)) return REMOVE;
        const revision = verdict.record && verdict.record.revision;
        // The newer save builds on what we just wrote: send it as an edit of that revision.
        return stored && revision ? { ...stored, payload: { ...stored.payload, base_revision: revision } } : null;
      });
      result.done.push({ kind: sent.kind, client_id: sent.client_id });
    } else if (verdict.kind === 'conflict' || verdict.kind === 'invalid') {
      const kept = await change(db, sent.seq, (stored) => same(stored) && {
        ...stored,
        status: verdict.kind,
        attempts: (stored.attempts || 0) + 1,
        last_error: verdict.message,
        errors: verdict.fields || null,
        server: verdict.server || null,
      });
      if (kept) result.attention.push({ kind: sent.kind, client_id: sent.client_id, status: verdict.kind });
    } else {
      // auth, retry or network: first in, first out, so nothing later may overtake this one.
      await change(db, sent.seq, later(verdict.message));
      result.stopped = verdict.kind;
      onChange();
      return result;
    }
    onChange();
  }
  return result;
}
