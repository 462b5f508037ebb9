// Web Push on the page: subscribe and unsubscribe (settings), and re-subscribe on load when the
// browser's subscription changed or vanished, so reminders keep reaching this device.
//
// localStorage remembers, per person, the endpoint the server last got from this device: no
// entry means the person never turned notifications on here (or turned them off).

const storeKey = (user) => `mj-push-${user}`;

/** Tell whether this browser can receive Web Push. */
export const supported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

/** Return a CSRF token for the API. */
async function csrfToken() {
  const answer = await fetch('/api/v1/csrf', { credentials: 'same-origin' });
  return (await answer.json()).csrf_token;
}

/** Call the subscriptions API; throw with the server's message on an error. */
async function send(method, body) {
  const answer = await fetch('/api/v1/push/subscriptions', {
    method,
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': await csrfToken() },
    body: JSON.stringify(body),
  });
  if (!answer.ok && answer.status !== 404) {
    const error = await answer.json().catch(() => ({}));
    throw new Error(error?.error?.message || `HTTP ${answer.status}`);
  }
}

/** Return the server's VAPID public key as bytes. */
async function applicationServerKey() {
  const answer = await fetch('/api/v1/push/vapid-key', { credentials: 'same-origin' });
  const key = (await answer.json()).public_key;
  const raw = atob(key.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/** Return this device's current subscription, or null. */
export async function current() {
  const registration = await navigator.serviceWorker.ready;
  return registration.pushManager.getSubscription();
}

/** Ask for permission, subscribe and tell the server; return the subscription. */
export async function subscribe(user) {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new Error('Notifications are blocked for this site in the browser settings.');
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true, applicationServerKey: await applicationServerKey(),
  });
  await send('POST', subscription.toJSON());
  localStorage.setItem(storeKey(user), subscription.endpoint);
  return subscription;
}

/** Tell the server to forget this device, then unsubscribe it. */
export async function unsubscribe(user) {
  const subscription = await current();
  const endpoint = subscription?.endpoint || localStorage.getItem(storeKey(user));
  if (endpoint) await send('DELETE', { endpoint });
  await subscription?.unsubscribe();
  localStorage.removeItem(storeKey(user));
}

/** On page load: when the subscription changed or vanished, subscribe again and tell the server. */
export async function refresh(user) {
  if (!user || !supported() || Notification.permission !== 'granted') return;
  const known = localStorage.getItem(storeKey(user));
  if (!known) return; // notifications were never turned on here
  const registration = await navigator.serviceWorker.ready;
  let subscription = await registration.pushManager.getSubscription();
  if (!subscription) {
    subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true, applicationServerKey: await applicationServerKey(),
    });
  }
  if (subscription.endpoint === known) return;
  await send('POST', subscription.toJSON());
  await send('DELETE', { endpoint: known }).catch(() => {});
  localStorage.setItem(storeKey(user), subscription.endpoint);
}
