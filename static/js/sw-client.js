// The page's side of the service worker: registration, the "new version" banner, and messages.

const CALL_TIMEOUT_MS = 10000;

/** Tell whether this browser can run the offline app (else every form posts as plain HTML). */
export const supported = () => 'serviceWorker' in navigator && 'indexedDB' in self;

/** Return the worker that answers messages: the controller, else the active one (shift-reload). */
async function worker() {
  if (navigator.serviceWorker.controller) return navigator.serviceWorker.controller;
  const registration = await navigator.serviceWorker.getRegistration();
  return registration && registration.active;
}

/** Send a message to the worker and resolve with its answer (reject when it does not answer). */
export async function call(message, timeout = CALL_TIMEOUT_MS) {
  const target = await worker();
  if (!target) throw new Error('no service worker');
  return new Promise((resolve, reject) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => reject(new Error(`${message.type}: no answer`)), timeout);
    channel.port1.onmessage = (event) => { clearTimeout(timer); resolve(event.data); };
    target.postMessage(message, [channel.port2]);
  });
}

/** Call listener(message) for each message the worker broadcasts (queue changes, flush results). */
export function listen(listener) {
  navigator.serviceWorker.addEventListener('message', (event) => listener(event.data || {}));
}

/** Show the "new version" banner; its button activates the waiting worker, then reloads. */
function offerUpdate(waiting) {
  const banner = document.querySelector('[data-update-banner]');
  if (!banner || !waiting) return;
  banner.hidden = false;
  banner.querySelector('[data-update-reload]').onclick = () => {
    // Reload only once the new worker controls the page, so it loads the new version's files.
    navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload(), { once: true });
    waiting.postMessage({ type: 'SKIP_WAITING' });
  };
}

/** Resolve once the page has loaded: the worker's first install never competes with it. */
const loaded = () => new Promise((resolve) => {
  if (document.readyState === 'complete') resolve();
  else window.addEventListener('load', () => resolve(), { once: true });
});

/** Register /sw.js (a module worker, so it shares offline-queue.js with the page). */
export async function register() {
  await loaded();
  const registration = await navigator.serviceWorker.register('/sw.js', { type: 'module', scope: '/' });
  // A first install has no controller yet: nothing to replace, so no banner.
  const offer = (waiting) => { if (navigator.serviceWorker.controller) offerUpdate(waiting); };
  offer(registration.waiting);
  navigator.serviceWorker.ready.then(() => {
    if (!navigator.serviceWorker.controller) call({ type: 'CLAIM' }).catch(() => {});
  });
  registration.addEventListener('updatefound', () => {
    const installing = registration.installing;
    installing?.addEventListener('statechange', () => {
      if (installing.state === 'installed') offer(registration.waiting || installing);
    });
  });
  return registration;
}
