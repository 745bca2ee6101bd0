/* Agent console: one chat bubble: a buyer message (its state 待回复/已回复/已处理/已跳过;
   an open one can be clicked to become the panel's target) or a reply (which message
   it answered). Long texts fold behind 展开/收起. */
import { el, formatTime, percent, REPLY_KIND } from '/static/common.js';
import { foldedText, intentBadge, MESSAGE_STATE, MESSAGE_STATE_CLASS, shorten } from './labels.js';
import { answeredBy, isOpen } from './target.js';
import { api, shopPath, toast } from './state.js';

/* Characters that draw nothing: whitespace, controls, format characters (zero-width
   space, joiners, BOM), combining marks and variation selectors, the Hangul fillers and
   the blank braille pattern. */
var INVISIBLE = /^[\s\p{Cc}\p{Cf}\p{M}\p{Z}\u115F\u1160\u3164\uFFA0\u2800]+$/u;

/* The code points of a text, as "U+200B U+FEFF …" (the first 12). */
function codePoints(chars) {
  var shown = chars.slice(0, 12).map(function (c) {
    var hex = c.codePointAt(0).toString(16).toUpperCase();
    return 'U+' + ('0000' + hex).slice(-Math.max(4, hex.length));
  });
  return shown.join(' ') + (chars.length > 12 ? ' …' : '');
}

/* The bubble of a text: the text itself in the chat-text element, exactly as sent; a
   text with no visible character also gets a muted hint beside it, in its own element,
   so the bubble is not an empty box. */
function textBubble(text, key, rerender) {
  text = String(text || '');
  if (!text || !INVISIBLE.test(text)) {
    return foldedText(text, key, { class: 'bubble', testid: 'chat-text' }, rerender);
  }
  var chars = Array.from(text);
  var blank = /^\s+$/.test(text);
  return el('div', { class: 'bubble bubble-invisible' },
    foldedText(text, key, { class: 'bubble-text', testid: 'chat-text' }, rerender),
    el('span', { class: 'invisible-hint', testid: 'invisible-hint', title: codePoints(chars),
      text: (blank ? '（空白字符 ×' : '（不可见字符 ×') + chars.length + '）' }));
}

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
  textBubble(item.text, 'chat:' + item.id, rerender),
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
  textBubble(item.text, 'reply:' + item.id, rerender),
  el('div', { class: 'bubble-meta' },
    auto ? el('span', { class: 'badge badge-night', testid: 'auto-reply-badge', text: '自动回复' })
      : el('span', { class: 'badge', text: REPLY_KIND[item.kind] || '回复' }),
    answered && !auto ? el('span', { class: 'answers', testid: 'reply-answers',
      title: answered.text, text: '回复「' + shorten(answered.text, 14) + '」' }) : null,
    item.approved_by ? el('span', { text: item.approved_by }) : null,
    el('span', { text: formatTime(item.at) }),
    item.delivery ? deliveryBadge(item.delivery) : null));
}

var DELIVERY = { pending: '投递中', delivered: '已送达', failed: '投递失败' };
var DELIVERY_CLASS = { pending: 'badge-warn', delivered: 'badge-green', failed: 'badge-red' };

/* Where a reply to the shop's chat system is: pending (tries so far), delivered, or
   failed with the reason and a button to send it again. */
function deliveryBadge(d) {
  var label = DELIVERY[d.state] || d.state;
  if (d.state === 'pending' && d.attempts) label += '（已试 ' + d.attempts + ' 次）';
  return el('span', { class: 'delivery' },
    el('span', { class: 'badge ' + (DELIVERY_CLASS[d.state] || ''), testid: 'delivery-state',
      'data-state': d.state, title: d.last_error || '', text: label }),
    d.state === 'failed' ? el('button', { type: 'button', class: 'btn btn-small',
      testid: 'delivery-retry', onclick: function () { retryDelivery(d.id); } }, '重新投递') : null);
}

function retryDelivery(id) {  // the live 'delivery' event redraws the conversation
  api('POST', shopPath('/deliveries/' + Number(id) + '/retry')).then(function () {
    toast('已重新投递');
  }).catch(function (error) { toast('重新投递失败：' + error.message); });
}

