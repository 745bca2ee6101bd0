/* Buyer chat window (/chat/{shop}?item_id=…[&embed=1]): start-up.

   Opened on its own (an H5 store's link) the buyer is an anonymous visitor. Embedded by
   /static/widget.js (embed=1) the page waits up to 1 s for the embedding page's
   postMessage {type: 'shopassist-identity', buyer_id, buyer_ts, buyer_sig} — accepted
   only from window.parent, only before the session opens — and signs in as that buyer;
   without it, or when the signature is refused, as a visitor. Then: the session, the
   history, the live stream and the composer. */
import { chat, openSession, onSession } from './api.js';
import { startLive, catchUp } from './stream.js';
import { setupComposer, showError } from './send.js';

var IDENTITY_WAIT_MS = 1000;
var SESSION_RETRY_MAX = 30000;

var identityWaiter = null;
var identityReceived;   // undefined: nothing yet; null: the parent has no buyer to sign in

/* Listening from the start, so a message sent as soon as the frame loads is not missed. */
if (chat.embed) {
  window.addEventListener('message', function (event) {
    if (event.source !== window.parent || identityReceived !== undefined) return;
    var data = event.data;
    if (!data || typeof data !== 'object' || data.type !== 'shopassist-identity') return;
    identityReceived = signedIdentity(data);
    if (identityWaiter) identityWaiter();
  });
  // The widget also answers this (it carries nothing): for a frame that loaded before
  // the widget listened.
  window.parent.postMessage({ type: 'shopassist-ready' }, '*');
}

function signedIdentity(data) {
  var id = typeof data.buyer_id === 'string' ? data.buyer_id.trim() : '';
  var ts = String(data.buyer_ts === undefined || data.buyer_ts === null ? '' : data.buyer_ts).trim();
  var sig = typeof data.buyer_sig === 'string' ? data.buyer_sig.trim() : '';
  if (!id || !/^\d{1,12}$/.test(ts) || !sig) return null;
  return { buyer_id: id, buyer_ts: Number(ts), buyer_sig: sig };
}

function waitForIdentity() {
  if (!chat.embed) return Promise.resolve(null);
  return new Promise(function (resolve) {
    function done() {
      identityWaiter = null;
      clearTimeout(timer);
      resolve(identityReceived || null);
      if (identityReceived === undefined) identityReceived = null;  // too late from now on
    }
    var timer = setTimeout(done, IDENTITY_WAIT_MS);
    identityWaiter = done;
    if (identityReceived !== undefined) done();
  });
}

function setStatus(state, text) {
  var badge = document.getElementById('chat-status');
  badge.setAttribute('data-state', state);
  badge.textContent = text;
}

function showItem() {
  var line = document.getElementById('chat-item');
  line.textContent = chat.itemId ? '正在咨询宝贝 ' + chat.itemId : '';
  line.hidden = !chat.itemId;
}

onSession(function (data, problem) {
  if (problem === 'identity') {
    showError('登录身份校验失败，已转为游客咨询');
    return;
  }
  var log = document.getElementById('chat-log');
  log.setAttribute('data-conversation-id', data.conversation_id || '');
  if (data.shop_name) {
    document.getElementById('chat-title').textContent = data.shop_name + ' · 在线客服';
    document.title = data.shop_name + ' - 在线客服';
  }
});

/* The first session, tried again after a backoff until it opens. */
function start(delay) {
  openSession().then(function () {
    return catchUp();
  }).then(function () {
    startLive(setStatus);
  }, function (error) {
    if (error && error.status === 404) setStatus('error', '店铺不存在或未开通在线客服');
    else if (error && error.status === 429) setStatus('error', '连接太频繁，请稍后再试');
    else setStatus('retrying', '连接失败，正在重试…');
    var wait = Math.max(delay, ((error && error.retryAfter) || 0) * 1000);
    setTimeout(function () { start(Math.min(delay * 2, SESSION_RETRY_MAX)); }, wait);
  });
}

showItem();
setupComposer();
if (!chat.shop) {
  setStatus('error', '链接有误：缺少店铺');
} else {
  chat.gate = waitForIdentity().then(function (identity) { chat.identity = identity; });
  start(1000);
}
