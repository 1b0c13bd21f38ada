// Helpers shared by the console's pages: API calls, the error banner, formatting, DOM building (textContent only,
// so nothing from the API is ever parsed as HTML).

export const REFRESH_MS = 5000;

/** An API answer other than 2xx, with the problem+json fields the gateway always sends. */
export class ApiError extends Error {
  constructor(status, title, reason, detail) {
    super(`${title} (${reason})`);
    this.status = status;
    this.title = title;
    this.reason = reason;
    this.detail = detail;
  }

  static async from(response) {
    let problem = {};
    try {
      problem = await response.json();
    } catch {
      // Not JSON (a proxy's error page, say): the status line is all there is.
    }
    return new ApiError(response.status, problem.title || response.statusText || 'Request failed', problem.reason || `http_${response.status}`, problem.detail || '');
  }
}

export async function api(path, init = {}) {
  const response = await fetch(path, { cache: 'no-store', ...init, headers: { accept: 'application/json', ...(init.headers || {}) } });
  if (response.status === 401) {
    // Not signed in, or the key was revoked: sign in again and come back here.
    window.location.assign(`/login/?returnUrl=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
  if (!response.ok) {
    throw await ApiError.from(response);
  }
  return response.json();
}

export const taskPath = (task, rest = '') => `/v1/tasks/${encodeURIComponent(task)}${rest}`;

export function describeError(error) {
  if (error instanceof ApiError) {
    return `${error.title} (${error.reason}, HTTP ${error.status})${error.detail ? ` ${error.detail}` : ''}`;
  }
  return `The silo did not answer: ${error && error.message ? error.message : error}`;
}

export function showError(error) {
  const banner = document.getElementById('error');
  banner.textContent = describeError(error);
  banner.hidden = false;
}

export function clearError() {
  document.getElementById('error').hidden = true;
}

export function markUpdated() {
  document.getElementById('updated').textContent = `Updated ${formatTime(Date.now())}; refreshes every ${REFRESH_MS / 1000} s.`;
}

export const pct = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
export const num = (x, digits = 3) => (x === null || x === undefined ? '—' : Number(x).toFixed(digits));
export const int = (x) => (x === null || x === undefined ? '—' : Number(x).toLocaleString('en-US'));
export const version = (v) => (v === null || v === undefined ? '—' : `v${v}`);

export function formatTime(ms) {
  return new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function formatDateTime(iso) {
  const d = new Date(iso);
  return `${d.toLocaleDateString('en-CA')} ${formatTime(d.getTime())}`;
}

/** el('td', {class: 'num'}, 'text', child, ...): attributes set as attributes, children as text or nodes. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

/**
 * Runs refresh now and again REFRESH_MS after each run finishes, so a slow silo never piles requests up (and a
 * headless browser's virtual clock never starves on a timer that fires faster than the fetches complete). The returned
 * function asks for a run now; asked during a run, it runs once more right after.
 */
export function refreshLoop(refresh) {
  let timer = null;
  let running = false;
  let again = false;
  const run = async () => {
    clearTimeout(timer);
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await refresh();
    } finally {
      running = false;
      timer = setTimeout(run, again ? 0 : REFRESH_MS);
      again = false;
    }
  };
  run();
  return run;
}
