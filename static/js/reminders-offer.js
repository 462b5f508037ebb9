// Today's "Reminders are off" card (templates/dashboard/_reminders_off.html): one tap turns on
// notifications for this device, with the browser's permission prompt. Where pushes cannot work
// (no support, or notifications blocked) the e-mail button the page already has is the offer.

import * as pushClient from './push-client.js';

/** Return the signed-in person's key from the page's JSON island. */
function pageUser() {
  try {
    return JSON.parse(document.getElementById('pwa-page').textContent).user;
  } catch {
    return null;
  }
}

/** Show e-mail as the offer (as plain HTML does), saying why notifications are not. */
function offerEmail(card, why, { keepPush = false } = {}) {
  card.querySelector('[data-reminders-push]').hidden = !keepPush;
  const email = card.querySelector('[data-reminders-email-button]');
  if (email && !keepPush) email.classList.add('primary');
  if (why) card.querySelector('[data-reminders-status]').textContent = email ? `${why} E-mail reminders work instead.` : why;
}

/** Turn notifications on; on success the card says so and its buttons go. */
async function turnOn(card, button) {
  const status = card.querySelector('[data-reminders-status]');
  button.disabled = true;
  status.textContent = 'One moment…';
  try {
    await pushClient.subscribe(pageUser());
    card.querySelector('h2').textContent = 'Reminders are on';
    card.querySelector('[data-reminders-actions]').hidden = true;
    status.textContent = 'Notifications are on for this device.';
  } catch (error) {
    button.disabled = false;
    if (Notification.permission === 'denied') offerEmail(card, 'Notifications are blocked for this site.');
    // The prompt closed without an answer: asking again stays possible.
    else if (Notification.permission === 'default') offerEmail(card, 'Notifications were not allowed.', { keepPush: true });
    else offerEmail(card, `Notifications did not turn on: ${error.message}`, { keepPush: true });
  }
}

/** Offer notifications where this browser can take them; else leave the e-mail button alone. */
function start() {
  const card = document.querySelector('[data-reminders-off]');
  if (!card) return;
  if (!pushClient.supported()) return;
  if (Notification.permission === 'denied') {
    offerEmail(card, 'Notifications are blocked for this site.');
    return;
  }
  const button = card.querySelector('[data-reminders-push]');
  button.hidden = false;
  // Notifications lead; e-mail stays as the quieter second choice.
  card.querySelector('[data-reminders-email-button]')?.classList.remove('primary');
  button.addEventListener('click', () => turnOn(card, button));
}

start();
