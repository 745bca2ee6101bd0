/* Agent console: the chat timeline of the open conversation (click an open buyer message
   to answer it), and the free-text composer, which answers the panel's message. */
import { $, append, clear, el, enc } from '/static/common.js';
import { state, api, shopPath, toast } from './state.js';
import { renderPanel, targetLabel } from './panel.js';
import { noticeBox } from './notice.js';
import { buyerBubble, replyBubble } from './bubbles.js';
import { post } from './send.js';
import { pickTarget, targetMessage } from './target.js';

export function loadDetail() {
  if (!state.currentId) return Promise.resolve();
  var seq = ++state.detailSeq;
  var id = state.currentId;
  return api('GET', shopPath('/conversations/' + enc(id))).then(function (body) {
    if (seq !== state.detailSeq || id !== state.currentId) return;
    state.detail = body;
    renderChat();
    renderPanel();
    renderComposer();
  }).catch(function (error) {
    if (error.status !== 401 && id === state.currentId) toast('会话加载失败：' + error.message);
  });
}

/* The agent clicked an open message: the panel answers it from now on. */
function pick(id) {
  if (!pickTarget(id)) return;
  renderChat();
  renderPanel();
  renderComposer();
}

export function renderChat() {
  var chat = $('chat');
  var scroller = $('chat-scroll');
  var nearBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 60;
  var changed = chat.getAttribute('data-conversation-id') !== (state.currentId || '');
  var scrollTop = scroller.scrollTop;
  clear(chat);
  chat.setAttribute('data-conversation-id', state.currentId || '');
  var title = $('chat-title');
  clear(title);
  if (!state.currentId) {
    title.textContent = '请选择左侧会话';
    chat.appendChild(el('div', { class: 'empty', text: '从左侧选择一个会话开始回复' }));
    return;
  }
  var detail = state.detail;
  append(title, [
    el('span', { testid: 'chat-buyer-name', text: (detail && (detail.buyer_nick || detail.buyer_id)) || '买家' }),
    el('span', { class: 'muted small mono', testid: 'chat-conversation-id', text: state.currentId }),
    detail && detail.offhours_unseen ? el('span', { class: 'badge badge-night', testid: 'chat-offhours',
      text: '夜间已自动回复，请跟进' }) : null
  ]);
  if (!detail) {
    chat.appendChild(el('div', { class: 'empty', text: '加载中…' }));
    return;
  }
  var timeline = detail.timeline || [];
  var target = targetMessage();
  if (!timeline.length) chat.appendChild(el('div', { class: 'empty', text: '暂无消息' }));
  timeline.forEach(function (item) {
    chat.appendChild(item.type === 'buyer'
      ? buyerBubble(item, !!target && item.id === target.id, pick, renderChat)
      : replyBubble(item, renderChat));
  });
  if (changed || nearBottom) scroller.scrollTop = scroller.scrollHeight;
  else scroller.scrollTop = scrollTop;
}

export function renderComposer() {
  var open = !!state.currentId;
  var target = state.detail ? targetMessage() : null;
  $('free-text').disabled = !open;
  $('free-send').disabled = !open || state.busy;
  var line = $('composer-target');
  line.textContent = !open || !state.detail ? '' : target ? '发送将' + targetLabel(target)
    : '没有待回复的消息：发送为跟进回复';
  line.setAttribute('data-message-id', target ? target.id : '');
  var box = $('composer-notice');
  clear(box);
  if (state.notice && state.notice.scope === 'free') {
    box.appendChild(noticeBox(state.notice, function () { renderComposer(); }));
  }
}

/* Send the typed reply: it answers the panel's message (none open: a follow-up). */
export function sendFreeText() {
  var input = $('free-text');
  var text = input.value;
  if (!state.currentId || !text.trim()) return;
  var target = state.detail ? targetMessage() : null;
  var body = { text: text };
  if (target) body.message_id = target.id;
  post('free', shopPath('/conversations/' + enc(state.currentId) + '/replies'), body,
    function () { if (input.value === text) input.value = ''; });
}
