// Exports made in the background (journal/export/runner.py): the export page's forms and links
// marked data-export-kind start a job through /api/v1/exports instead of downloading at once,
// then the section's status line (role="status") says how far it got and, when the file is
// ready, the browser downloads it without another tap (a link stays there in case it did not).
// Without JavaScript the same forms and links download directly.

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

/** Say how the job ended in the section's status line. */
function show(status, text) {
  status.replaceChildren(document.createTextNode(text));
}

/**
 * Show progress: the stage in words (announced when it changes) and the seconds so far, which
 * are hidden from screen readers: a live region that spoke every second would drown the page.
 */
function showProgress(status, text, seconds) {
  let words = status.querySelector('[data-export-words]');
  let clock = status.querySelector('[data-export-seconds]');
  if (!words || !clock) {
    words = Object.assign(document.createElement('span'), { className: 'export-words' });
    words.dataset.exportWords = '';
    clock = Object.assign(document.createElement('span'), { className: 'export-seconds' });
    clock.dataset.exportSeconds = '';
    clock.setAttribute('aria-hidden', 'true');
    status.replaceChildren(words, ' ', clock);
  }
  if (words.textContent !== text) words.textContent = text;
  clock.textContent = `${seconds} s`;
}

/** Download the finished file without another tap (a script's click on a download link). */
function download(job) {
  const link = document.createElement('a');
  link.href = job.file_url;
  link.setAttribute('download', job.file_name);
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}

/** Say the file is downloading, with a link in case the browser held the download back. */
function offer(status, job, label) {
  const link = document.createElement('a');
  link.href = job.file_url;
  link.setAttribute('download', job.file_name);
  const size = job.file_size >= 1000 ? `${Math.round(job.file_size / 1000)} kB` : `${job.file_size} bytes`;
  link.textContent = `Download ${job.file_name}`;
  status.replaceChildren(document.createTextNode(`Your ${label} is ready (${size}) and downloading. If it does not appear: `), link);
}

/** Describe a job that is still on its way. */
function progressText(job, label) {
  if (job.state === 'queued') {
    return job.ahead ? `Waiting to make your ${label}: ${job.ahead} ahead of it…` : `Waiting to make your ${label}…`;
  }
  return `Making your ${label}… (${job.progress_text.toLowerCase()})`;
}

/** Start a job, show its progress every second, and download its file when it is ready. */
async function run(kind, parameters, status, label, button) {
  if (button) button.disabled = true;
  const started = Date.now();
  let text = `Starting your ${label}…`;
  const tick = () => showProgress(status, text, Math.round((Date.now() - started) / 1000));
  tick();
  const clock = setInterval(tick, 1000);
  try {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': await csrfToken() };
    let [code, job] = await call('/api/v1/exports', { method: 'POST', headers, body: JSON.stringify({ kind, parameters }) });
    if (code !== 202) {
      clearInterval(clock);
      const fields = Object.values(job?.error?.fields || {}).join(' ');
      show(status, `${job?.error?.message || FAILED} ${fields}`.trim());
      return;
    }
    while (job.state === 'queued' || job.state === 'running') {
      text = progressText(job, label);
      tick();
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      [code, job] = await call(job.status_url, { headers: { Accept: 'application/json' } });
      if (code !== 200) throw new Error(`HTTP ${code}`);
    }
    clearInterval(clock);
    if (job.state === 'done') {
      offer(status, job, label);
      download(job);
    } else {
      show(status, job.error || FAILED);
    }
  } catch (error) {
    show(status, `${FAILED} (${error.message})`);
  } finally {
    clearInterval(clock);
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
