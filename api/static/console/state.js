/* Agent console: the page's state, its API client, and page-wide helpers. */
import { $, createApi, enc } from '/static/common.js';
import { signOut } from './main.js';

export var state = {
  me: null,
  shop: null,
  conversations: [],
  currentId: null,
  detail: null,
  orders: null,
  ordersError: null,
  targetId: null, // the open message the agent picked for the panel (null: the oldest open one)
  expanded: {},   // long texts the agent unfolded: 'chat:<id>' / 'panel:<id>' → true
  ui: idleUi(),
  notice: null,   // {scope: 's:<id>' | 'free' | 'm:<id>', kind: 'block'|'warn'|'duplicate'|'error', text, matches, retry}
  busy: false,
  source: null,
  retryTimer: null,
  detailSeq: 0,
  listSeq: 0,
  listTimer: null,
  panelKey: null,
  totals: null     // {waiting_buyers, open_messages} of the shop, from the list
};

/* No suggestion being edited or rejected. */
export function idleUi() { return { mode: null, sid: null, text: '', intent: '', reason: '' }; }

export var api = createApi({
  onUnauthorized: function () { signOut('令牌无效或已过期，请重新登录'); }
}).api;

export function shopPath(rest) { return '/shops/' + enc(state.shop) + rest; }

export function resetConversation(id) {
  state.currentId = id;
  state.detail = null;
  state.orders = null;
  state.ordersError = null;
  state.targetId = null;
  state.expanded = {};
  state.ui = idleUi();
  state.notice = null;
  state.detailSeq++;
}

var toastTimer = null;
export function toast(message) {
  var box = $('toast');
  box.textContent = message;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(function () { box.hidden = true; }, 6000);
}
