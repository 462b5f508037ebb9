// Exports made in the background (journal/export/runner.py): the export page's forms and links
// marked data-export-kind start a job through /api/v1/exports instead of downloading at once,
// then the section's status line (role="status") says how far it got and offers the file as a
// link when it is ready. Without JavaScript the same forms and links download directly.

const POLL_MS = 1000;
const FAILED = 'The export could not be made; try again.';

/** Return a CSRF token for the API. */
async function csrfToken() {
  const answer = await fetch('/api/v1/csrf', { credentials: 'same-origin', cache: 'no-store' });
  return (await answer.json()).csrf_token;
}

/** Ask the API for something; return [status, body]. */
async function call(url, options = {}) {
  const answer = await fetch(url, { credentials: 'same-origin', cache: 'no-store', ...options });
  return [answer.status, await answer.json().catch(() => ({}))];
}

/** Say what the job is doing in the section's status line ("Making your report... 40 %"). */
function show(status, text) {
  status.replaceChildren(document.createTextNode(text));
}

/** Offer the finished file as a link (a link works with the keyboard and a screen reader). */
function offer(status, job, label) {
  const link = document.createElement('a');
  link.href = job.file_url;
  link.setAttribute('download', job.file_name);
  link.className = 'button primary';
  const size = job.file_size >= 1000 ? `${Math.round(job.file_size / 1000)} kB` : `${job.file_size} bytes`;
  link.textContent = `Download ${job.file_name}`;
  status.replaceChildren(document.createTextNode(`Your ${label} is ready (${size}). `), link);
}

/** Describe a job that is still on its way. */
function progressText(job, label) {
  if (job.state === 'queued') {
    return job.ahead ? `Waiting to make your ${label}: ${job.ahead} ahead of it...` : `Waiting to make your ${label}...`;
  }
  return `Making your ${label}... ${job.progress} % (${job.progress_text.toLowerCase()})`;
}

/** Start a job and follow it until its file is ready or it failed. */
async function run(kind, parameters, status, label, button) {
  if (button) button.disabled = true;
  show(status, `Starting your ${label}...`);
  try {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': await csrfToken() };
    let [code, job] = await call('/api/v1/exports', { method: 'POST', headers, body: JSON.stringify({ kind, parameters }) });
    if (code !== 202) {
      const fields = Object.values(job?.error?.fields || {}).join(' ');
      show(status, `${job?.error?.message || FAILED} ${fields}`.trim());
      return;
    }
    while (job.state === 'queued' || job.state === 'running') {
      show(status, progressText(job, label));
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      [code, job] = await call(job.status_url, { headers: { Accept: 'application/json' } });
      if (code !== 200) throw new Error(`HTTP ${code}`);
    }
    if (job.state === 'done') offer(status, job, label);
    else show(status, job.error || FAILED);
  } catch (error) {
    show(status, `${FAILED} (${error.message})`);
  } finally {
    if (button) button.disabled = false;
  }
}

/** Return a form's fields as text parameters, leaving out empty ones and `skip`. */
function formParameters(form, skip) {
  const parameters = {};
  new FormData(form).forEach((value, key) => {
    if (!skip.includes(key) && value !== '') parameters[key] = String(value);
  });
  return parameters;
}

/** Wire the page: each marked form's submit button and each marked link start a job. */
function wire() {
  document.querySelectorAll('form[data-export-kind]').forEach((form) => {
    const status = form.closest('section').querySelector('[data-export-status]');
    form.addEventListener('submit', (event) => {
      // Only the form's own submit: other buttons (formaction) still open their page.
      if (event.submitter && event.submitter.hasAttribute('formaction')) return;
      event.preventDefault();
      const kindField = form.dataset.exportKindField;
      const kind = kindField ? form.elements[kindField].value : form.dataset.exportKind;
      const skip = kindField ? [kindField] : [];
      run(kind, formParameters(form, skip), status, form.dataset.exportLabel, event.submitter);
    });
  });
  document.querySelectorAll('a[data-export-kind]').forEach((link) => {
    const status = link.closest('section').querySelector('[data-export-status]');
    link.addEventListener('click', (event) => {
      event.preventDefault();
      run(link.dataset.exportKind, {}, status, link.dataset.exportLabel, null);
    });
  });
}

wire();
