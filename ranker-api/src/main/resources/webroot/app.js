// The ranker's page: the system live (charts), recommendations for a user with why each item is there, live
// features, an item's history and rank, and real click events.
// Plain browser JavaScript and uPlot (served from its webjar), no build step; every value from the API is written
// with textContent, never as HTML.
'use strict';

const REFRESH_AFTER_CLICK_MS = 1500;
const AUTO_REFRESH_MS = 2000;
const LIVE_REFRESH_MS = 1000;
const QUICK_PICKS_REFRESH_MS = 10000;
const QUICK_PICKS = 5;
const LOOP_REFRESH_MS = 5000;
const LOOP_DECISIONS = 8;
const ITEM_REFRESH_MS = 2000;
const ITEM_HISTORY_MINUTES = 5;
const FRESH_USER_K = 200;
const RANK_SAMPLES_KEPT = 150;
const COLORS = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bc4c00', '#1b7c83', '#bf3989', '#6e7781'];
const SOURCE_REASONS = {
  ann: 'near what the user interacted with',
  trending: 'trending now',
  catalogue: 'from the catalogue (little is trending)',
};

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
  charts: {},          // chart id -> {plot, keys}: the uPlot instance and the series it was built for
  itemTimer: null,
  itemSeq: 0,
  rankSamples: {t: [], rank: []},
  // a user that never clicks stays without history; its lists are not published as impressions
  freshUserId: 'page-fresh-' + Math.random().toString(36).slice(2, 10),
};

// For tests and people at the console: the live uPlot instances by chart id.
window.pageCharts = {};

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
    el('td', {class: 'source', 'data-testid': 'rec-why'}, why(item)),
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

/** Why an item is in the list: the source that found it, and the features that mattered most to the model. */
function why(item) {
  const reason = SOURCE_REASONS[item.source] || item.source;
  const top = Object.entries((item.explain && item.explain.top_features) || {})
    .filter(([, value]) => value !== null).slice(0, 3)
    .map(([name, value]) => name + ' ' + format(value));
  return reason + (top.length ? ' · ' + top.join(', ') : '');
}

function select(itemId) {
  if (state.selectedItem !== itemId) {
    state.rankSamples = {t: [], rank: []};
  }
  state.selectedItem = itemId;
  for (const row of $('rec-rows').children) {
    row.classList.toggle('selected', row.dataset.itemId === itemId);
  }
  renderExplain();
  loadFeatures();
  $('item-charts').hidden = false;
  clearInterval(state.itemTimer);
  state.itemTimer = setInterval(refreshItemCharts, ITEM_REFRESH_MS);
  refreshItemCharts();
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
    clearInterval(state.itemTimer);
    $('item-charts').hidden = true;
    $('item-title').textContent = '(select a row)';
    $('item-features').replaceChildren();
    $('item-explain').replaceChildren();
  }
  state.userId = id;
  state.k = Number($('k').value);
  history.replaceState(null, '', '?' + new URLSearchParams({user_id: id, k: String(state.k)}));
  loadList();
}

// ---- quick picks: users with history, chosen from what the feature job wrote lately ----

async function loadQuickPicks() {
  let users;
  try {
    ({body: {users}} = await api('/v1/users/recent?limit=' + QUICK_PICKS));
  } catch (e) {
    $('suggestions').replaceChildren(el('span', {class: 'muted'}, 'no quick picks: ' + e.message));
    return;
  }
  if (users.length === 0) {
    $('suggestions').replaceChildren(el('span', {class: 'muted', 'data-testid': 'no-suggestions'},
      'no user with history written in the last minutes'));
    return;
  }
  $('suggestions').replaceChildren(...users.map((user) => el('button', {
    type: 'button',
    class: 'chip',
    'data-testid': 'suggest-' + user.user_id,
    title: user.clicks_all + ' clicks in all, ' + user.recent_items + ' recent items, last ' + (user.last_item || '—')
      + '; written ' + new Date(user.written_at).toLocaleTimeString(),
    onclick: () => useUser(user.user_id),
  }, user.user_id)));
}

async function loadLoop() {
  let decisions;
  try {
    ({body: {decisions}} = await api('/v1/models/loop?limit=' + LOOP_DECISIONS));
  } catch (e) {
    $('loop-empty').textContent = 'cannot read the learning loop\'s journal: ' + e.message;
    $('loop-empty').hidden = false;
    return;
  }
  $('loop-empty').hidden = decisions.length > 0;
  $('loop-decisions').hidden = decisions.length === 0;
  $('loop-rows').replaceChildren(...decisions.map((decision) => el('tr', {'data-testid': 'loop-decision'},
    el('td', {}, new Date(decision.time).toLocaleTimeString()),
    el('td', {class: 'loop-' + decision.kind}, decision.kind.replace(/_/g, ' ')),
    el('td', {}, decision.candidate || '—'),
    el('td', {}, decision.serving || '—'),
    el('td', {class: 'muted'}, decision.reason))));
}

// ---- charts ----

/** A uPlot chart in {@code target}, rebuilt only when its series change (a new arm or stage appears). */
function drawChart(id, target, series, data, axes) {
  const keys = series.map((s) => s.key).join('|');
  const current = state.charts[id];
  if (current && current.keys === keys) {
    current.plot.setData(data);
    return;
  }
  if (current) {
    current.plot.destroy();
  }
  const width = Math.max(240, target.clientWidth || 320);
  const plot = new uPlot({
    width,
    height: 150,
    cursor: {drag: {x: false, y: false}},
    scales: Object.fromEntries(axes.map((axis) => [axis.scale, axis.range ? {range: axis.range, dir: axis.dir || 1}
      : {dir: axis.dir || 1}])),
    series: [{}, ...series.map((s, i) => ({
      label: s.label,
      stroke: s.color || COLORS[i % COLORS.length],
      dash: s.dash,
      width: 1.5,
      scale: s.scale || axes[0].scale,
      value: (u, v) => v == null ? '—' : formatShort(v),
    }))],
    axes: [{}, ...axes.map((axis, i) => ({
      scale: axis.scale,
      side: i === 0 ? 3 : 1,
      size: 50,
      grid: {show: i === 0},
      label: axis.label,
      labelSize: 14,
      values: (u, ticks) => ticks.map(formatShort),
    }))],
  }, data, target);
  state.charts[id] = {plot, keys};
  window.pageCharts[id] = plot;
}

function formatShort(value) {
  if (value == null) {
    return '—';
  }
  const abs = Math.abs(value);
  if (abs >= 1000) {
    // three digits: ticks 990, 1000 and 1010 must not all read '1.0k'
    return Number((value / 1000).toPrecision(3)) + 'k';
  }
  return abs >= 10 || Number.isInteger(value) ? String(Math.round(value)) : value.toPrecision(2);
}

/** The series of a live payload whose names start with {@code prefix}, by what follows the prefix. */
function byPrefix(live, prefix) {
  return Object.keys(live.series).filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length));
}

// Each chart: what it draws from GET /v1/live. 'job' charts need the feature job's metrics endpoint.
const LIVE_CHARTS = [
  {
    id: 'job-events', title: 'Events into the feature job /s', source: 'job',
    note: 'valid and refused events, counted by the job itself (5 s window)',
    series: () => [
      {key: 'job.events_per_s', label: 'valid'},
      {key: 'job.rejected_per_s', label: 'rejected'}],
    axes: [{scale: 'rate'}],
  },
  {
    id: 'freshness', title: 'Lag and feature freshness', source: 'job',
    note: 'job: how far the newest event the store sink wrote is behind now, and records its Kafka source is'
      + ' behind; API: how long ago the feature values requests used were read from the store (re-read when'
      + ' the job writes them, else after 2 min)',
    series: () => [
      {key: 'job.event_lag_ms', label: 'event → store (ms)'},
      {key: 'api.feature_staleness_p50_s', label: 'held values age p50 (ms)', factor: 1000, dash: [4, 3]},
      {key: 'api.feature_staleness_p99_s', label: 'held values age p99 (ms)', factor: 1000},
      {key: 'job.kafka_lag_records', label: 'Kafka lag (records)', scale: 'records'}],
    axes: [{scale: 'ms', label: 'ms'}, {scale: 'records', label: 'records'}],
  },
  {
    id: 'feature-writes', title: 'Feature rows reaching the API /s',
    note: 'entities the change feed reports newly written by the job (5 s window)',
    series: () => [{key: 'api.feature_writes_per_s', label: 'entities written'}],
    axes: [{scale: 'rate'}],
  },
  {
    id: 'requests', title: 'Recommendation requests /s',
    note: 'ranked, shed with 503, errors of any kind, refused over a client quota (5 s window)',
    series: () => [
      {key: 'api.requests_per_s', label: 'ranked'},
      {key: 'api.shed_per_s', label: 'shed'},
      {key: 'api.errors_per_s', label: 'errors'},
      {key: 'api.rate_limited_per_s', label: 'rate limited'}],
    axes: [{scale: 'rate'}],
  },
  {
    id: 'latency', title: 'Latency by stage (ms)',
    note: 'p99 solid, p50 dashed, over the last 5 s; empty while no request was ranked',
    series: (live) => byPrefix(live, 'api.latency_p99_ms.').flatMap((stage, i) => [
      {key: 'api.latency_p99_ms.' + stage, label: stage + ' p99', color: COLORS[i % COLORS.length]},
      {key: 'api.latency_p50_ms.' + stage, label: stage + ' p50', color: COLORS[i % COLORS.length], dash: [4, 3]}]),
    axes: [{scale: 'ms'}],
  },
  {
    id: 'arms', title: 'Impressions and clicks per arm /s', source: 'job',
    note: 'as the job attributes them: impressions by their arm, clicks by the arm of the list they answer',
    series: (live) => byPrefix(live, 'job.impressions_per_s.').flatMap((arm, i) => [
      {key: 'job.impressions_per_s.' + arm, label: arm + ' impressions', color: COLORS[i % COLORS.length]},
      {key: 'job.clicks_per_s.' + arm, label: arm + ' clicks', color: COLORS[i % COLORS.length], scale: 'clicks',
        dash: [4, 3]}]),
    axes: [{scale: 'impressions', label: 'impressions'}, {scale: 'clicks', label: 'clicks'}],
  },
  {
    id: 'ctr', title: 'CTR per arm', source: 'job',
    note: 'clicks / impressions per arm over the last 60 s',
    series: (live) => byPrefix(live, 'job.ctr.').map((arm) => ({key: 'job.ctr.' + arm, label: arm})),
    axes: [{scale: 'ctr'}],
  },
];

function buildLiveCharts() {
  $('charts').replaceChildren(...LIVE_CHARTS.map((chart) => el('figure', {class: 'chart'},
    el('figcaption', {}, el('b', {}, chart.title), el('span', {class: 'muted'}, ' — ' + chart.note)),
    el('p', {class: 'chart-note', id: 'note-' + chart.id, hidden: ''}),
    el('div', {id: 'chart-' + chart.id, 'data-testid': 'chart-' + chart.id}))));
}

async function loadLive() {
  let live;
  try {
    ({body: live} = await api('/v1/live'));
  } catch (e) {
    $('live-status').textContent = 'GET /v1/live failed: ' + e.message;
    return;
  }
  $('live-status').textContent = live.t.length
    ? 'updated ' + new Date(live.t[live.t.length - 1] * 1000).toLocaleTimeString() : 'waiting for samples';
  const jobError = live.job_metrics && live.job_metrics.error;
  for (const chart of LIVE_CHARTS) {
    const note = $('note-' + chart.id);
    const jobMissing = chart.source === 'job' && jobError;
    note.hidden = !jobMissing;
    note.textContent = jobMissing ? 'no feature-job numbers: ' + jobError : '';
    const series = chart.series(live);
    const data = [live.t, ...series.map((s) => (live.series[s.key] || live.t.map(() => null))
      .map((v) => v == null ? null : v * (s.factor || 1)))];
    drawChart(chart.id, $('chart-' + chart.id), series, data, chart.axes);
  }
}

// ---- the selected item: its features over time and its rank for a fresh user ----

async function refreshItemCharts() {
  const itemId = state.selectedItem;
  if (!itemId) {
    return;
  }
  const seq = ++state.itemSeq;
  await Promise.all([loadItemHistory(itemId, seq), sampleRank(itemId, seq)]);
}

async function loadItemHistory(itemId, seq) {
  let history;
  try {
    ({body: history} = await api('/v1/features/' + encodeURIComponent('item:' + itemId) + '/history?minutes='
      + ITEM_HISTORY_MINUTES + '&points=61'));
  } catch (e) {
    showError(e, 'GET /v1/features/item:' + itemId + '/history');
    return;
  }
  if (seq !== state.itemSeq) {
    return;
  }
  const series = [
    {key: 'clicks_1h', label: 'clicks 1h'},
    {key: 'clicks_short', label: 'clicks short'},
    {key: 'impressions_1h', label: 'impressions 1h', scale: 'impressions'},
    {key: 'ctr_1h', label: 'CTR 1h', scale: 'ctr', dash: [4, 3]}];
  drawChart('item-history', $('item-history'), series,
    [history.t, ...series.map((s) => history.features[s.key] || history.t.map(() => null))],
    [{scale: 'clicks', label: 'clicks'}, {scale: 'impressions', label: 'impr.'}, {scale: 'ctr', label: 'CTR'}]);
  $('item-history').dataset.itemId = itemId;
}

async function sampleRank(itemId, seq) {
  const query = new URLSearchParams({user_id: state.freshUserId, k: String(FRESH_USER_K), impressions: 'false'});
  let list;
  try {
    ({body: list} = await api('/v1/recommendations?' + query));
  } catch (e) {
    return; // a shed or failed sample is a gap in the chart; the list above shows errors that matter
  }
  if (itemId !== state.selectedItem) {
    return;
  }
  const found = list.items.find((item) => item.item_id === itemId);
  const samples = state.rankSamples;
  samples.t.push(Date.now() / 1000);
  samples.rank.push(found ? found.position : null);
  if (samples.t.length > RANK_SAMPLES_KEPT) {
    samples.t.shift();
    samples.rank.shift();
  }
  drawChart('item-rank', $('item-rank'), [{key: 'rank', label: 'rank (1 = top)'}],
    [samples.t.slice(), samples.rank.slice()], [{scale: 'rank', dir: -1, range: (u, min, max) => [1, Math.max(10, (max || 1) + 1)]}]);
}

function init() {
  buildLiveCharts();
  loadLive();
  setInterval(loadLive, LIVE_REFRESH_MS);
  loadQuickPicks();
  setInterval(loadQuickPicks, QUICK_PICKS_REFRESH_MS);
  loadLoop();
  setInterval(loadLoop, LOOP_REFRESH_MS);
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
