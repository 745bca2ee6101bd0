/* Agent console: live updates over server-sent events (new messages, replies, suggestions).

   The token never goes into a URL: each connection first fetches a single-use ticket
   (POST .../events/ticket, Authorization header), then opens
   EventSource('.../events?ticket=…&last_event_id=<last seen id>'). Every event has an
   id; the stream replays what came after last_event_id, and each id is applied once.
   On an error the stream is closed and reopened with a new ticket after a backoff
   (1 s, 2 s, … 10 s), showing 实时更新已断开，正在重连… until it is back. */
import { byTestId, enc, getToken } from '/static/common.js';
import { state, api } from './state.js';
import { loadConversations, scheduleListRefresh, markRead } from './list.js';
import { loadDetail } from './chat.js';
import { findSuggestion } from './suggestions.js';

var RETRY_MIN = 1000;
var RETRY_MAX = 10000;
var SEEN_MAX = 2000;

var live = {
  generation: 0,   // bumped by closeLive: late answers of an older connection are ignored
  lastId: null,    // the newest event id seen in this shop (null: none yet)
  seen: new Set(), // ids already applied
  delay: RETRY_MIN
};

function setLive(stateName, label) {
  var badge = byTestId('live-status');
  badge.setAttribute('data-state', stateName);
  badge.textContent = label;
}

export function closeLive() {
  live.generation++;
  clearTimeout(state.retryTimer);
  state.retryTimer = null;
  if (state.source) { state.source.close(); state.source = null; }
  setLive('off', '未连接');
}

/* A new stream for state.shop (after sign-in or a change of shop): nothing to resume. */
export function connectLive() {
  closeLive();
  live.lastId = null;
  live.seen = new Set();
  live.delay = RETRY_MIN;
  open(false);
}

function open(resuming) {
  var generation = live.generation;
  var shop = state.shop;
  if (!resuming) setLive('connecting', '连接中…');
  api('POST', '/shops/' + enc(shop) + '/events/ticket').then(function (body) {
    if (generation !== live.generation) return;
    var url = '/api/shops/' + enc(shop) + '/events?ticket=' + enc(body.ticket);
    if (live.lastId !== null) url += '&last_event_id=' + enc(live.lastId);
    listen(new EventSource(url), generation, resuming);
  }).catch(function (error) {
    if (generation !== live.generation) return;
    if (error && error.status === 401) return;  // signed out (the page shows the login box)
    if (error && error.status === 403) { setLive('closed', '无权查看实时更新'); return; }
    retry(generation);
  });
}

function retry(generation) {
  if (state.source) { state.source.close(); state.source = null; }
  setLive('closed', '实时更新已断开，正在重连…');
  var wait = live.delay;
  live.delay = Math.min(live.delay * 2, RETRY_MAX);
  clearTimeout(state.retryTimer);
  state.retryTimer = setTimeout(function () {
    if (generation === live.generation && getToken()) open(true);
  }, wait);
}

function listen(source, generation, resuming) {
  state.source = source;
  source.onerror = function () {
    if (state.source !== source || generation !== live.generation) return;
    retry(generation);
  };
  source.addEventListener('ready', function (event) {
    if (state.source !== source) return;
    var data = parse(event);
    var unknownGap = resuming && live.lastId === null;  // nothing to replay from
    if (live.lastId === null && data && typeof data.last_event_id === 'number') {
      live.lastId = data.last_event_id;
    }
    live.delay = RETRY_MIN;
    setLive('open', '实时更新');
    if (unknownGap) reloadAll();
  });
  source.addEventListener('reset', function () {  // more missed than the server replays
    if (state.source === source) reloadAll();
  });
  function handler(fn) {
    return function (event) {
      if (state.source !== source) return;
      var data = parse(event);
      if (!data || (data.shop_id && data.shop_id !== state.shop)) return;
      var id = Number(data.event_id);  // (event.lastEventId carries over to id-less events)
      if (id > 0) {
        if (live.seen.has(id)) return;  // replayed or delivered twice: applied already
        remember(id);
      }
      fn(data);
    };
  }
  source.addEventListener('message', handler(onMessageEvent));
  source.addEventListener('reply', handler(onReplyEvent));
  source.addEventListener('suggestion', handler(onSuggestionEvent));
  source.addEventListener('delivery', handler(onReplyEvent));  // a reply's delivery state
}

function parse(event) {
  try { return JSON.parse(event.data); } catch (e) { return null; }
}

function remember(id) {
  live.seen.add(id);
  if (live.lastId === null || id > live.lastId) live.lastId = id;
  if (live.seen.size > SEEN_MAX) {
    var floor = live.lastId - SEEN_MAX / 2;
    live.seen.forEach(function (seenId) { if (seenId < floor) live.seen.delete(seenId); });
  }
}

function reloadAll() {
  loadConversations();
  loadDetail();
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
