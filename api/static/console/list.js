/* Agent console: the conversation list: load, open, move with j/k, render; the shop's
   waiting buyers and open messages in its header, each row's open-message count. */
import { $, clear, el, enc, formatTime } from '/static/common.js';
import { state, api, shopPath, resetConversation, toast } from './state.js';
import { renderAll } from './main.js';
import { loadDetail } from './chat.js';
import { loadOrders } from './orders.js';
import { intentBadge } from './labels.js';

export function loadConversations() {
  if (!state.shop) return Promise.resolve();
  var seq = ++state.listSeq;
  var shop = state.shop;
  return api('GET', shopPath('/conversations?limit=100')).then(function (body) {
    if (seq !== state.listSeq || shop !== state.shop) return;
    state.conversations = body.conversations || [];
    state.totals = totals(body, state.conversations);
    renderList();
  }).catch(function (error) {
    if (error.status !== 401) toast('会话列表加载失败：' + error.message);
  });
}

/* Waiting buyers and open messages of the shop (the API's totals; else the listed rows'). */
function totals(body, rows) {
  var open = function (c) { return Number(c.open_messages) || 0; };
  return {
    waiting: typeof body.waiting_buyers === 'number' ? body.waiting_buyers
      : rows.filter(function (c) { return c.waiting || open(c) > 0; }).length,
    open: typeof body.open_messages === 'number' ? body.open_messages
      : rows.reduce(function (sum, c) { return sum + open(c); }, 0)
  };
}

function renderTotals() {
  var box = $('list-totals');
  clear(box);
  if (!state.totals) return;
  box.appendChild(el('span', { testid: 'waiting-buyers', 'data-count': state.totals.waiting,
    class: state.totals.waiting ? 'has-waiting' : null, text: '等待回复的买家 ' + state.totals.waiting }));
  box.appendChild(el('span', { class: 'muted', text: ' · ' }));
  box.appendChild(el('span', { testid: 'open-messages', 'data-count': state.totals.open,
    text: '未回复消息 ' + state.totals.open }));
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
  renderTotals();
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
      el('span', { class: 'conv-buyer', testid: 'conversation-buyer', text: c.buyer_nick || c.buyer_id || c.id,
        title: '会话 ' + c.id }),
      c.unread > 0 ? el('span', { class: 'badge badge-red', testid: 'unread-badge', title: '未读',
        text: String(c.unread) }) : null,
      el('span', { class: 'conv-time', text: formatTime(c.last_message_at, true) })),
    el('div', { class: 'conv-row' },
      el('span', { class: 'conv-preview', testid: 'conversation-preview', text: c.last_message || '' })),
    el('div', { class: 'conv-row' },
      c.last_intent ? intentBadge(c.last_intent, 'conversation-intent') : null,
      c.open_messages > 0 ? el('span', { class: 'badge badge-orange', testid: 'open-badge',
        title: '这个买家还有 ' + c.open_messages + ' 条消息未回复', text: '未回复 ' + c.open_messages }) : null,
      c.offhours_unseen ? el('span', { class: 'badge badge-night', testid: 'offhours-badge',
        title: '非营业时间已自动回复，尚无客服跟进', text: '夜间已自动回复' }) : null));
    list.appendChild(el('li', {}, button));
    if (focused && focused === c.id) button.focus();
  });
}
