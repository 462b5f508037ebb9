// The person's own safety plan inside the crisis box: the page carries it as rendered; this
// brings a page stored for offline use up to date from /api/v1/safety-plan (which the worker
// answers from its data cache offline). The crisis lines are never touched, hidden or moved.

const CRISIS_COPING = 3; // the same as journal/safety/services.CRISIS_COPING

/** Return a tel: link for a phone number as typed (digits and a leading +), or null. */
function telHref(phone) {
  const digits = (phone || '').replace(/\D/g, '');
  if (!digits) return null;
  return `tel:${phone.trim().startsWith('+') ? '+' : ''}${digits}`;
}

/** Make an element with a class and text (never HTML: the plan is the person's own words). */
function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Build the plan block as templates/_crisis_plan.html draws it. */
function planBlock(plan, link) {
  const block = element('div', 'crisis-plan');
  block.setAttribute('data-safety-plan', '');
  block.append(element('h3', '', 'Your plan'));
  const steps = plan.coping.slice(0, CRISIS_COPING);
  if (steps.length) {
    const list = element('ol', 'crisis-plan-steps');
    steps.forEach((step) => list.append(element('li', '', step)));
    block.append(list);
  }
  if (plan.helpers.length) {
    const list = element('ul', 'crisis-plan-helpers');
    list.setAttribute('aria-label', 'People you can call');
    plan.helpers.forEach((helper) => {
      const item = element('li');
      const href = telHref(helper.phone);
      if (href) {
        const call = element('a', '', `Call ${helper.name}`);
        call.href = href;
        call.append(element('span', 'phone', ` ${helper.phone}`));
        item.append(call);
      } else {
        item.textContent = helper.name;
      }
      list.append(item);
    });
    block.append(list);
  }
  const more = element('p', 'crisis-plan-link');
  const anchor = element('a', '', 'Your whole plan');
  anchor.href = link;
  more.append(anchor);
  block.append(more);
  return block;
}

/** Tell whether a plan has any entry. */
const hasContent = (plan) => Object.values(plan).some((v) => Array.isArray(v) && v.length);

/** Put the current plan into every crisis box on the page (the lines stay where they are). */
function apply(plan) {
  document.querySelectorAll('.crisis[data-plan-updated]').forEach((box) => {
    if ((plan.updated_at || '') === box.dataset.planUpdated) return;
    box.dataset.planUpdated = plan.updated_at || '';
    const link = box.dataset.planUrl;
    box.querySelector('[data-safety-plan]')?.remove();
    const invite = box.querySelector('.crisis-plan-invite');
    if (hasContent(plan)) {
      invite?.setAttribute('hidden', '');
      box.querySelector('.crisis-list').before(planBlock(plan, link));
    } else {
      invite?.removeAttribute('hidden');
    }
  });
}

/** Fetch the plan (the worker keeps a copy for offline use) and refresh the crisis boxes. */
export async function refresh() {
  const boxes = document.querySelector('.crisis[data-plan-updated]');
  const planPage = document.querySelector('[data-plan-updated-page]');
  if (!boxes && !planPage) return;
  try {
    const response = await fetch('/api/v1/safety-plan', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (!response.ok) return;
    const plan = await response.json();
    if (boxes) apply(plan);
  } catch {
    // Offline with nothing stored: the box keeps the plan it was drawn with.
  }
}
