/* Agent console: one chat bubble: a buyer message (its state 待回复/已回复/已处理/已跳过;
   an open one can be clicked to become the panel's target) or a reply (which message
   it answered). Long texts fold behind 展开/收起. */
import { el, formatTime, percent, REPLY_KIND } from '/static/common.js';
import { foldedText, intentBadge, MESSAGE_STATE, MESSAGE_STATE_CLASS, shorten } from './labels.js';
import { answeredBy, isOpen } from './target.js';

function settledLine(item) {
  if (isOpen(item) || !item.settled_by) return null;
  return el('span', { class: 'small', testid: 'settled-by',
    text: item.settled_by + (item.settled_at ? ' ' + formatTime(item.settled_at) : '') });
}

/* The bubble of buyer message `item`; `target`: it is the panel's message. */
export function buyerBubble(item, target, pick, rerender) {
  var messageState = item.state || 'open';
  var open = isOpen(item);
  var row = el('div', {
    class: 'bubble-row from-buyer state-' + messageState + (open ? ' pickable' : '') + (target ? ' is-target' : ''),
    testid: 'chat-buyer', 'data-message-id': item.id, 'data-state': messageState,
    'aria-current': target ? 'true' : null,
    role: open ? 'button' : null, tabindex: open ? '0' : null,
    title: open ? (target ? '右侧建议面板正在回复这条消息' : '点击：在右侧回复这条消息') : null,
    onclick: open ? function () { pick(item.id); } : null,
    onkeydown: open ? function (event) {
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); pick(item.id); }
    } : null
  },
  foldedText(item.text, 'chat:' + item.id, { class: 'bubble', testid: 'chat-text' }, rerender),
  el('div', { class: 'bubble-meta' },
    el('span', { text: formatTime(item.at) }),
    el('span', { class: 'badge ' + (MESSAGE_STATE_CLASS[messageState] || ''), testid: 'message-state',
      'data-state': messageState, text: MESSAGE_STATE[messageState] || messageState }),
    target ? el('span', { class: 'badge badge-blue', testid: 'target-marker', text: '正在回复' }) : null,
    settledLine(item),
    item.intent ? intentBadge(item.intent) : null,
    el('span', { text: '置信度 ' + percent(item.confidence) }),
    item.degraded ? el('span', { class: 'badge badge-warn', text: '⚠ 降级' }) : null,
    item.escalate ? el('span', { class: 'badge badge-red', text: '需转人工/主管' }) : null));
  return row;
}

export function replyBubble(item, rerender) {
  var auto = item.kind === 'auto_offhours';
  var answered = answeredBy(item);
  return el('div', { class: 'bubble-row from-shop' + (auto ? ' auto' : ''),
    testid: 'chat-reply', 'data-kind': item.kind, 'data-reply-id': item.id,
    'data-answers': answered ? answered.id : null },
  foldedText(item.text, 'reply:' + item.id, { class: 'bubble', testid: 'chat-text' }, rerender),
  el('div', { class: 'bubble-meta' },
    auto ? el('span', { class: 'badge badge-night', testid: 'auto-reply-badge', text: '自动回复' })
      : el('span', { class: 'badge', text: REPLY_KIND[item.kind] || '回复' }),
    answered && !auto ? el('span', { class: 'answers', testid: 'reply-answers',
      title: answered.text, text: '回复「' + shorten(answered.text, 14) + '」' }) : null,
    item.approved_by ? el('span', { text: item.approved_by }) : null,
    el('span', { text: formatTime(item.at) })));
}

