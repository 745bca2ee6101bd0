/* Agent console: the notice shown where the agent acted: a compliance block, a warning
   or a duplicate text to confirm (仍然发送 / 再发一次, or 取消), an error. */
import { el } from '/static/common.js';
import { state } from './state.js';

function matchesLine(notice) {
  return notice.matches && notice.matches.length
    ? el('div', { class: 'small', text: '命中：' + notice.matches.join('、') }) : null;
}

/* The box for `notice`; `dismissed` re-renders after 取消. */
export function noticeBox(notice, dismissed) {
  function dismiss() { state.notice = null; dismissed(); }
  if (notice.kind === 'block') {
    return el('div', { class: 'alert alert-error', role: 'alert', testid: 'compliance-error' },
      el('div', { class: 'alert-title', text: '合规拦截，未发送' }),
      el('div', { testid: 'compliance-reason', text: notice.text }),
      matchesLine(notice));
  }
  if (notice.kind === 'warn' || notice.kind === 'duplicate') {
    var duplicate = notice.kind === 'duplicate';
    return el('div', { class: 'alert alert-warn', role: 'alert',
      testid: duplicate ? 'duplicate-warning' : 'compliance-warning' },
    el('div', { class: 'alert-title', text: duplicate ? '⚠ 重复发送，请确认' : '⚠ 合规提醒，请确认' }),
    el('div', { testid: duplicate ? 'duplicate-question' : 'compliance-reason', text: notice.text }),
    notice.extra ? el('div', { testid: 'compliance-reason', text: notice.extra }) : null,
    matchesLine(notice),
    el('div', { class: 'alert-actions' },
      el('button', { type: 'button', class: 'btn btn-warn btn-small', testid: 'confirm-send',
        disabled: state.busy, onclick: function () { if (notice.retry) notice.retry(); } },
      duplicate ? '再发一次' : '仍然发送'),
      el('button', { type: 'button', class: 'btn btn-small', testid: 'dismiss-notice', onclick: dismiss },
        '取消')));
  }
  return el('div', { class: 'alert alert-error', role: 'alert', testid: 'action-error' },
    el('span', { text: notice.text }), ' ',
    el('button', { type: 'button', class: 'btn btn-ghost btn-small', testid: 'dismiss-notice',
      onclick: dismiss }, '知道了'));
}
