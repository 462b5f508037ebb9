// Reminders in the service worker (imported by sw.js): show every push as a notification, open
// the right form on a tap, and keep the server's copy of the subscription current.
//
// A push is always shown: Chrome and Safari revoke subscriptions whose pushes stay silent. The
// payload (journal/reminders/messages.py) says only what is due, never a score or an entry.

const DEFAULT_TITLE = 'Mood Journal';
const DEFAULT_BODY = 'Your check-in is due.';

/** Return a same-origin path to open, or '/' for anything else (a payload is not trusted). */
export function safePath(url) {
  if (typeof url !== 'string' || !url.startsWith('/') || url.startsWith('//')) return '/';
  return url;
}

/** Return what to show for a push message's data (JSON, text or nothing). */
export function notificationFor(data) {
  let payload = {};
  try {
    payload = data ? data.json() : {};
  } catch {
    payload = { body: data?.text?.() || DEFAULT_BODY };
  }
  return {
    title: payload.title || DEFAULT_TITLE,
    options: {
      body: payload.body || DEFAULT_BODY,
      tag: payload.tag || 'reminder',
      icon: '/static/icons/icon-192.png',
      data: { url: safePath(payload.url), kind: payload.kind || null },
    },
  };
}

/** Focus a window already on the form, else reuse one of ours, else open a new one. */
export async function openForm(scope, path) {
  const url = new URL(path, scope.location.origin).href;
  const windows = await scope.clients.matchAll({ type: 'window', includeUncontrolled: true });
  // focus() can be refused (no user activation); the form is open either way.
  const focus = (client) => Promise.resolve(client.focus()).catch(() => client);
  const same = windows.find((client) => client.url === url);
  if (same) return focus(same);
  const ours = windows.find((client) => new URL(client.url).origin === scope.location.origin);
  if (ours && 'navigate' in ours) {
    const moved = await ours.navigate(url).catch(() => null);
    if (moved) return focus(moved);
  }
  return scope.clients.openWindow(url);
}

/** Send a (new) subscription to the server with a fresh CSRF token; forget the old one. */
async function replaceSubscription(fresh, old) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  const answer = await fetch('/api/v1/csrf', { credentials: 'same-origin' });
  headers['X-CSRFToken'] = (await answer.json()).csrf_token;
  if (fresh) {
    await fetch('/api/v1/push/subscriptions', {
      method: 'POST', credentials: 'same-origin', headers, body: JSON.stringify(fresh.toJSON()),
    });
  }
  if (old && (!fresh || old.endpoint !== fresh.endpoint)) {
    await fetch('/api/v1/push/subscriptions', {
      method: 'DELETE', credentials: 'same-origin', headers, body: JSON.stringify({ endpoint: old.endpoint }),
    });
  }
}

/** Return the server's VAPID key as bytes, for subscribing again. */
async function applicationServerKey() {
  const answer = await fetch('/api/v1/push/vapid-key', { credentials: 'same-origin' });
  const key = (await answer.json()).public_key;
  const raw = atob(key.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/** Attach the push, notificationclick and pushsubscriptionchange handlers to the worker. */
export function installReminders(scope) {
  scope.addEventListener('push', (event) => {
    const { title, options } = notificationFor(event.data);
    event.waitUntil(scope.registration.showNotification(title, options));
  });

  scope.addEventListener('notificationclick', (event) => {
    event.notification.close();
    event.waitUntil(openForm(scope, safePath(event.notification.data?.url)));
  });

  // The push service rotated or dropped the subscription: subscribe again and tell the server,
  // or the next reminder goes to an endpoint that answers 410.
  scope.addEventListener('pushsubscriptionchange', (event) => {
    event.waitUntil((async () => {
      const old = event.oldSubscription;
      let fresh = event.newSubscription;
      if (!fresh) {
        const key = old?.options?.applicationServerKey || await applicationServerKey();
        fresh = await scope.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
      }
      await replaceSubscription(fresh, old);
    })());
  });
}
