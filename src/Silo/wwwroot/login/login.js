// Signs in with fetch (same origin), so the HttpOnly cookie is set by this page's own request; then goes where the
// visitor was headed. A key in the fragment (#key=…) signs in at once: fragments never reach a server or its logs.

const params = new URLSearchParams(window.location.search);
const target = (() => {
  const url = params.get('returnUrl') || '/console/';
  return url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\') ? url : '/console/';
})();

async function signIn(key) {
  const error = document.getElementById('error');
  error.hidden = true;
  const response = await fetch('/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ key }),
  });
  if (response.ok) {
    window.location.replace(target);
    return;
  }
  let problem = {};
  try {
    problem = await response.json();
  } catch {
    // No problem document: the status is all there is.
  }
  error.textContent = `${problem.title || 'Sign-in failed'} (${problem.reason || `HTTP ${response.status}`})`;
  error.hidden = false;
}

document.getElementById('returnUrl').value = target;
document.getElementById('login').addEventListener('submit', (event) => {
  event.preventDefault();
  signIn(document.getElementById('key').value.trim());
});

const fragment = new URLSearchParams(window.location.hash.slice(1));
if (fragment.get('key')) {
  const key = fragment.get('key');
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
  signIn(key);
}
