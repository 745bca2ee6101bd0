/* Agent console: POST something that settles a buyer message (a reply, 已处理, 跳过) and
   keep the answer on screen: compliance blocks, warnings to confirm, a duplicate text
   to confirm, a message that is no longer open. */
import { state, api } from './state.js';
import { renderPanel } from './panel.js';
import { renderComposer, loadDetail } from './chat.js';
import { scheduleListRefresh } from './list.js';
import { clearTarget } from './target.js';
import { MESSAGE_STATE } from './labels.js';

export var DUPLICATE_QUESTION = '同样的内容刚刚已发送过，确定再发一次吗？';
var NOT_OPEN = '这条消息已不是待回复状态（可能已被其他客服回复或处理），已刷新会话';
var BUSY = '其他客服正在同时处理这个会话，请稍后再试';

/* A 409 that is not a question: who settled the message first, in Chinese. */
function conflictText(data) {
  if (data.retry) return BUSY;
  if (data.settled_by && MESSAGE_STATE[data.state]) {
    return '这条消息已由 ' + data.settled_by + ' 标为“' + MESSAGE_STATE[data.state] + '”，已刷新会话';
  }
  if (data.settled_by) return '这条消息已由 ' + data.settled_by + ' 处理，已刷新会话';
  return NOT_OPEN;
}

function warnReasons(data) {
  var reasons = [];
  ((data.compliance && data.compliance.findings) || []).forEach(function (f) {
    if (f.severity === 'warn' && f.reason && reasons.indexOf(f.reason) < 0) reasons.push(f.reason);
  });
  return reasons;
}

function stripPrefix(text) {
  return String(text || '').replace(/^reply (blocked|needs confirming):\s*/i, '');
}

function withConfirm(body) {
  var again = {};
  for (var key in body) if (Object.prototype.hasOwnProperty.call(body, key)) again[key] = body[key];
  again.confirm = true;
  return again;
}

function rerender() {
  renderPanel();
  renderComposer();
}

/* POST `body` to `path` for the notice `scope` ('free', 's:<id>', 'm:<id>'). On success:
   onSent(), the panel goes back to the oldest open message, the chat reloads. */
export function post(scope, path, body, onSent) {
  if (state.busy) return Promise.resolve(false);
  state.busy = true;
  state.notice = null;
  rerender();
  var conversation = state.currentId;
  return api('POST', path, body).then(function () {
    state.busy = false;
    state.notice = null;
    if (conversation === state.currentId) clearTarget();
    if (onSent) onSent();
    rerender();
    if (conversation === state.currentId) loadDetail();
    scheduleListRefresh();
    return true;
  }).catch(function (error) {
    state.busy = false;
    if (conversation === state.currentId) state.notice = noticeFor(scope, error, path, body, onSent);
    if (error.status === 409 && !(error.body || {}).needs_confirm && conversation === state.currentId) {
      loadDetail();
      scheduleListRefresh();
    }
    rerender();
    return false;
  });
}

function noticeFor(scope, error, path, body, onSent) {
  var data = error.body || {};
  var matches = [];
  ((data.compliance && data.compliance.findings) || []).forEach(function (f) {
    if (f.match && matches.indexOf(f.match) < 0) matches.push(f.match);
  });
  var retry = function () { return post(scope, path, withConfirm(body), onSent); };
  if (error.status === 422 && data.compliance) {
    return { scope: scope, kind: 'block', text: stripPrefix(error.message), matches: matches };
  }
  if (error.status === 409 && data.needs_confirm && data.duplicate_of !== undefined && data.duplicate_of !== null) {
    var also = warnReasons(data);  // a repeated text can carry a compliance warning too
    return { scope: scope, kind: 'duplicate', text: DUPLICATE_QUESTION, matches: matches,
      extra: also.length ? '另有合规提醒：' + also.join('；') : '', duplicateOf: data.duplicate_of, retry: retry };
  }
  if (error.status === 409 && data.needs_confirm) {
    return { scope: scope, kind: 'warn', text: stripPrefix(error.message), matches: matches, retry: retry };
  }
  if (error.status === 409) return { scope: scope, kind: 'error', text: conflictText(data), matches: [] };
  if (error.status === 401) return null;
  return { scope: scope, kind: 'error', text: '发送失败：' + error.message, matches: [] };
}
