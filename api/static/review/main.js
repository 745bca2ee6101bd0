/* Supervisor review page: the queue of buyer messages the assistant probably got
   wrong (filters, reason counts), confirm / relabel (intent and entity spans) /
   dismiss, the training-data export, and retrain → before/after → activate.

   The entry module: sign-in, permission, the shop, filters and wiring. The pieces:
     state.js    labels, state, API client, flash
     queue.js    loading the queue, reason chips, decisions
     item.js     one queue item: message, suggestion, what was sent, the review
     message.js  the message's entity marks, tokens and intent ranking
     relabel.js  the relabel form (intent and entity spans)
     export.js   the training-data export
     models.js   retrain, poll, activate / reject; report.js: the before/after report

   Plain JavaScript, no build step. Every piece of data reaches the page through
   textContent (the el() helper), never through innerHTML. Entity values stored with
   a review are never shown: span texts come from the masked message view. */
import {
  $, append, clearToken, el, fillShops, getToken, labelledOptions, mountChrome, onLogin, rememberShop,
  permissionText, savedShop, showError, showLogin as showLoginBox, showSignedIn, userLabel
} from '/static/common.js';
import { state, api, intentOptions, REASONS } from './state.js';
import { loadQueue } from './queue.js';
import { loadExport, resetExport } from './export.js';
import { loadModels, retrain, stopPolling } from './models.js';

function showLogin(message) {
  showLoginBox(message, ['workspace', 'nav-tools']);
}

export function signOut(message) {
  clearToken();
  state.me = null;
  stopPolling();
  showLogin(message);
}

export function forbidden(detail) {
  state.forbidden = true;
  stopPolling();
  var who = state.me ? userLabel(state.me) : '当前用户';
  $('permission-detail').textContent = '审核页仅限主管和管理员使用，' + who + '无权访问。'
    + (detail ? '（' + permissionText(detail) + '）' : '');
  $('permission-error').hidden = false;
  $('review-grid').hidden = true;
}

function start() {
  if (!getToken()) { showLogin(''); return; }
  api('GET', '/me').then(function (me) {
    state.me = me;
    state.forbidden = false;
    $('permission-error').hidden = true;
    showSignedIn(userLabel(me), ['workspace', 'nav-tools', 'review-grid']);
    fillShops(me.visible_shops);
    if (!me.visible_shops || !me.visible_shops.length) {
      showError('queue-error', '没有可见的店铺');
    } else {
      selectShop(savedShop(me.visible_shops));
    }
    loadModels(true);
  }).catch(function (error) {
    if (error.status !== 401 && error.status !== 403) showLogin('无法登录：' + error.message);
  });
}

function selectShop(shop) {
  state.shop = shop;
  rememberShop(shop);
  state.items = [];
  state.counts = {};
  state.ui = {};
  state.loaded = false;
  resetExport();
  loadQueue();
}

function initFilters() {
  var reason = $('filter-reason');
  reason.appendChild(el('option', { value: '', text: '全部原因' }));
  append(reason, labelledOptions(REASONS));
  intentOptions($('filter-intent'), '', true);
  var read = function () {
    state.filters = {
      reason: $('filter-reason').value, intent: $('filter-intent').value,
      since: $('filter-since').value, until: $('filter-until').value, status: $('filter-status').value
    };
  };
  ['filter-reason', 'filter-intent', 'filter-since', 'filter-until', 'filter-status'].forEach(function (id) {
    $(id).addEventListener('change', function () { read(); loadQueue(); });
  });
  $('filters').addEventListener('submit', function (event) { event.preventDefault(); read(); loadQueue(); });
}

// ---- wiring -----------------------------------------------------------------------

mountChrome('review', { loginError: true });
initFilters();
onLogin(start);
$('logout').addEventListener('click', function () { signOut(''); });
$('shop-select').addEventListener('change', function (event) { selectShop(event.target.value); });
$('export-button').addEventListener('click', loadExport);
$('retrain-button').addEventListener('click', retrain);

start();
