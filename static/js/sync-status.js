// The header's "saved on this device" status, the flush triggers a page owns (page load,
// `online`, a retry timer), and the sign-out guard.

import * as sw from './sw-client.js';
import { countIntents, openQueue } from './offline-queue.js';

const USER_CACHE = /^mj-(?:pages|data)-([0-9a-f]+)/;
let authNeeded = false;
let retryTimer = null;

/** Read this person's counts from the queue (pages only read it; the worker writes). */
async function counts(user) {
  const db = await openQueue({ create: false });
  try {
    return await countIntents(db, user);
  } finally {
    db?.close();
  }
}

/** Plural helper: "1 entry", "3 entries". */
const entries = (n) => `${n} ${n === 1 ? 'entry' : 'entries'}`;

/** Show how many entries wait on this device and how many need the person. */
export async function render(page) {
  const status = document.querySelector('[data-sync-status]');
  if (!status || !page.user) return;
  const { pending, attention } = await counts(page.user);
  status.replaceChildren();
  if (pending) {
    const link = document.createElement('a');
    link.href = '/pending';
    link.dataset.pendingCount = String(pending);
    link.textContent = `${entries(pending)} saved on this device`;
    status.append(link, authNeeded ? ': sign in again to send.' : ', not sent yet.');
  }
  const needs = document.querySelector('[data-sync-attention]');
  if (needs) {
    needs.hidden = !attention;
    needs.textContent = `${entries(attention)} need${attention === 1 ? 's' : ''} attention`;
  }
  const signIn = document.querySelector('[data-sync-signin]');
  if (signIn) signIn.hidden = !(authNeeded && pending);
}

/** Ask the worker to send what waits; schedule a retry when it says "later". */
export async function flush(page, force = true) {
  if (!page.user) return null;
  const result = await sw.call({ type: 'FLUSH', force }, 60000).catch(() => null);
  if (!result) return null;
  authNeeded = result.stopped === 'auth';
  clearTimeout(retryTimer);
  if (result.retryAt && (result.stopped === 'network' || result.stopped === 'retry' || result.stopped === 'backoff')) {
    // Back-off: the worker cannot keep a timer alive, so the open page keeps it.
    retryTimer = setTimeout(() => flush(page, false), Math.max(result.retryAt - Date.now(), 1000));
  }
  await render(page);
  return result;
}

/** Delete this person's caches from the page too (in case the worker is gone or stuck). */
async function dropCaches(user) {
  if (!('caches' in self)) return;
  const names = await caches.keys();
  await Promise.all(names.filter((n) => USER_CACHE.exec(n)?.[1] === user).map((n) => caches.delete(n)));
}

/** Before signing out: warn about unsent entries, then clear this person's data on the device. */
function guardSignOut(page) {
  const form = document.querySelector('form[data-sign-out]');
  if (!form || !page.user) return;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { pending, attention } = await counts(page.user).catch(() => ({ pending: 0, attention: 0 }));
    const unsent = pending + attention;
    const question = `${entries(unsent)} on this device ${unsent === 1 ? 'has' : 'have'} not reached `
      + 'the server. They stay on this device and are sent when you sign in again. Sign out anyway?';
    if (unsent && !window.confirm(question)) return;
    // A shared device must not show the last person's journal: the worker drops the caches
    // (the page again, in case no worker is running). Unsent entries stay, keyed to this account.
    await sw.call({ type: 'SIGN_OUT', user: page.user }, 5000).catch(() => null);
    await dropCaches(page.user).catch(() => null);
    form.submit(); // submit() does not fire this listener again
  });
}

/** Wire the status: render now, on every change the worker reports, and flush on the triggers. */
export function start(page) {
  if (!page.user) return;
  let queued = false;
  const rerender = () => {
    // Many changes arrive during a big flush; redraw once per frame.
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; render(page); });
  };
  sw.listen((message) => {
    if (message.type === 'QUEUE_CHANGED') rerender();
    if (message.type === 'FLUSHED') {
      const stopped = message.result && message.result.stopped;
      if (stopped !== 'backoff') authNeeded = stopped === 'auth';
      rerender();
    }
  });
  window.addEventListener('online', () => flush(page));
  guardSignOut(page);
  render(page);
}
