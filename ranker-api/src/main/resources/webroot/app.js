// The ranker's page: recommendations for a user, live features, and real click events.
// Plain browser JavaScript, no build step; every value from the API is written with textContent, never as HTML.
'use strict';

const SUGGESTED_USERS = ['u1', 'u2', 'u3', 'u4', 'u5'];
const REFRESH_AFTER_CLICK_MS = 1500;
const AUTO_REFRESH_MS = 2000;

const state = {
  userId: null,
  k: 10,
  list: null,          // the last recommendations response
  selectedItem: null,  // item id whose features are shown
  listSeq: 0,          // ignore responses that a newer request has overtaken
  featureSeq: 0,
  shownFeatures: {},   // panel id -> {name: rendered value}, to mark what changed since the last refresh
  autoTimer: null,
  refreshing: false,
};

const $ = (id) => document.getElementById(id);

/** An error answer of the API ({error, message}) or a failure to reach it. */
class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(path, options) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (e) {
    throw new ApiError(0, 'network_error', 'cannot reach the API: ' + e.message);
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (e) {
    body = null;
  }
  if (!response.ok) {
    const code = body && body.error ? body.error : 'http_' + response.status;
    const message = body && body.message ? body.message : text || response.statusText;
    throw new ApiError(response.status, code, message);
  }
  return {status: response.status, body};
}

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name === 'class') {
      node.className = value;
    } else if (name.startsWith('on')) {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value);
    }
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(child == null ? '' : String(child)));
  }
  return node;
}

function format(value) {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? String(value) : value.toFixed(4);
  }
  if (value === null || value === undefined) {
    return '—';
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function showError(error, context) {
  const box = $('error');
  const status = error.status ? ' (HTTP ' + error.status + ')' : '';
  box.textContent = context + ' failed' + status + ': ' + (error.code || 'error') + ' — ' + error.message;
  box.hidden = false;
}

function clearError() {
  $('error').hidden = true;
  $('error').textContent = '';
}

function notice(text) {
  $('notice').textContent = text;
  $('notice').hidden = false;
}

// ---- recommendations ----

async function loadList() {
  if (!state.userId) {
    return;
  }
  const seq = ++state.listSeq;
  const query = new URLSearchParams({user_id: state.userId, k: String(state.k), explain: 'true'});
  try {
    const {body} = await api('/v1/recommendations?' + query);
    if (seq !== state.listSeq) {
      return;
    }
    state.list = body;
    clearError();
    renderList(body);
  } catch (e) {
    if (seq === state.listSeq) {
      showError(e, 'GET /v1/recommendations');
    }
    return;
  }
  await loadFeatures();
}

function renderList(list) {
  $('summary').hidden = false;
  $('summary-user').textContent = list.user_id;
  $('model-version').textContent = list.model_version;
  $('experiment-arm').textContent = list.experiment_arm;
  const degraded = $('degraded');
  degraded.textContent = list.degraded
    ? 'yes' + (list.degraded_reasons ? ' (' + list.degraded_reasons.join('; ') + ')' : '')
    : 'no';
  degraded.className = list.degraded ? 'yes' : '';
  $('request-id').textContent = list.request_id;
  $('candidates').textContent = Object.entries(list.candidates || {})
    .map(([stage, count]) => stage + ' ' + count).join(' · ');
  $('updated-at').textContent = new Date().toLocaleTimeString();

  const rows = $('rec-rows');
  rows.replaceChildren(...list.items.map((item) => el('tr', {
      'data-testid': 'rec-row',
      'data-item-id': item.item_id,
      class: item.item_id === state.selectedItem ? 'selected' : '',
      onclick: () => select(item.item_id),
    },
    el('td', {class: 'num'}, item.position),
    el('td', {class: 'mono', 'data-testid': 'rec-item'}, item.item_id),
    el('td', {'data-testid': 'rec-category'}, item.category == null ? '—' : item.category),
    el('td', {class: 'num', 'data-testid': 'rec-score'}, format(item.score)),
    el('td', {class: 'source'}, item.source),
    el('td', {}, el('button', {
      type: 'button',
      class: 'click',
      'data-testid': 'click-button',
      'data-item-id': item.item_id,
      onclick: (event) => {
        event.stopPropagation();
        sendClick(item);
      },
    }, 'click')))));
  $('recs').hidden = list.items.length === 0;
  $('empty').hidden = list.items.length > 0;
  $('empty').textContent = 'No items for this user.';
  renderExplain();
}

function select(itemId) {
  state.selectedItem = itemId;
  for (const row of $('rec-rows').children) {
    row.classList.toggle('selected', row.dataset.itemId === itemId);
  }
  renderExplain();
  loadFeatures();
}

function renderExplain() {
  const target = $('item-explain');
  const item = state.list && state.list.items.find((i) => i.item_id === state.selectedItem);
  if (!item || !item.explain) {
    target.replaceChildren();
    return;
  }
  const scores = ['retrieval_score', 'gbdt_score', 'rerank_score', 'final_score']
    .filter((name) => name in item.explain)
    .map((name) => name.replace('_score', '') + ' ' + format(item.explain[name]));
  const top = Object.entries(item.explain.top_features || {})
    .map(([name, value]) => name + '=' + format(value));
  target.replaceChildren(
    el('p', {class: 'mono'}, 'scores: ' + scores.join(' · ')),
    el('p', {class: 'mono'}, 'top features: ' + (top.length ? top.join(', ') : '—')));
}

// ---- features ----

async function loadFeatures() {
  const seq = ++state.featureSeq;
  const reads = [];
  if (state.selectedItem) {
    $('item-title').textContent = state.selectedItem;
    reads.push(readFeatures('item:' + state.selectedItem, 'item-features', seq));
  }
  if (state.userId) {
    $('user-title').textContent = state.userId;
    reads.push(readFeatures('user:' + state.userId, 'user-features', seq));
  }
  await Promise.all(reads);
}

async function readFeatures(entity, panelId, seq) {
  try {
    const {body} = await api('/v1/features/' + encodeURIComponent(entity));
    if (seq === state.featureSeq) {
      renderFeatures(panelId, body);
    }
  } catch (e) {
    if (seq === state.featureSeq) {
      showError(e, 'GET /v1/features/' + entity);
    }
  }
}

function renderFeatures(panelId, vector) {
  const previous = state.shownFeatures[panelId + ':' + vector.entity] || {};
  const shown = {};
  const rows = Object.entries(vector.features || {}).sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => {
    const text = format(value);
    shown[name] = text;
    const changed = name in previous && previous[name] !== text;
    return el('tr', {'data-feature': name, class: changed ? 'changed' : ''},
      el('td', {}, name), el('td', {class: 'num', 'data-testid': 'feature-value'}, text));
  });
  state.shownFeatures = {...state.shownFeatures, [panelId + ':' + vector.entity]: shown};
  $(panelId).replaceChildren(
    el('p', {class: 'muted'}, vector.entity + ' as of ' + new Date(vector.at).toLocaleTimeString()),
    el('table', {class: 'features'}, el('tbody', {}, ...rows)));
}

// ---- click events ----

function newEventId() {
  const random = window.crypto && crypto.randomUUID ? crypto.randomUUID()
    : Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12);
  return 'web-' + random;
}

async function sendClick(item) {
  const list = state.list;
  const event = {
    v: 1,
    event_id: newEventId(),
    type: 'click',
    request_id: list.request_id,
    user_id: list.user_id,
    item_id: item.item_id,
    surface: 'web',
    model_version: list.model_version,
    arm: list.experiment_arm,
    event_time: new Date().toISOString(),
  };
  if (state.selectedItem !== item.item_id) {
    select(item.item_id);
  }
  try {
    const {status, body} = await api('/v1/events', {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify(event),
    });
    const accepted = 'click on ' + item.item_id + ' accepted (' + status + ', ' + (body && body.accepted)
      + ' event) at ' + new Date().toLocaleTimeString();
    notice(accepted + ' — refreshing in ' + REFRESH_AFTER_CLICK_MS / 1000 + ' s');
    setTimeout(async () => {
      await refresh();
      notice(accepted + ' — list and features refreshed at ' + new Date().toLocaleTimeString());
    }, REFRESH_AFTER_CLICK_MS);
  } catch (e) {
    showError(e, 'POST /v1/events');
  }
}

// ---- refreshing ----

async function refresh() {
  if (state.refreshing) {
    return;
  }
  state.refreshing = true;
  try {
    await loadList();
  } finally {
    state.refreshing = false;
  }
}

function setAutoRefresh(on) {
  clearInterval(state.autoTimer);
  state.autoTimer = on ? setInterval(refresh, AUTO_REFRESH_MS) : null;
}

function useUser(userId) {
  const id = userId.trim();
  $('user-id').value = id;
  if (!id) {
    showError(new ApiError(0, 'bad_request', 'type a user id first'), 'Recommend');
    return;
  }
  if (id !== state.userId) {
    state.selectedItem = null;
    $('item-title').textContent = '(select a row)';
    $('item-features').replaceChildren();
    $('item-explain').replaceChildren();
  }
  state.userId = id;
  state.k = Number($('k').value);
  history.replaceState(null, '', '?' + new URLSearchParams({user_id: id, k: String(state.k)}));
  loadList();
}

function init() {
  $('suggestions').replaceChildren(...SUGGESTED_USERS.map((id) => el('button', {
    type: 'button',
    class: 'chip',
    'data-testid': 'suggest-' + id,
    onclick: () => useUser(id),
  }, id)));
  $('new-user').addEventListener('click', () => useUser('new-' + Math.random().toString(36).slice(2, 8)));
  $('controls').addEventListener('submit', (event) => {
    event.preventDefault();
    useUser($('user-id').value);
  });
  $('k').addEventListener('change', () => state.userId && useUser(state.userId));
  $('auto-refresh').addEventListener('change', (event) => setAutoRefresh(event.target.checked));

  const params = new URLSearchParams(location.search);
  const k = params.get('k');
  if (k && /^[0-9]+$/.test(k)) {
    if (![...$('k').options].some((option) => option.value === k)) {
      $('k').append(el('option', {}, k));
    }
    $('k').value = k;
  }
  if (params.get('user_id')) {
    useUser(params.get('user_id'));
  }
}

init();
