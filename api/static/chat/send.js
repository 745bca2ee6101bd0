/* Buyer chat window: the composer. Enter sends (Shift+Enter, or Enter while an input
   method is composing, is a new line); 发送 sends too.

   Each message gets a client_message_id and is shown at once. It is posted with the
   page's item_id; a failure with no answer or a 5xx is retried with the same id (the
   server stores it once) after 1 s, 2 s, 4 s, 8 s, then the message is marked 发送失败
   with a 重试 button (same id again). The off-hours auto_reply in the answer is shown
   at once. 429 puts the text back in the box: 发送太频繁，请稍后再试. */
import { chat, authed, isTransient, newMessageId } from './api.js';
import { addMessage, addPending, confirmPending, notePending, failPending, removePending } from './log.js';

var MAX_LENGTH = 2000;
var RETRIES = [1000, 2000, 4000, 8000];

function input() { return document.getElementById('chat-input'); }

export function showError(message) {
  var box = document.getElementById('chat-error');
  box.textContent = message || '';
  box.hidden = !message;
}

export function setupComposer() {
  var form = document.getElementById('chat-form');
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    submit();
  });
  input().addEventListener('keydown', function (event) {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    submit();
  });
  input().addEventListener('input', grow);
}

/* The box grows with its text, up to its max-height. */
function grow() {
  var box = input();
  box.style.height = 'auto';
  box.style.height = Math.min(box.scrollHeight + 2, 120) + 'px';
}

function submit() {
  var text = input().value.replace(/^\s+|\s+$/g, '');
  if (!text) return;
  if (text.length > MAX_LENGTH) {
    showError('消息太长，最多 ' + MAX_LENGTH + ' 个字');
    return;
  }
  input().value = '';
  grow();
  var message = { client_message_id: newMessageId(), text: text };
  if (chat.itemId) message.item_id = chat.itemId;
  addPending(message.client_message_id, text);
  deliver(message, 0);
  input().focus();
}

function deliver(message, attempt) {
  var id = message.client_message_id;
  authed('POST', '/messages', message).then(function (body) {
    var stored = (body && body.message) || {};
    var storedId = stored.id !== undefined ? stored.id : stored.message_id;
    confirmPending(id, storedId, stored.at || stored.created_at);
    var auto = body && body.auto_reply;
    if (auto) {
      addMessage('shop', auto.id !== undefined ? auto.id : auto.reply_id, auto.text,
        auto.at || auto.sent_at);
    }
    showError('');
  }, function (error) {
    if (isTransient(error) && attempt < RETRIES.length) {
      notePending(id, '网络不稳定，正在重新发送…');
      setTimeout(function () { deliver(message, attempt + 1); }, RETRIES[attempt]);
      return;
    }
    if (isTransient(error)) {
      failPending(id, function () { notePending(id, '发送中…'); deliver(message, 0); });
      showError('网络异常，消息没有发出去，请点击“重试”');
      return;
    }
    if (error.status === 429) {
      removePending(id);
      if (!input().value) { input().value = message.text; grow(); }
      showError('发送太频繁，请稍后再试');
      return;
    }
    failPending(id, null);
    showError(refusal(error));
  });
}

/* Why the server refused a message, in Chinese. */
function refusal(error) {
  if (error.status === 413) return '消息太长，发送失败（最多 ' + MAX_LENGTH + ' 个字）';
  if (error.status === 422 || error.status === 400) return '消息格式有误，发送失败，请修改后重试';
  if (error.status === 401 || error.status === 403) return '会话已失效，请刷新页面后重试';
  if (error.status === 404) return '店铺不存在或未开通在线客服';
  return '发送失败（错误 ' + error.status + '），请稍后再试';
}
