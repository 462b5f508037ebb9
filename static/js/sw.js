// The service worker, served at /sw.js (scope "/") by journal/pwa, which writes
// `const CONFIG = {version, precache, pages, userHeader, hashedPrefix}` above this line. Any
// change to a static file or template changes CONFIG.version, so browsers install a new worker.
// Static files are precached under their hashed URLs (/static/v/<hash>/..., journal/static_urls.py),
// the same URLs the pages name, and the imports below are rewritten to them when /sw.js is served.
//
// Caches (all prefixed "mj-", so activate only ever deletes our own):
//   mj-shell-<version>        precached static files and the shared pages (/offline, /help)
//   mj-pages-<user>-<version> pages one person visited, for offline reading
//   mj-data-<user>            GET /api/* answers one person fetched (charts, history)
// <user> is an opaque per-user key the server sends in a header on each page and API answer;
// a cached page is stored under the key of the answer it came from, so one person's journal
// is never served to another. Auth, export and share responses are never cached.
//
// Strategies: pages network-first (3 s timeout), then cache, then /offline; GET /api
// network-first into the data cache; precached static files cache-first (versioned); other
// static files stale-while-revalidate; everything else, and every non-GET, straight to the
// network. The worker is the offline queue's only writer (see offline-queue.js for why).
// Whose caches, and clearing them when an answer names nobody (signed out anywhere): sw-user.js.

import * as queue from '/static/js/offline-queue.js';
import { epoch, getUser, noteAnswer, noteUser, signedOut } from '/static/js/sw-user.js';

const PREFIX = 'mj-';
const SHELL = `${PREFIX}shell-${CONFIG.version}`;
const pagesCache = (user) => `${PREFIX}pages-${user}-${CONFIG.version}`;
const dataCache = (user) => `${PREFIX}data-${user}`;
const NETWORK_TIMEOUT_MS = 3000;
const SYNC_TAG = 'journal-sync';
// Never cached, never answered from a cache: sign-in, exports, share links, tokens and the account
// pages (devices, password, deletion).
const NEVER_CACHED = [
  '/auth/', '/export/', '/s/', '/shares', '/api/v1/auth/', '/api/v1/me', '/api/v1/csrf',
  '/api/v1/shares', '/api/v1/exports', '/sw.js', '/settings/account',
];

// --- install and activate ----------------------------------------------------------------

self.addEventListener('install', (event) => {
  // A hashed static URL (CONFIG.hashedPrefix) names its bytes, so the copy the page just put in
  // the HTTP cache is this version's file: taking it saves downloading plotly twice on a first
  // visit. Anything else skips the HTTP cache (cache: 'reload'), so the shell is exactly this
  // version's pages; credentials: 'omit' keeps the shared pages free of anyone's data.
  const cacheMode = (url) => (url.startsWith(CONFIG.hashedPrefix) ? 'default' : 'reload');
  const requests = CONFIG.precache.map((url) => new Request(url, { cache: cacheMode(url), credentials: 'omit' }));
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(requests)));
  // No skipWaiting here: a new version waits until the person chooses "Reload" (app.js).
});

self.addEventListener('activate', (event) => {
  const keep = (name) => name === SHELL || name.startsWith(`${PREFIX}data-`)
    || (name.startsWith(`${PREFIX}pages-`) && name.endsWith(`-${CONFIG.version}`));
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith(PREFIX) && !keep(n)).map((n) => caches.delete(n)));
    // Control the page that installed us, so its first offline reload already works.
    await self.clients.claim();
  })());
});

// --- strategies ------------------------------------------------------------------------------

/** Store a network answer under the key of the person it belongs to (if it may be stored). */
async function remember(request, response, kind, since) {
  if (response.type !== 'basic') return; // opaque redirects name nobody
  const user = response.headers.get(CONFIG.userHeader);
  // A signed-out answer (an API 401) always counts, even one fetched before an earlier sign-out.
  if (since !== epoch() && user) return;
  await noteUser(user || null);
  // Every signed-in answer says Cache-Control: no-store, which keeps it out of the browser's HTTP
  // cache and proxies. This per-person cache is the offline journal itself (dropped at sign-out)
  // and ignores it: what must never be stored here is NEVER_CACHED, matched before any strategy.
  if (!user || !response.ok || response.redirected) return;
  const cache = await caches.open(kind === 'page' ? pagesCache(user) : dataCache(user));
  await cache.put(request, response);
}

/** Find a stored answer: the person's own cache first, then the shared shell. */
async function lookup(request, kind) {
  const user = await getUser();
  const names = user ? [kind === 'page' ? pagesCache(user) : dataCache(user), SHELL] : [SHELL];
  for (const cacheName of names) {
    // Vary: Cookie cannot match inside a worker; the cache name already says whose it is.
    const hit = await caches.match(request, { cacheName, ignoreVary: true });
    if (hit) return hit;
  }
  return undefined;
}

/** Answer when neither the network nor a cache can: the offline page, or a JSON error. */
async function fallback(kind) {
  if (kind === 'page') {
    const page = await caches.match('/offline', { cacheName: SHELL, ignoreVary: true });
    if (page) return page;
    return new Response('You are offline.', { status: 503, headers: { 'Content-Type': 'text/plain' } });
  }
  const body = { error: { code: 'offline', message: 'You are offline and this is not saved on the device.', fields: {} } };
  return new Response(JSON.stringify(body), { status: 503, headers: { 'Content-Type': 'application/json' } });
}

/** Pages and GET /api: the network, unless it takes longer than 3 s; then the cache; then a fallback. */
function networkFirst(event, kind) {
  const { request } = event;
  const since = epoch();
  const network = fetch(request);
  // Keep a good answer even when the cached copy was served first because of the timeout.
  event.waitUntil(network.then((response) => remember(request, response.clone(), kind, since)).catch(() => {}));
  return new Promise((resolve) => {
    let answered = false;
    const answer = (response) => {
      if (response && !answered) { answered = true; resolve(response); }
      return Boolean(response);
    };
    const timer = setTimeout(async () => answer(await lookup(request, kind)), NETWORK_TIMEOUT_MS);
    network.then(
      (response) => { clearTimeout(timer); answer(response); },
      async () => {
        clearTimeout(timer);
        answer((await lookup(request, kind)) || (await fallback(kind)));
      },
    );
  });
}

/**
 * A page never stored (sign-in, account, exports): the network, else the offline page. A
 * signed-out answer still counts: an expired session or "sign out every other device" meets
 * the app as a redirect to /auth/login, and that page names nobody.
 */
async function uncachedPage(event) {
  let response;
  try {
    response = await fetch(event.request);
  } catch {
    return fallback('page');
  }
  event.waitUntil(noteAnswer(response.clone(), CONFIG.userHeader).catch(() => {}));
  return response;
}

const PRECACHED = new Set(CONFIG.precache);

/**
 * Precached static files: cache first. Their cache is named with a hash of every static file,
 * so a deploy that changes one installs a new worker and a new shell: there is nothing to
 * revalidate (Workbox precaching does the same). Saves a request per file per page view.
 */
async function cacheFirst(event) {
  const cached = await caches.match(event.request, { cacheName: SHELL, ignoreVary: true });
  return cached || staleWhileRevalidate(event);
}

/** Other static files: answer from the shell at once and refresh it in the background. */
async function staleWhileRevalidate(event) {
  const { request } = event;
  const cached = await caches.match(request, { cacheName: SHELL, ignoreVary: true });
  const refresh = fetch(request).then((response) => {
    const etag = response.headers.get('ETag');
    const changed = !cached || !etag || cached.headers.get('ETag') !== etag;
    if (response.ok && response.type === 'basic' && changed) {
      const copy = response.clone();
      event.waitUntil(caches.open(SHELL).then((cache) => cache.put(request, copy)));
    }
    return response;
  });
  if (!cached) return refresh;
  event.waitUntil(refresh.catch(() => {}));
  return cached;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (NEVER_CACHED.some((prefix) => url.pathname.startsWith(prefix))) {
    // Never stored, never read from a cache; but opened with no network, a page still gets the
    // app's offline page rather than the browser's error.
    if (request.mode === 'navigate') event.respondWith(uncachedPage(event));
    return;
  }
  if (url.pathname.startsWith('/static/') && PRECACHED.has(url.pathname) && !url.search) {
    event.respondWith(cacheFirst(event));
  } else if (url.pathname.startsWith('/static/') || url.pathname === '/manifest.webmanifest') {
    event.respondWith(staleWhileRevalidate(event));
  } else if (url.pathname.startsWith('/api/')) {
    event.respondWith(networkFirst(event, 'data'));
  } else if (request.mode === 'navigate' || (request.headers.get('Accept') || '').includes('text/html')) {
    event.respondWith(networkFirst(event, 'page'));
  }
});

// --- the queue: its only writer ----------------------------------------------------------------

/** Run fn while holding the queue lock (shared with an old or new version of this worker). */
function withLock(fn) {
  return self.navigator.locks ? self.navigator.locks.request('mood-journal-queue', fn) : fn();
}

/** Open the queue, run fn(db), and close it again. */
async function withQueue(fn, { create = false } = {}) {
  const db = await queue.openQueue({ create });
  try { return await fn(db); } finally { db?.close(); }
}

/** Tell every open page that the queue changed (they re-read their counts). */
async function broadcast(message) {
  const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  pages.forEach((page) => page.postMessage(message));
}

let running = null;
let rerun = null;
let rerunForced = false;
let changeTimer = null;

/** Tell pages the queue changed, at most every 250 ms (a 200-entry flush is 200 changes). */
function queueChanged() {
  if (changeTimer) return;
  changeTimer = setTimeout(() => { changeTimer = null; broadcast({ type: 'QUEUE_CHANGED' }); }, 250);
}

/** Flush now, or once more right after the flush in progress (which may have missed new entries). */
function requestFlush({ force = false } = {}) {
  if (running) {
    // Triggers often arrive together (`online` and Background Sync fire at the same moment,
    // and the one that runs first may still see the old network). They share one rerun, which
    // ignores the back-off if any of them asked to.
    rerunForced = rerunForced || force;
    rerun = rerun || running.then(() => {
      const forced = rerunForced;
      rerun = null;
      rerunForced = false;
      return requestFlush({ force: forced });
    });
    return rerun;
  }
  running = withLock(() => withQueue(async (db) => {
    if (!db) return { done: [], attention: [], stopped: null };
    const result = await queue.flush(db, { userHeader: CONFIG.userHeader, force, onChange: queueChanged });
    // The server named nobody when asked for a token: signed out (the entries stay queued).
    if (result.stopped === 'auth' && !result.user) await signedOut();
    broadcast({ type: 'FLUSHED', result });
    return result;
  })).finally(() => { running = null; });
  return running;
}

/** Ask for a Background Sync, where the browser has it (Chromium); other triggers cover the rest. */
async function registerSync() {
  try { await self.registration.sync?.register(SYNC_TAG); } catch { /* not allowed: fine */ }
}

/** Settle a conflict or a refused entry the way the person chose. */
function resolve({ seq, choice }) {
  return withLock(() => withQueue(async (db) => {
    const intent = db && await queue.getIntent(db, seq);
    if (!intent) return { ok: false };
    if (choice === 'server' || choice === 'discard') {
      await queue.removeIntent(db, seq);
    } else {
      const update = { ...intent, status: 'pending', attempts: 0, errors: null, last_error: null, next_attempt_at: 0 };
      if (choice === 'mine' && intent.server) {
        // Keep mine: write over the server's copy, naming the revision we have now seen.
        update.client_id = intent.server.client_id || intent.client_id;
        update.payload = { ...intent.payload, base_revision: intent.server.revision };
        update.server = null;
      }
      await queue.putIntent(db, update);
    }
    await broadcast({ type: 'QUEUE_CHANGED' });
    return { ok: true };
  }));
}

/** Sign-out on this device: delete the cached pages and data; unsent entries wait for the same account. */
function signOut() {
  return withLock(async () => {
    await signedOut();
    const left = await withQueue(async (db) => (await queue.readIntents(db)).length);
    // Nothing waits for anyone: remove the database itself, leaving no trace on the device.
    if (!left) await queue.deleteQueue();
    return { ok: true };
  });
}

/** Store the chart data a stored page draws (its data-src URLs), so the page draws offline too;
 * a crisis box names the person's safety plan this way, so the plan is there offline as well.
 *
 * Signed-in answers are Cache-Control: no-store, so the browser's HTTP cache no longer holds
 * charts a page fetched before this worker controlled it; only this cache can. */
async function warmData(html, user, since) {
  const sources = [...html.matchAll(/data-src="(\/api\/[^"]+)"/g)].map((m) => m[1].replaceAll('&amp;', '&'));
  for (const src of sources) {
    if (since !== epoch()) return;
    if (await caches.match(src, { cacheName: dataCache(user), ignoreVary: true })) continue;
    const response = await fetch(src, { credentials: 'same-origin' });
    await remember(new Request(src), response, 'data', since);
  }
}

/** Fetch the offline pages this person has not stored yet (stored under the answer's user). */
async function warm({ user }) {
  const since = epoch();
  if (!user) return { ok: false };
  for (const url of CONFIG.pages) {
    if (since !== epoch()) return { ok: false }; // signed out meanwhile
    try {
      // A page stored by a visit still needs the chart data it draws.
      const stored = await caches.match(url, { cacheName: pagesCache(user), ignoreVary: true });
      if (stored) {
        await warmData(await stored.text(), user, since);
        continue;
      }
      // manual: a redirect (say, to today's existing check-in) is not stored as this page.
      const response = await fetch(url, { credentials: 'same-origin', redirect: 'manual' });
      const copy = response.clone();
      // Data before the page: a stored page always has what it draws.
      if (response.ok && /text\/html/.test(response.headers.get('Content-Type') || '')) {
        await warmData(await copy.text(), user, since);
      }
      await remember(new Request(url), response, 'page', since);
    } catch {
      return { ok: false }; // offline: try again on the next page load
    }
  }
  return { ok: true };
}

/** Handle one message from a page; the answer goes back on the message's port. */
async function handle(message) {
  switch (message && message.type) {
    case 'SKIP_WAITING':
      await self.skipWaiting();
      return { ok: true };
    case 'CLAIM':
      // A page whose navigation started while we were installing missed activate's claim().
      await self.clients.claim();
      return { ok: true };
    case 'ENQUEUE': {
      const intent = await withQueue((db) => queue.enqueue(db, message.intent), { create: true });
      await registerSync();
      await broadcast({ type: 'QUEUE_CHANGED' });
      return { ok: true, seq: intent.seq };
    }
    case 'FLUSH':
      return requestFlush({ force: message.force });
    case 'RESOLVE': {
      const answer = await resolve(message);
      requestFlush({ force: true });
      return answer;
    }
    case 'SIGN_OUT':
      return signOut();
    case 'WARM':
      return warm(message);
    default:
      return { ok: false, error: 'unknown message' };
  }
}

self.addEventListener('message', (event) => {
  const port = event.ports[0];
  const work = handle(event.data).then(
    (answer) => port?.postMessage(answer),
    (error) => port?.postMessage({ ok: false, error: String(error) }),
  );
  event.waitUntil(work);
});

self.addEventListener('sync', (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(requestFlush({ force: true }).then((result) => {
    // Rejecting asks the browser to fire the sync again later, with its own back-off.
    if (['network', 'retry', 'backoff'].includes(result.stopped)) throw new Error('will retry');
  }));
});

// Worker start-up is a trigger too (Firefox and Safari have no Background Sync). The back-off
// holds here, so a worker woken every few seconds does not hammer a failing server.
requestFlush({ force: false }).catch(() => {});

// --- reminders (journal/reminders): push, notification click, subscription change ----------

import { installReminders } from '/static/js/sw-reminders.js';

installReminders(self);
