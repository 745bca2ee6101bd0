/* Supervisor review page: a retrain's before/after report (macro-F1, accuracy, per intent). */
import { el, intentLabel } from '/static/common.js';

export function fixed(value) {
  if (value === null || value === undefined || isNaN(value)) return '—';
  return Number(value).toFixed(3);
}

function signed(value) {
  if (value === null || value === undefined || isNaN(value)) return '—';
  var n = Number(value);
  return (n > 0 ? '+' : n < 0 ? '−' : '±') + Math.abs(n).toFixed(3);
}

function deltaClass(value) {
  var n = Number(value);
  if (isNaN(n) || Math.abs(n) < 0.0005) return 'delta-zero';
  return n > 0 ? 'delta-up' : 'delta-down';
}

export function reportView(report) {
  var before = report.before || {};
  var after = report.after || {};
  var macroDelta = typeof report.macro_f1_delta === 'number' ? report.macro_f1_delta
    : (Number(after.macro_f1) - Number(before.macro_f1));
  var accDelta = Number(after.accuracy) - Number(before.accuracy);
  var row = function (testid, label, b, a, d) {
    return el('div', { testid: testid, style: 'display:contents' },
      el('span', { text: label }),
      el('span', { class: 'num', testid: 'before', text: fixed(b) }),
      el('span', { class: 'num', testid: 'after', text: fixed(a) }),
      el('span', { class: deltaClass(d), testid: 'delta', text: signed(d) }));
  };
  var rows = (report.per_intent || []).slice().sort(function (a, b) { return a.intent < b.intent ? -1 : 1; });
  return el('div', { testid: 'report' },
    el('div', { class: 'report-summary' },
      el('span', { class: 'head', text: '指标' }), el('span', { class: 'head', text: '之前' }),
      el('span', { class: 'head', text: '之后' }), el('span', { class: 'head', text: '变化' }),
      row('report-macro', '宏平均 F1', before.macro_f1, after.macro_f1, macroDelta),
      row('report-accuracy', '准确率', before.accuracy, after.accuracy, accDelta)),
    el('div', { class: 'small muted', text: '留出测试集 ' + (before.examples || '—') + ' 条' }),
    el('table', { class: 'table report-table', testid: 'report-table' },
      el('thead', {}, el('tr', {},
        el('th', { text: '意图' }), el('th', { class: 'num', text: '样本' }),
        el('th', { class: 'num', text: 'F1 之前' }), el('th', { class: 'num', text: 'F1 之后' }),
        el('th', { class: 'num', text: 'Δ' }))),
      el('tbody', {}, rows.map(function (r) {
        var delta = typeof r.delta === 'number' ? r.delta : Number(r.after) - Number(r.before);
        return el('tr', { testid: 'report-row', 'data-intent': r.intent },
          el('td', { testid: 'report-intent', 'data-intent': r.intent, title: r.intent, text: intentLabel(r.intent) }),
          el('td', { class: 'num', text: String(r.support === undefined ? '' : r.support) }),
          el('td', { class: 'num', testid: 'report-before', text: fixed(r.before) }),
          el('td', { class: 'num', testid: 'report-after', text: fixed(r.after) }),
          el('td', { class: 'num ' + deltaClass(delta), testid: 'report-delta', text: signed(delta) }));
      }))));
}
