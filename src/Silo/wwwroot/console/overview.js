// The overview: one row per task with its traffic and what it serves, each linking to the task's page.
import { api, clearError, el, int, markUpdated, num, pct, refreshLoop, showError, taskPath, version } from './common.js';

export function start() {
  refreshLoop(refresh);
}

async function refresh() {
  try {
    const { tasks } = await api('/v1/tasks');
    const rows = await Promise.all(tasks.map(load));
    render(rows);
    clearError();
    markUpdated();
    document.body.dataset.ready = 'true';
  } catch (error) {
    showError(error);
  }
}

async function load(id) {
  const [task, metrics] = await Promise.all([api(taskPath(id)), api(taskPath(id, '/metrics'))]);
  const production = (metrics.proposer || []).find((v) => v.version === task.production.proposer);
  return { task, metrics, production };
}

function render(rows) {
  const body = document.querySelector('#tasks tbody');
  body.replaceChildren(...rows.map(({ task, metrics, production }) => el('tr', { 'data-task': task.id },
    el('th', { scope: 'row' }, el('a', { href: `task.html?task=${encodeURIComponent(task.id)}` }, task.id)),
    el('td', {}, task.bootstrapped ? 'yes' : 'no'),
    el('td', { class: 'num' }, int(metrics.episodes)),
    el('td', { class: 'num' }, int(metrics.learnable)),
    el('td', { class: 'num' }, num(metrics.meanDissonance)),
    el('td', {}, version(task.production.proposer), task.production.proposerCanary ? ` (canary ${version(task.production.proposerCanary)})` : ''),
    el('td', { class: 'num' }, pct(production?.goldenAccuracy)),
    el('td', { class: 'num' }, pct(production?.liveAccuracy)),
    el('td', {}, version(task.production.critic)))));
  document.getElementById('empty').hidden = rows.length > 0;
}
