/* Agent console: live updates over server-sent events (new messages, replies, suggestions). */
import { byTestId, enc, getToken } from '/static/common.js';
import { state } from './state.js';
import { loadConversations, scheduleListRefresh, markRead } from './list.js';
import { loadDetail } from './chat.js';
import { findSuggestion } from './suggestions.js';

function setLive(stateName, label) {
  var badge = byTestId('live-status');
  badge.setAttribute('data-state', stateName);
  badge.textContent = label;
}

export function closeLive() {
  clearTimeout(state.retryTimer);
  if (state.source) { state.source.close(); state.source = null; }
  setLive('off', '未连接');
}

export function connectLive() {
  closeLive();
  var shop = state.shop;
  var source = new EventSource('/api/shops/' + enc(shop) + '/events?token=' + enc(getToken()));
  var missed = false;
  state.source = source;
  setLive('connecting', '连接中…');
  source.onopen = function () {
    setLive('open', '实时更新');
    if (missed) {  // events may have been lost while disconnected
      missed = false;
      loadConversations();
      loadDetail();
    }
  };
  source.onerror = function () {
    missed = true;
    if (source.readyState === EventSource.CLOSED) {
      setLive('closed', '已断开，重连中…');
      state.retryTimer = setTimeout(function () {
        if (state.source === source && getToken()) connectLive();
      }, 3000);
    } else {
      setLive('connecting', '重连中…');
    }
  };
  function handler(fn) {
    return function (event) {
      if (state.source !== source) return;
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.shop_id && data.shop_id !== state.shop) return;
      fn(data);
    };
  }
  source.addEventListener('message', handler(onMessageEvent));
  source.addEventListener('reply', handler(onReplyEvent));
  source.addEventListener('suggestion', handler(onSuggestionEvent));
}

function onMessageEvent(data) {
  scheduleListRefresh();
  var message = data.message || {};
  if (message.conversation_id && message.conversation_id === state.currentId) {
    loadDetail();
    if (document.visibilityState !== 'hidden') markRead(state.currentId);
  }
}

function onReplyEvent(data) {
  scheduleListRefresh();
  if (data.conversation_id && data.conversation_id === state.currentId) loadDetail();
}

function onSuggestionEvent(data) {
  scheduleListRefresh();
  if (findSuggestion(data.id)) loadDetail();
}
