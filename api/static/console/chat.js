/* Agent console: the chat timeline of the open conversation, and the free-text composer. */
import { $, append, clear, el, enc, formatTime, intentLabel, percent, REPLY_KIND } from '/static/common.js';
import { state, api, shopPath, toast } from './state.js';
import { renderPanel, noticeBox } from './panel.js';
import { sendReply } from './suggestions.js';

export function loadDetail() {
  if (!state.currentId) return Promise.resolve();
  var seq = ++state.detailSeq;
  var id = state.currentId;
  return api('GET', shopPath('/conversations/' + enc(id))).then(function (body) {
    if (seq !== state.detailSeq || id !== state.currentId) return;
    state.detail = body;
    renderChat();
    renderPanel();
  }).catch(function (error) {
    if (error.status !== 401 && id === state.currentId) toast('会话加载失败：' + error.message);
  });
}

export function renderChat() {
  var chat = $('chat');
  var scroller = $('chat-scroll');
  var nearBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 60;
  var changed = chat.getAttribute('data-conversation-id') !== (state.currentId || '');
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
    el('span', { text: (detail && detail.buyer_id) || '买家' }),
    el('span', { class: 'muted small mono', testid: 'chat-conversation-id', text: state.currentId }),
    detail && detail.offhours_unseen ? el('span', { class: 'badge badge-night', testid: 'chat-offhours',
      text: '夜间已自动回复，请跟进' }) : null
  ]);
  if (!detail) {
    chat.appendChild(el('div', { class: 'empty', text: '加载中…' }));
    return;
  }
  var timeline = detail.timeline || [];
  if (!timeline.length) chat.appendChild(el('div', { class: 'empty', text: '暂无消息' }));
  timeline.forEach(function (item) {
    if (item.type === 'buyer') {
      chat.appendChild(el('div', { class: 'bubble-row from-buyer', testid: 'chat-buyer',
        'data-message-id': item.id },
      el('div', { class: 'bubble', testid: 'chat-text', text: item.text }),
      el('div', { class: 'bubble-meta' },
        el('span', { text: formatTime(item.at) }),
        item.intent ? el('span', { class: 'badge badge-blue', text: intentLabel(item.intent) }) : null,
        el('span', { text: '置信度 ' + percent(item.confidence) }),
        item.degraded ? el('span', { class: 'badge badge-warn', text: '⚠ 降级' }) : null,
        item.escalate ? el('span', { class: 'badge badge-red', text: '需转人工/主管' }) : null)));
    } else {
      var auto = item.kind === 'auto_offhours';
      chat.appendChild(el('div', { class: 'bubble-row from-shop' + (auto ? ' auto' : ''),
        testid: 'chat-reply', 'data-kind': item.kind, 'data-reply-id': item.id },
      el('div', { class: 'bubble', testid: 'chat-text', text: item.text }),
      el('div', { class: 'bubble-meta' },
        auto ? el('span', { class: 'badge badge-night', testid: 'auto-reply-badge', text: '自动回复' })
          : el('span', { class: 'badge', text: REPLY_KIND[item.kind] || item.kind }),
        item.approved_by ? el('span', { text: item.approved_by }) : null,
        el('span', { text: formatTime(item.at) }))));
    }
  });
  if (changed || nearBottom) scroller.scrollTop = scroller.scrollHeight;
}

export function renderComposer() {
  var open = !!state.currentId;
  $('free-text').disabled = !open;
  $('free-send').disabled = !open || state.busy;
  var box = $('composer-notice');
  clear(box);
  if (state.notice && state.notice.scope === 'free') box.appendChild(noticeBox(state.notice));
}

export function sendFreeText() {
  var input = $('free-text');
  var text = input.value;
  if (!state.currentId || !text.trim()) return;
  sendReply('free', shopPath('/conversations/' + enc(state.currentId) + '/replies'), { text: text },
    function () { if (input.value === text) input.value = ''; });
}
