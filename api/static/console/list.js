/* Agent console: the conversation list: load, open, move with j/k, render. */
import { $, clear, el, enc, formatTime, intentLabel } from '/static/common.js';
import { state, api, shopPath, resetConversation, toast } from './state.js';
import { renderAll } from './main.js';
import { loadDetail } from './chat.js';
import { loadOrders } from './orders.js';

export function loadConversations() {
  if (!state.shop) return Promise.resolve();
  var seq = ++state.listSeq;
  var shop = state.shop;
  return api('GET', shopPath('/conversations?limit=100')).then(function (body) {
    if (seq !== state.listSeq || shop !== state.shop) return;
    state.conversations = body.conversations || [];
    renderList();
  }).catch(function (error) {
    if (error.status !== 401) toast('会话列表加载失败：' + error.message);
  });
}

export function scheduleListRefresh() {
  clearTimeout(state.listTimer);
  state.listTimer = setTimeout(loadConversations, 80);
}

export function markRead(id) {
  return api('POST', shopPath('/conversations/' + enc(id) + '/read')).then(function () {
    state.conversations.forEach(function (c) { if (c.id === id) c.unread = 0; });
    renderList();
  }).catch(function () { /* not fatal: the badge stays */ });
}

export function openConversation(id) {
  if (!id) return;
  resetConversation(id);
  sessionStorage.setItem('conversation:' + state.shop, id);
  renderAll();
  markRead(id);
  loadDetail();
  loadOrders();
}

export function moveConversation(step) {
  var list = state.conversations;
  if (!list.length) return;
  var index = -1;
  for (var i = 0; i < list.length; i++) if (list[i].id === state.currentId) index = i;
  var next = index < 0 ? (step > 0 ? 0 : list.length - 1) : index + step;
  if (next < 0 || next >= list.length) return;
  openConversation(list[next].id);
  var button = document.querySelector('[data-conversation-id="' + cssEscape(list[next].id) + '"]');
  if (button) { button.focus(); button.scrollIntoView({ block: 'nearest' }); }
}

function cssEscape(value) {
  return window.CSS && CSS.escape ? CSS.escape(value) : String(value).replace(/["\\]/g, '\\$&');
}

export function renderList() {
  var list = $('conversation-list');
  var focused = document.activeElement && document.activeElement.getAttribute('data-conversation-id');
  clear(list);
  $('conversation-count').textContent = String(state.conversations.length);
  if (!state.conversations.length) {
    list.appendChild(el('li', { class: 'empty', text: state.shop ? '暂无会话' : '' }));
    return;
  }
  state.conversations.forEach(function (c) {
    var active = c.id === state.currentId;
    var button = el('button', {
      type: 'button', class: 'conv-item' + (active ? ' active' : ''), testid: 'conversation-item',
      'data-conversation-id': c.id, 'aria-current': active ? 'true' : null,
      onclick: function () { openConversation(c.id); }
    },
    el('div', { class: 'conv-row' },
      el('span', { class: 'conv-buyer', text: c.buyer_id || c.id, title: c.id }),
      c.unread > 0 ? el('span', { class: 'badge badge-red', testid: 'unread-badge', title: '未读',
        text: String(c.unread) }) : null,
      el('span', { class: 'conv-time', text: formatTime(c.last_message_at, true) })),
    el('div', { class: 'conv-row' },
      el('span', { class: 'conv-preview', testid: 'conversation-preview', text: c.last_message || '' })),
    el('div', { class: 'conv-row' },
      c.last_intent ? el('span', { class: 'badge badge-blue', testid: 'conversation-intent',
        text: intentLabel(c.last_intent) }) : null,
      c.pending_suggestions > 0 ? el('span', { class: 'badge badge-orange', testid: 'pending-badge',
        text: '待处理 ' + c.pending_suggestions }) : null,
      c.offhours_unseen ? el('span', { class: 'badge badge-night', testid: 'offhours-badge',
        title: '非营业时间已自动回复，尚无客服跟进', text: '夜间已自动回复' }) : null));
    list.appendChild(el('li', {}, button));
    if (focused && focused === c.id) button.focus();
  });
}
