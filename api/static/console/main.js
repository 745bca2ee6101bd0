/* Agent console: conversations, chat, suggestions (approve / edit / reject), 已处理 /
   跳过, the buyer's orders, live updates over server-sent events, keyboard shortcuts.

   The entry module: sign-in, the shop, and the page's event wiring. The pieces:
     state.js        state, API client, toast
     list.js         the conversation list (load, open, move, render)
     target.js       which buyer message the panel answers (the oldest open one, or the
                     open one the agent clicked)
     chat.js         the chat timeline and the free-text composer
     bubbles.js      one chat bubble (a buyer message with its state, a reply)
     suggestions.js  approve / edit / reject a suggestion; 已处理 / 跳过 a message
     send.js         POST a reply and keep the answer on screen (compliance, duplicates)
     panel.js        the suggestion panel: the target message and its actions
     cards.js        one suggestion card with its edit / reject forms
     notice.js       compliance, duplicate and error notices
     labels.js       Chinese labels, short quotes, folded long texts
     orders.js       the buyer's order card
     live.js         live updates (server-sent events)
     keys.js         keyboard shortcuts

   Plain JavaScript, no build step. Every piece of data reaches the page through
   textContent (the el() helper), never through innerHTML. */
import {
  $, el, fillShops, getToken, clearToken, mountChrome, onLogin, rememberShop, savedShop,
  showLogin as showLoginBox, showSignedIn, userLabel
} from '/static/common.js';
import { state, api, resetConversation } from './state.js';
import { loadConversations, openConversation, renderList } from './list.js';
import { renderChat, renderComposer, sendFreeText } from './chat.js';
import { renderPanel } from './panel.js';
import { renderOrders } from './orders.js';
import { closeLive, connectLive } from './live.js';
import { onKey } from './keys.js';

function showLogin(message) {
  showLoginBox(message, ['workspace', 'nav-tools', 'shortcut-hint']);
}

export function signOut(message) {
  clearToken();
  state.me = null;
  closeLive();
  showLogin(message);
}

function start() {
  if (!getToken()) { showLogin(''); return; }
  api('GET', '/me').then(function (me) {
    state.me = me;
    showSignedIn(userLabel(me), ['workspace', 'nav-tools', 'shortcut-hint']);
    fillShops(me.visible_shops);
    if (!me.visible_shops || !me.visible_shops.length) {
      renderAll();
      $('conversation-list').appendChild(el('li', { class: 'empty', text: '没有可见的店铺' }));
      return;
    }
    selectShop(savedShop(me.visible_shops));
  }).catch(function (error) {
    if (error.status !== 401) showLogin('无法登录：' + error.message);
  });
}

function selectShop(shop) {
  state.shop = shop;
  rememberShop(shop);
  state.conversations = [];
  resetConversation(null);
  renderAll();
  loadConversations().then(function () {
    var saved = sessionStorage.getItem('conversation:' + shop);
    if (saved && !state.currentId && state.conversations.some(function (c) { return c.id === saved; })) {
      openConversation(saved);
    }
  });
  connectLive();
}

export function renderAll() {
  renderList();
  renderChat();
  renderPanel();
  renderOrders();
  renderComposer();
}

// ---- wiring -----------------------------------------------------------------------

mountChrome('console', {
  loginError: true,
  before: el('span', { class: 'live-status', testid: 'live-status', 'data-state': 'off',
    title: '实时更新', text: '未连接' })
});
onLogin(start);
$('logout').addEventListener('click', function () { signOut(''); });
$('shop-select').addEventListener('change', function (event) { selectShop(event.target.value); });
$('composer').addEventListener('submit', function (event) { event.preventDefault(); sendFreeText(); });
$('free-text').addEventListener('keydown', function (event) {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
    event.preventDefault();
    sendFreeText();
  }
});
document.addEventListener('keydown', onKey);
window.addEventListener('beforeunload', function () { if (state.source) state.source.close(); });

start();
