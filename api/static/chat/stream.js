/* Buyer chat window: replies as they are sent, and history.

   The live stream is GET /api/chat/{shop}/stream read with fetch() (the chat token goes
   in the Authorization header, which EventSource cannot send): the body is parsed as
   server-sent events, each `reply` event {id, text, at} shown once. When the stream
   ends or fails it is opened again after a backoff (1 s, 2 s, 4 s … 30 s, or the
   server's Retry-After), and every time it opens the history after the last id seen
   is fetched, so nothing sent while it was down is missed. History is also fetched
   every 15 s as a safety net, and when the tab becomes visible again. */
import { chat, authed, ensureSession, retryAfterOf, ChatError } from './api.js';
import { addMessage, cursor } from './log.js';

var RETRY_MIN = 1000;
var RETRY_MAX = 30000;
var POLL_MS = 15000;
var STABLE_MS = 10000;   // open this long: the next failure starts the backoff again

var delay = RETRY_MIN;
var fetching = null;
var again = false;
var statusFn = function () {};

/* Everything after the cursor (one fetch at a time; a call meanwhile runs once after). */
export function catchUp() {
  if (fetching) { again = true; return fetching; }
  fetching = authed('GET', '/messages?after=' + encodeURIComponent(cursor())).then(function (body) {
    ((body && body.items) || []).forEach(function (item) {
      addMessage(item.type, item.id, item.text, item.at);
    });
  }).catch(function () { /* the next poll or reconnect tries again */ }).finally(function () {
    fetching = null;
    if (again) { again = false; catchUp(); }
  });
  return fetching;
}

/* Start the stream and the poll; onStatus(state, text) follows the connection. */
export function startLive(onStatus) {
  statusFn = onStatus;
  connect();
  setInterval(catchUp, POLL_MS);
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') catchUp();
  });
}

function connect() {
  var opened = 0;
  statusFn('connecting', '连接中…');
  ensureSession().then(function () {
    return fetch('/api/chat/' + encodeURIComponent(chat.shop) + '/stream', {
      headers: { Authorization: 'Bearer ' + chat.token, Accept: 'text/event-stream' },
      cache: 'no-store', credentials: 'omit'
    }).catch(function () { throw new ChatError(0, null, null); });
  }).then(function (response) {
    if (!response.ok) throw new ChatError(response.status, null, retryAfterOf(response));
    if (!response.body) throw new ChatError(0, null, null);
    opened = Date.now();
    statusFn('open', '已连接');
    catchUp();
    return read(response.body.getReader());
  }).then(function () {
    reconnect(opened, null);
  }, function (error) {
    if (error && error.status === 401) chat.token = '';  // expired: a new session next time
    reconnect(opened, error);
  });
}

function reconnect(opened, error) {
  if (opened && Date.now() - opened > STABLE_MS) delay = RETRY_MIN;
  var wait = delay;
  if (error && error.retryAfter) wait = Math.max(wait, error.retryAfter * 1000);
  delay = Math.min(delay * 2, RETRY_MAX);
  if (error && error.status === 404) statusFn('error', '店铺不存在或未开通在线客服');
  else statusFn('retrying', '连接中断，正在重连…');
  setTimeout(connect, wait + Math.floor(Math.random() * 300));
}

/* Read server-sent events until the body ends. */
function read(reader) {
  var decoder = new TextDecoder();
  var buffer = '';
  var event = { name: '', data: [] };

  function line(text) {
    if (text === '') {
      if (event.data.length) dispatch(event.name || 'message', event.data.join('\n'));
      event = { name: '', data: [] };
      return;
    }
    if (text.charAt(0) === ':') return;  // a comment (keep-alive)
    var colon = text.indexOf(':');
    var field = colon < 0 ? text : text.slice(0, colon);
    var value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.charAt(0) === ' ') value = value.slice(1);
    if (field === 'event') event.name = value;
    else if (field === 'data') event.data.push(value);
  }

  function pump() {
    return reader.read().then(function (chunk) {
      if (chunk.done) return;
      buffer += decoder.decode(chunk.value, { stream: true });
      var keep = buffer.charAt(buffer.length - 1) === '\r' ? 1 : 0;  // maybe half of \r\n
      var lines = buffer.slice(0, buffer.length - keep).split(/\r\n|\r|\n/);
      buffer = lines.pop() + buffer.slice(buffer.length - keep);
      lines.forEach(line);
      return pump();
    });
  }
  return pump();
}

function dispatch(name, data) {
  if (name !== 'reply') return;
  var reply;
  try { reply = JSON.parse(data); } catch (e) { return; }
  if (reply && reply.id !== undefined) addMessage('shop', reply.id, reply.text, reply.at);
}
