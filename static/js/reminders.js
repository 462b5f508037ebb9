// The reminders settings page: turn notifications on or off for this device.

import * as pushClient from './push-client.js';

/** Read the page's JSON island. */
function pageConfig() {
  try {
    return JSON.parse(document.getElementById('pwa-page').textContent);
  } catch {
    return {};
  }
}

/** Show the right button for this device's state. */
async function show(panel) {
  const on = panel.querySelector('[data-push-on]');
  const off = panel.querySelector('[data-push-off]');
  const subscription = await pushClient.current().catch(() => null);
  on.hidden = Boolean(subscription);
  off.hidden = !subscription;
}

/** Wire the panel's buttons. */
async function start() {
  const panel = document.querySelector('[data-push-panel]');
  if (!panel) return;
  const status = panel.querySelector('[data-push-status]');
  if (!pushClient.supported()) {
    panel.querySelector('[data-push-unsupported]').hidden = false;
    return;
  }
  const { user } = pageConfig();
  const act = async (work, done) => {
    status.textContent = 'One moment…';
    try {
      await work(user);
      status.textContent = done;
    } catch (error) {
      status.textContent = `That did not work: ${error.message}`;
    }
    await show(panel);
  };
  panel.querySelector('[data-push-on]').addEventListener('click', () => act(pushClient.subscribe, 'Notifications are on for this device.'));
  panel.querySelector('[data-push-off]').addEventListener('click', () => act(pushClient.unsubscribe, 'Notifications are off for this device.'));
  await show(panel);
}

start();
