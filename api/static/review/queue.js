/* Supervisor review page: the queue (filters in the query, reason chips) and the
   decisions on its items (confirm, relabel, dismiss). */
import { $, clear, el, enc, intentLabel, showError } from '/static/common.js';
import { state, api, shopPath, flash, REASONS } from './state.js';
import { renderItem } from './item.js';
import { loadExport } from './export.js';

function queryString() {
  var f = state.filters;
  var parts = ['status=' + enc(f.status), 'limit=200'];
  if (f.reason) parts.push('reason=' + enc(f.reason));
  if (f.intent) parts.push('intent=' + enc(f.intent));
  if (f.since) parts.push('since=' + enc(f.since));
  if (f.until) parts.push('until=' + enc(f.until));
  return '?' + parts.join('&');
}

export function loadQueue() {
  if (!state.shop || state.forbidden) return Promise.resolve();
  var seq = ++state.loadSeq;
  var shop = state.shop;
  state.loading = true;
  $('queue-state').textContent = '加载中…';
  return api('GET', shopPath('/review' + queryString())).then(function (body) {
    if (seq !== state.loadSeq || shop !== state.shop) return;
    state.loading = false;
    state.items = body.items || [];
    state.counts = body.counts || {};
    state.loaded = true;
    var keep = {};
    state.items.forEach(function (item) {
      var id = item.message.id;
      if (state.ui[id]) keep[id] = state.ui[id];
    });
    state.ui = keep;
    showError('queue-error', '');
    $('queue-state').textContent = '';
    renderChips();
    renderQueue();
  }).catch(function (error) {
    if (seq !== state.loadSeq) return;
    state.loading = false;
    $('queue-state').textContent = '';
    if (error.status !== 401 && error.status !== 403) showError('queue-error', '无法加载审核队列：' + error.message);
  });
}

function renderChips() {
  var box = $('reason-chips');
  clear(box);
  box.appendChild(el('span', { class: 'muted small', text: '按原因：' }));
  REASONS.forEach(function (r) {
    var active = state.filters.reason === r[0];
    box.appendChild(el('button', {
      type: 'button', class: 'chip' + (active ? ' active' : ''), testid: 'reason-chip',
      'data-reason': r[0], 'aria-pressed': active ? 'true' : 'false',
      title: active ? '取消筛选' : '只看这个原因',
      onclick: function () {
        state.filters.reason = active ? '' : r[0];
        $('filter-reason').value = state.filters.reason;
        loadQueue();
      }
    }, el('span', { title: r[0], text: r[1] }),
    el('span', { class: 'count', testid: 'reason-count', text: String(state.counts[r[0]] || 0) })));
  });
}

function renderQueue() {
  var box = $('queue');
  clear(box);
  $('queue-count').textContent = String(state.items.length);
  if (!state.items.length) {
    box.appendChild(el('div', { class: 'card empty', testid: 'queue-empty',
      text: state.loaded ? '没有需要审核的消息' : '' }));
    return;
  }
  state.items.forEach(function (item) { box.appendChild(renderItem(item)); });
}

export function replaceItem(id) {
  var old = document.querySelector('[data-testid="review-item"][data-message-id="' + Number(id) + '"]');
  var item = findItem(id);
  if (old && item) old.parentNode.replaceChild(renderItem(item), old);
}

function findItem(id) {
  for (var i = 0; i < state.items.length; i++) if (state.items[i].message.id === id) return state.items[i];
  return null;
}

export function decide(item, body, done) {
  var id = item.message.id;
  var ui = state.ui[id] || (state.ui[id] = {});
  if (ui.busy) return;
  ui.busy = true;
  ui.error = '';
  replaceItem(id);
  var shop = state.shop;
  api('POST', shopPath('/review/' + enc(id)), body).then(function (review) {
    if (shop !== state.shop) return;
    delete state.ui[id];
    var text = item.message.text || '';
    flash(done + '：' + (text.length > 16 ? text.slice(0, 16) + '…' : text)
      + (review.intent ? ' → ' + intentLabel(review.intent) : ''));
    if (state.filters.status === 'open') {
      state.items = state.items.filter(function (other) { return other.message.id !== id; });
      (item.reasons || []).forEach(function (r) { if (state.counts[r]) state.counts[r] -= 1; });
      renderChips();
      renderQueue();
    } else {
      item.review = review;
      replaceItem(id);
    }
    // a queue load started before this decision was stored would bring the item back: load again
    if (state.loading) loadQueue();
    if (state.exportLoaded) loadExport();
  }).catch(function (error) {
    if (error.status === 401 || error.status === 403) return;
    var current = state.ui[id] || (state.ui[id] = {});
    current.busy = false;
    current.error = '提交失败：' + error.message;
    replaceItem(id);
  });
}
