// The import page, enhanced: the preview comes in place, so the chosen file stays chosen for
// the import. Without JavaScript the form posts and the page asks for the file again.

const form = document.querySelector('[data-import-form]');

/** Swap one part of the page for the same part of the server's answer. */
function swap(answer, selector) {
  const mine = form.querySelector(selector);
  const theirs = answer.querySelector(selector);
  if (mine && theirs) mine.replaceWith(theirs);
}

if (form) {
  form.addEventListener('submit', async (event) => {
    if (!event.submitter || event.submitter.value !== 'preview') return; // importing: a plain POST
    event.preventDefault();
    const body = new FormData(form);
    body.set('action', 'preview');
    event.submitter.disabled = true;
    try {
      const response = await fetch(form.getAttribute('action'), { method: 'POST', body, credentials: 'same-origin' });
      const answer = new DOMParser().parseFromString(await response.text(), 'text/html');
      swap(answer, '[data-import-errors]');
      swap(answer, '[data-import-preview]');
      swap(answer, '[data-import-confirm]');
      const reselect = form.querySelector('[data-import-reselect]');
      if (reselect) reselect.hidden = true; // the file is still chosen
      const focus = form.querySelector('#preview-title') || form.querySelector('#import-error');
      if (focus) { focus.setAttribute('tabindex', '-1'); focus.focus(); }
    } catch {
      form.submit(); // no answer: post the plain way
    } finally {
      event.submitter.disabled = false;
    }
  });
}
