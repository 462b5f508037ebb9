// Today's one-tap mood answers in place: online, the tap (and its Undo) is posted with fetch and
// the server's new card markup is put into the page; the words go into a live region, so a screen
// reader reads them. Offline, or when the post cannot reach the server, the tap goes to the offline
// queue (offline-form.js) as before. Without JavaScript the forms post and Today is drawn again.

const VIA_QUEUE = 'viaQueue';

/** Put the server's new card into the page: the form's contents and the live region's words. */
function showCard(card, html) {
  const fresh = new DOMParser().parseFromString(html, 'text/html');
  const form = card.querySelector('form[data-quick-mood]');
  const newForm = fresh.querySelector('form[data-quick-mood]');
  // The form element itself stays, with the offline queue's listener on it.
  form.replaceChildren(...newForm.childNodes);
  form.toggleAttribute('data-fresh', newForm.hasAttribute('data-fresh'));
  const said = card.querySelector('[data-mood-said]');
  said.replaceChildren(...fresh.querySelector('[data-mood-said]').childNodes);
}

/** Post a form with fetch and show the answer; return false when it could not be sent. */
async function post(card, form, submitter) {
  let response;
  try {
    response = await fetch(form.action, {
      method: 'POST',
      body: new FormData(form, submitter),
      headers: { 'X-Fragment': '1' },
      credentials: 'same-origin',
    });
  } catch {
    return false; // no network: the caller queues the tap
  }
  if (!response.ok || response.redirected) return false;
  showCard(card, await response.text());
  return true;
}

/** Send a tap or an Undo the plain way (the queue for a tap when a worker is there). */
function fallBack(form, submitter) {
  form.dataset[VIA_QUEUE] = '1';
  try {
    form.requestSubmit(submitter);
  } finally {
    delete form.dataset[VIA_QUEUE];
  }
}

/** Answer Today's one-tap mood and its Undo in place. */
export function enhanceQuickMood() {
  const card = document.querySelector('[data-quick-mood-card]');
  if (!card || !window.fetch) return;
  let busy = false;
  // One listener on the card: the Undo form comes and goes with each answer.
  card.addEventListener('submit', (event) => {
    const form = event.target;
    if (event.defaultPrevented || form.dataset[VIA_QUEUE]) return;
    if (form.hasAttribute('data-quick-mood') && !navigator.onLine) return; // the queue takes it
    event.preventDefault();
    if (busy) return;
    busy = true;
    const submitter = event.submitter;
    post(card, form, submitter)
      .then((sent) => { if (!sent) fallBack(form, submitter); })
      .finally(() => { busy = false; });
  });
}

/** Tell offline-form.js whether this submit is the quick mood's to handle (online, not a fallback). */
export function handledInPlace(form) {
  return form.hasAttribute('data-quick-mood') && navigator.onLine && !form.dataset[VIA_QUEUE]
    && Boolean(document.querySelector('[data-quick-mood-card]'));
}
