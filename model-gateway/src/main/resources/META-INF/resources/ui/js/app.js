// Boot, sign-in and the hash router (#/keys, #/spend, ...). The key never goes in the address.
import { call, whenUnauthorized } from './api.js';
import { forgetKey, saveKey, savedKey } from './session.js';
import { h, notice } from './dom.js';
import * as keys from './pages/keys.js';
import * as teams from './pages/teams.js';
import * as customers from './pages/customers.js';
import * as spend from './pages/spend.js';
import * as logs from './pages/logs.js';
import * as models from './pages/models.js';

const PAGES = { keys, teams, customers, spend, logs, models };
const $ = (id) => document.getElementById(id);

function showSignIn(message) {
  $('nav').hidden = true;
  $('sign-out').hidden = true;
  $('view').replaceChildren();
  $('sign-in').hidden = false;
  const error = $('sign-in-error');
  error.hidden = !message;
  error.textContent = message || '';
  $('master-key').focus();
}

function signOut(message) {
  forgetKey();
  showSignIn(message);
}

/** A key is accepted when the gateway answers a master-key-only route with it. */
async function check(key) {
  await call('GET', '/model/state', { key });
}

async function signIn(event) {
  event.preventDefault();
  const key = $('master-key').value.trim();
  const button = event.submitter || $('sign-in-form').querySelector('button');
  button.disabled = true;
  try {
    await check(key);
    saveKey(key, $('remember').checked);
    $('master-key').value = '';
    enter();
  } catch (e) {
    showSignIn(e.status === 401 || e.status === 403
      ? 'That key was refused: it is not this gateway\'s master key.'
      : e.message);
  } finally {
    button.disabled = false;
  }
}

function enter() {
  $('sign-in').hidden = true;
  $('nav').hidden = false;
  $('sign-out').hidden = false;
  if (!location.hash || !PAGES[location.hash.slice(2).split('?')[0]]) {
    location.hash = '#/keys';
  } else {
    route();
  }
}

let renderSeq = 0;

async function route() {
  if (!savedKey()) {
    showSignIn();
    return;
  }
  const name = location.hash.slice(2).split('?')[0] || 'keys';
  const page = PAGES[name];
  for (const a of $('nav').querySelectorAll('a')) {
    if (a.getAttribute('href') === `#/${name}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const view = $('view');
  const seq = ++renderSeq;
  if (!page) {
    view.replaceChildren(notice('error', 'No such page', 'Pick one of the links above.'));
    return;
  }
  const container = h('section.page', { 'aria-busy': 'true' }, h('p.muted', 'Loading…'));
  view.replaceChildren(container);
  document.title = `${page.title} · model-gateway admin`;
  // the new page's content is where keyboard and screen-reader users continue (not the link or button they left)
  $('main').focus({ preventScroll: true });
  try {
    const content = await page.render();
    if (seq === renderSeq) container.replaceChildren(content);
  } catch (e) {
    if (seq === renderSeq) container.replaceChildren(h('h1', page.title), notice('error', 'Could not load this page', e.message));
  } finally {
    container.removeAttribute('aria-busy');
    if (seq === renderSeq) container.dataset.ready = 'true';
  }
}

whenUnauthorized(() => signOut('The gateway refused the saved key (401). Sign in again.'));
$('sign-in-form').addEventListener('submit', signIn);
$('sign-out').addEventListener('click', () => {
  signOut();
  history.replaceState(null, '', location.pathname);
});
window.addEventListener('hashchange', route);
// the link of the page shown reloads it (no hashchange then): the way to see new spend or calls
$('nav').addEventListener('click', (e) => {
  const a = e.target.closest('a');
  if (a && a.getAttribute('href') === location.hash) {
    e.preventDefault();
    route();
  }
});
if (savedKey()) enter();
else showSignIn();
