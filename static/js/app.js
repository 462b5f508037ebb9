// App glue: small enhancements; every form works without this file.

import * as sw from './sw-client.js';
import { enhanceForm } from './offline-form.js';
import * as onDevice from './on-device.js';
import * as pending from './pending.js';
import { enhanceQuickMood } from './quick-mood.js';
import { refresh as refreshSafetyPlan } from './safety-plan.js';
import { refresh as refreshPush } from './push-client.js';
import * as status from './sync-status.js';

/** Fill the time zone field from the device, if the person has not typed one. */
function detectTimezone() {
  const field = document.querySelector('[data-detect-timezone]');
  if (!field || (field.value && field.value !== 'UTC')) return;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone) field.value = zone;
}

/** Show crisis resources the moment item 9 is answered above 0: no round trip, works offline. */
function watchSafetyItem() {
  const item = document.querySelector('[data-safety-item]');
  const panel = document.getElementById('crisis');
  if (!item || !panel) return;
  item.addEventListener('change', (event) => {
    const positive = Number(event.target.value) > 0;
    const wasHidden = panel.hidden;
    panel.hidden = !positive;
    if (positive && wasHidden) panel.scrollIntoView({ block: 'nearest' });
  });
}

/** Offer "Copy link" and the system share sheet for a new share link, where the browser has them. */
function enhanceShareLink() {
  const copy = document.querySelector('[data-copy-target]');
  const share = document.querySelector('[data-share-target]');
  const status = document.querySelector('[data-copy-status]');
  const field = copy && document.getElementById(copy.dataset.copyTarget);
  if (!field) return;
  if (navigator.clipboard && window.isSecureContext) {
    copy.hidden = false;
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        status.textContent = 'Copied.';
      } catch {
        field.select(); // the person can copy it by hand
        status.textContent = 'Select the link and copy it.';
      }
    });
  }
  if (share && navigator.share) {
    share.hidden = false;
    share.addEventListener('click', () => {
      navigator.share({ title: share.dataset.shareTitle, url: field.value }).catch(() => {});
    });
  }
}

/** Offer the device's time zone on the settings page when it differs from the saved one. */
function offerDeviceZone() {
  const field = document.querySelector('[data-detect-timezone-offer]');
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!field || !zone || field.value === zone) return;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button';
  button.textContent = `Use this device's time zone (${zone})`;
  button.addEventListener('click', () => { field.value = zone; field.focus(); });
  field.after(button);
}

/** Read the page's JSON island: who is signed in, their time zone, which page this is. */
function pageConfig() {
  const island = document.getElementById('pwa-page');
  try {
    return island ? JSON.parse(island.textContent) : {};
  } catch {
    return {};
  }
}

/** Start the offline app: the form, the status, the worker and the triggers that flush. */
function startOffline(page) {
  if (!sw.supported()) return;
  // Listen for "Save" before anything async, so an early press never escapes as a plain POST.
  enhanceForm(page);
  status.start(page);
  pending.start(page, () => status.flush(page));
  onDevice.start(page);
  sw.register().then(async () => {
    if (!page.user) return;
    await navigator.serviceWorker.ready;
    // Page load is a trigger: send what waits, then keep this person's pages for offline use.
    await status.flush(page);
    refreshPush(page.user).catch(() => {}); // re-subscribe when the push subscription changed
    sw.call({ type: 'WARM', user: page.user }, 120000).catch(() => null);
  }, () => {}); // no worker (private mode, an old browser): the plain forms still work
}

detectTimezone();
watchSafetyItem();
refreshSafetyPlan();
enhanceShareLink();
offerDeviceZone();
enhanceQuickMood();
startOffline(pageConfig());
