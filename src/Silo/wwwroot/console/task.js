// A task's page: accuracy per proposer version over time, the dissonance distribution, λ and budget over time, gate
// blocks, versions with lineage and production history, the newest learning cycles, rollback, and live events. Time series come from
// GET /v1/tasks/{task}/history; a silo without that route still gets a page, with series collected since it loaded.
import { drawAccuracy, drawBlocks, drawDissonance, drawLambda } from './charts.js';
import {
  ApiError, api, clearError, describeError, el, formatDateTime, formatTime, int, markUpdated, num, pct, refreshLoop, showError, taskPath, version,
} from './common.js';

const ROLES = ['proposer', 'critic'];
const MAX_POLLS = 720; // an hour of 5-second polls
const MAX_EVENTS = 20;
const CYCLES_SHOWN = 20;
const CYCLE_COLUMNS = ['Cycle', 'Trigger', 'Rows in (labeled / pseudo)', 'Role', 'Model', 'CV', 'KL plain', 'KL step', 'Step', 'Golden before → after', 'Outcome', 'Reasons', 'Duration'];

const FOLLOW_KEY = 'selfdissonance.console.follow';

const state = { task: '', polls: [], historyNote: '', refreshNow: () => {}, source: null };

export function start() {
  const task = new URLSearchParams(window.location.search).get('task') || decodeURIComponent(window.location.hash.slice(1));
  if (!task) {
    showError(new ApiError(400, 'No task given: open task.html?task=ID from the task list.', 'no_task', ''));
    return;
  }
  state.task = task;
  document.getElementById('task-id').textContent = task;
  document.title = `${task} · SelfDissonance console`;
  for (const button of document.querySelectorAll('button.rollback')) {
    button.addEventListener('click', () => rollback(button));
    button.dataset.wired = 'true';
  }
  const follow = document.getElementById('follow');
  follow.addEventListener('click', () => setFollowing(state.source === null));
  follow.disabled = false;
  state.refreshNow = refreshLoop(refresh);
  if (window.localStorage.getItem(FOLLOW_KEY) === 'on') {
    setFollowing(true);
  }
}

async function refresh() {
  const t = state.task;
  try {
    const [task, metrics, models, history, cycles] = await Promise.all([
      api(taskPath(t)), api(taskPath(t, '/metrics')), api(taskPath(t, '/models')), loadHistory(t), loadCycles(t),
    ]);
    const now = Date.now();
    state.polls.push({ at: now, lambda: metrics.lambda, budgetLeft: metrics.budgetLeft, proposer: metrics.proposer });
    if (state.polls.length > MAX_POLLS) {
      state.polls.shift();
    }
    document.body.dataset.history = history ? 'server' : 'page';
    renderSummary(task, metrics, history);
    drawAccuracy(accuracySeries(models, history));
    drawDissonance(metrics.dissonanceHistogram);
    drawLambda(trafficSeries(history));
    drawBlocks(metrics.blockedByReason);
    for (const role of ROLES) {
      renderRole(role, models[role]);
    }
    renderCycles(cycles);
    clearError();
    markUpdated();
  } catch (error) {
    showError(error);
  }
}

/** The server's history, or null (and a note why) when this silo has no such route or it failed: the page degrades. */
async function loadHistory(t) {
  try {
    const history = await api(taskPath(t, '/history'));
    state.historyNote = '';
    return history;
  } catch (error) {
    state.historyNote = error instanceof ApiError ? `${error.reason}, HTTP ${error.status}` : describeError(error);
    return null;
  }
}

/** The newest cycles, or the reason they could not be read (a silo without the route): the rest of the page still shows. */
async function loadCycles(t) {
  try {
    return await api(taskPath(t, `/cycles?limit=${CYCLES_SHOWN}`));
  } catch (error) {
    return { error: error instanceof ApiError ? `${error.reason}, HTTP ${error.status}` : describeError(error) };
  }
}

function renderCycles(page) {
  const table = document.getElementById('cycles');
  const caption = table.querySelector('caption');
  const rows = page.error
    ? [el('tr', {}, el('td', { colspan: CYCLE_COLUMNS.length }, `Cycles are not available: ${page.error}.`))]
    : page.cycles.length === 0
      ? [el('tr', {}, el('td', { colspan: CYCLE_COLUMNS.length }, 'No learning cycles yet.'))]
      : page.cycles.flatMap(cycleRows);
  table.replaceChildren(caption, el('thead', {}, row('th', CYCLE_COLUMNS)), el('tbody', {}, ...rows));
}

/** A row per candidate of the cycle (one without a candidate when none was trained); the cycle's own cells span them. */
function cycleRows(c) {
  const candidates = [c.proposer, c.critic].filter((x) => x);
  const span = Math.max(1, candidates.length);
  const shared = (cells) => cells.map(([value, cls]) => el('td', { rowspan: span, class: cls ?? null }, value));
  const lead = shared([[int(c.cycle), 'num'], [c.trigger], [`${int(c.newLabeledRows)} / ${int(c.newPseudoCandidates)}`, 'num']]);
  const tail = shared([[`${int(Math.round(c.durationMs))} ms`, 'num']]);
  const attributes = (i) => ({ class: `cycle ${c.outcome}`, 'data-cycle': c.cycle, 'data-outcome': c.outcome, 'data-first': i === 0 ? 'true' : null });
  if (candidates.length === 0) {
    return [el('tr', attributes(0), ...lead, ...['—', '—', '—', '—', '—', '—', '—'].map((v) => el('td', {}, v)),
      el('td', {}, c.outcome), el('td', {}, c.reasons.join(', ') || '—'), ...tail)];
  }
  return candidates.map((k, i) => el('tr', { ...attributes(i), 'data-role': k.role },
    ...(i === 0 ? lead : []),
    el('td', {}, k.role),
    el('td', {}, k.trainer ?? '—'),
    el('td', { class: 'num' }, pct(k.cvAccuracy)),
    el('td', { class: 'num' }, num(k.plainKl, 4)),
    el('td', { class: 'num' }, num(k.klFromProduction, 4)),
    el('td', { class: 'num' }, num(k.step, 3)),
    el('td', { class: 'num' }, `${pct(k.productionGoldenAccuracy)} → ${pct(k.goldenAccuracy)}`),
    el('td', {}, k.version ? `${k.outcome} (${version(k.version)})` : k.outcome),
    el('td', {}, k.reasons.join(', ') || '—'),
    ...(i === 0 ? tail : [])));
}

/** Per proposer version: golden and live accuracy points. Rejected candidates never served, so they are not drawn. */
function accuracySeries(models, history) {
  const byVersion = new Map(models.proposer.versions.filter((v) => v.stage !== 'rejected').map((v) => [v.version, { version: v.version, golden: [], live: [] }]));
  const add = (v, x, golden, liveAccuracy) => {
    const series = byVersion.get(v);
    if (!series) {
      return;
    }
    series.golden.push({ x, y: golden });
    if (liveAccuracy !== null && liveAccuracy !== undefined) {
      series.live.push({ x, y: liveAccuracy });
    }
  };
  // Golden accuracy is fixed when a version is registered, so every golden line starts at `created`, also for versions
  // older than the server's history (it is sampled from when the silo started).
  for (const v of models.proposer.versions) {
    add(v.version, Date.parse(v.created), v.goldenAccuracy, null);
  }
  if (history) {
    for (const s of history.accuracy.filter((a) => a.role === 'proposer')) {
      add(s.version, Date.parse(s.at), s.goldenAccuracy, s.liveAccuracy);
    }
  }
  // Polls extend every series to now: all of them without history (live accuracy since the page loaded), the latest
  // one with it.
  for (const poll of history ? state.polls.slice(-1) : state.polls) {
    for (const v of poll.proposer) {
      add(v.version, poll.at, v.goldenAccuracy, v.liveAccuracy);
    }
  }
  const byX = (a, b) => a.x - b.x;
  return [...byVersion.values()].sort((a, b) => a.version - b.version).map((s) => ({ ...s, golden: s.golden.sort(byX), live: s.live.sort(byX) }));
}

function trafficSeries(history) {
  const polls = state.polls.map((p) => ({ x: p.at, lambda: p.lambda, budgetLeft: p.budgetLeft }));
  if (!history || history.traffic.length === 0) {
    return polls;
  }
  return [...history.traffic.map((s) => ({ x: Date.parse(s.at), lambda: s.lambda, budgetLeft: s.budgetLeft })), polls[polls.length - 1]]
    .sort((a, b) => a.x - b.x);
}

function renderSummary(task, metrics, history) {
  const blocked = Object.values(metrics.blockedByReason || {}).reduce((a, b) => a + b, 0);
  const production = task.production;
  const items = [
    ['Episodes', int(metrics.episodes)],
    ['Learnable', int(metrics.learnable)],
    ['Blocked by the gate', int(blocked)],
    ['Mean d', num(metrics.meanDissonance)],
    ['λ', num(metrics.lambda, 4)],
    ['Budget left', `${int(metrics.budgetLeft)} / ${int(metrics.budgetPerHour)}`],
    ['Proposer', `${version(production.proposer)}${production.proposerCanary ? ` (canary ${version(production.proposerCanary)})` : ''}`],
    ['Critic', version(production.critic)],
    ['Golden rows', int(task.goldenRows)],
    ['Learning cycles', int(metrics.learner.cycles)],
    ['Pending labeled', int(metrics.learner.pendingLabeled)],
    ['Time series', history ? 'server history' : `since page load (history: ${state.historyNote})`],
  ];
  document.getElementById('summary').replaceChildren(...items.map(([k, v]) => el('div', {}, el('dt', {}, k), el('dd', {}, v))));
}

function renderRole(role, models) {
  const byVersion = new Map(models.versions.map((v) => [v.version, v]));
  const chain = [];
  for (let v = models.production; v !== null && v !== undefined && !chain.includes(v); v = byVersion.get(v)?.parent) {
    chain.unshift(v);
  }
  document.getElementById(`lineage-${role}`).textContent = chain.length > 0
    ? `Production lineage: ${chain.map(version).join(' → ')}${models.canary ? `; canary ${version(models.canary)}` : ''}`
    : 'No production version yet.';

  const button = document.querySelector(`button.rollback[data-role="${role}"]`);
  button.disabled = models.production === null || models.production === undefined;
  button.dataset.production = models.production ?? '';

  const versions = document.getElementById(`versions-${role}`);
  const caption = versions.querySelector('caption');
  versions.replaceChildren(caption,
    el('thead', {}, row('th', ['Version', 'Stage', 'Parent', 'Golden', 'Live (samples)', 'KL from parent', 'Rows (labeled / pseudo / anchor)', 'Cycle', 'Created'])),
    el('tbody', {}, ...[...models.versions].reverse().map((v) => versionRow(v, models))));

  const history = document.getElementById(`history-${role}`);
  const historyCaption = history.querySelector('caption');
  const changes = [...models.history].reverse();
  history.replaceChildren(historyCaption,
    el('thead', {}, row('th', ['Revision', 'At', 'Action', 'From → to', 'By', 'Reason'])),
    el('tbody', {}, ...(changes.length > 0
      ? changes.map((c) => row('td', [int(c.revision), formatDateTime(c.at), c.action, `${version(c.from)} → ${version(c.to)}`, c.by, c.reason]))
      : [el('tr', {}, el('td', { colspan: 6 }, 'No production changes yet.'))])));
}

function versionRow(v, models) {
  const production = v.version === models.production;
  const canary = v.version === models.canary;
  const marker = production ? el('span', { class: 'marker', title: 'serving now' }, 'production')
    : canary ? el('span', { class: 'marker canary', title: 'serving a share of traffic' }, 'canary') : null;
  return el('tr', { class: `${v.stage}${production ? ' production' : ''}`, 'data-version': v.version, 'data-stage': v.stage, 'data-production': production ? 'true' : null },
    el('th', { scope: 'row' }, version(v.version), marker),
    el('td', {}, v.stage),
    el('td', {}, version(v.parent)),
    el('td', { class: 'num' }, pct(v.goldenAccuracy)),
    el('td', { class: 'num' }, `${pct(v.liveAccuracy)} (${int(v.liveSamples)})`),
    el('td', { class: 'num' }, num(v.klFromParent, 4)),
    el('td', { class: 'num' }, `${int(v.rows)} / ${int(v.pseudoRows)} / ${int(v.anchorRows)}`),
    el('td', { class: 'num' }, int(v.cycle)),
    el('td', {}, formatDateTime(v.created)));
}

const row = (cell, values) => el('tr', {}, ...values.map((value) => el(cell, cell === 'th' ? { scope: 'col' } : {}, value)));

async function rollback(button) {
  const role = button.dataset.role;
  if (!ROLES.includes(role)) {
    return;
  }
  const from = button.dataset.production ? `v${button.dataset.production}` : 'its production version';
  if (!window.confirm(`Roll back the ${role} of task "${state.task}" from ${from}?\n\nProduction moves to the version that was production before it, on every silo.`)) {
    return;
  }
  const result = document.getElementById('rollback-result');
  button.disabled = true;
  try {
    const answer = await api(taskPath(state.task, `/models/${role}/rollback?reason=${encodeURIComponent('rollback from the task console')}`), { method: 'POST' });
    result.className = 'banner';
    result.textContent = `Rolled back the ${role}: ${version(answer.from)} → ${version(answer.production.version)}.`;
  } catch (error) {
    result.className = 'banner error';
    result.textContent = `Rollback of the ${role} failed: ${describeError(error)}`;
  }
  result.hidden = false;
  state.refreshNow();
}

/**
 * Live events on demand, not by default: an open stream holds one of the browser's six HTTP/1.1 connections to the
 * silo for as long as the tab is open (a few console tabs would starve each other), and it never lets a headless
 * browser's virtual clock run out. The choice is remembered in this browser.
 */
function setFollowing(on) {
  const button = document.getElementById('follow');
  const status = document.getElementById('events-status');
  window.localStorage.setItem(FOLLOW_KEY, on ? 'on' : 'off');
  button.setAttribute('aria-pressed', String(on));
  button.textContent = on ? 'Stop following' : 'Follow live events';
  if (!on) {
    state.source?.close();
    state.source = null;
    status.textContent = 'Off.';
    return;
  }
  if (!('EventSource' in window)) {
    status.textContent = 'This browser has no EventSource: live events are not available.';
    return;
  }
  const source = new EventSource(taskPath(state.task, '/events'));
  state.source = source;
  status.textContent = 'Connecting…';
  source.onopen = () => {
    status.textContent = `Connected: the last ${MAX_EVENTS} events, newest first, as they happen.`;
  };
  source.onerror = () => {
    status.textContent = source.readyState === EventSource.CLOSED
      ? `Live events are not available from this silo (GET ${taskPath(state.task, '/events')}).`
      : 'Reconnecting…';
  };
  let pendingRefresh = null;
  for (const kind of ['episode', 'promotion', 'rollback', 'cycle', 'drift']) {
    source.addEventListener(kind, (message) => {
      showEvent(kind, message.data);
      // A new production version or a finished cycle changes the charts and tables: refresh soon, once.
      if (kind !== 'episode' && pendingRefresh === null) {
        pendingRefresh = setTimeout(() => {
          pendingRefresh = null;
          state.refreshNow();
        }, 500);
      }
    });
  }
}

function showEvent(kind, data) {
  let event;
  try {
    event = JSON.parse(data);
  } catch {
    return;
  }
  const list = document.getElementById('events');
  const at = Date.parse(event.at);
  list.prepend(el('li', { 'data-kind': kind },
    el('time', { datetime: event.at }, Number.isFinite(at) ? formatTime(at) : ''), ' ',
    el('span', { class: `kind kind-${kind}` }, kind), ' ',
    describeEvent(kind, event)));
  while (list.children.length > MAX_EVENTS) {
    list.lastElementChild.remove();
  }
}

function describeEvent(kind, event) {
  if (kind === 'episode' && event.episode) {
    const e = event.episode;
    const verdict = e.learnable ? 'learnable' : `blocked: ${e.reasons.join(', ')}`;
    return `${e.id}: ${e.prediction} (critic ${e.criticLabel}), d=${num(e.dissonance)}, ${verdict}, ${version(e.proposerVersion)}${e.canary ? ' canary' : ''}`;
  }
  if ((kind === 'promotion' || kind === 'rollback') && event.model) {
    const m = event.model;
    return `${m.role} ${m.action}: ${version(m.from)} → ${version(m.to)} by ${m.by} (${m.reason})`;
  }
  if (kind === 'cycle' && event.cycle) {
    const c = event.cycle;
    return `cycle ${c.cycle} (${c.trigger}): ${c.outcome}${c.reasons.length ? ` [${c.reasons.join(', ')}]` : ''}, λ=${num(c.lambda, 4)}`;
  }
  if (kind === 'drift' && event.drift) {
    const d = event.drift;
    return `drift alarm ${d.alarms} at ${d.labeledRows} labeled rows: the proposer's error rose; earlier rows now weigh ×${num(d.preDriftWeight, 2)}, a cycle started`;
  }
  return kind;
}
