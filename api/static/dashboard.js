/* Supervisors' dashboard: GET /api/shops/{shop}/metrics drawn with Chart.js
   (served from node_modules under /static/vendor). Sets window.dashboardReady once
   every chart of the current shop and window is drawn. */
import {
  $, ApiError, byTestId, clearToken, createApi, el, enc, fillShops, getToken, mountChrome, onLogin,
  permissionText, showError as showErrorIn, showLogin as showLoginBox, showSignedIn, userLabel, INTENT_LABEL
} from '/static/common.js';

// Chart legends use shorter names for two intents, and name the metrics' 'unknown'.
var INTENTS = Object.assign({}, INTENT_LABEL,
  { shipping_query: '发货物流', size_query: '尺码', unknown: '未解析' });
var PALETTE = ['#1668dc', '#ff6a00', '#1a7f37', '#cf222e', '#6639ba', '#0598bc', '#bf8700',
  '#e85aad', '#57606a', '#2da44e', '#8250df', '#fb8f44', '#0969da', '#a40e26', '#7d4e00'];
var CHARTS = ['chart-intents', 'chart-acceptance', 'chart-reply-time', 'chart-offhours',
  'chart-fallback', 'chart-agents'];

var state = { me: null };
var api = createApi().api;
window.dashboardReady = false;

function intentLabel(name) { return INTENTS[name] || name; }
function dayLabel(iso) { return iso.slice(5); }
function pct(value) { return value === null || value === undefined ? null : Math.round(value * 1000) / 10; }
function fmtRate(value) { return value === null || value === undefined ? '—' : pct(value).toFixed(1) + '%'; }
function fmtSeconds(value) {
  if (value === null || value === undefined) return '—';
  if (value < 120) return Math.round(value) + ' 秒';
  if (value < 7200) return (value / 60).toFixed(1) + ' 分钟';
  return (value / 3600).toFixed(1) + ' 小时';
}

function showError(message) { showErrorIn('error', message); }

function showLogin() { showLoginBox('', ['nav-tools', 'content']); }

function fail(error) {
  window.dashboardReady = false;
  window.dashboardError = error.status || 'error';
  $('content').hidden = true;
  if (error.status === 401) {
    clearToken();
    showError('令牌无效或已停用，请重新登录。（401：' + error.message + '）');
    showLogin();
  } else if (error.status === 403) {
    showError('没有权限：数据看板只对本店主管和管理员开放（403：' + permissionText(error.message) + '）。');
  } else {
    showError('数据加载失败：' + (error.message || error));
  }
}

function draw(testid, config) {
  var element = byTestId(testid);
  var old = Chart.getChart(element);
  if (old) old.destroy();
  return new Chart(element, config);
}

function percentAxis(full) {
  var axis = { beginAtZero: true, ticks: { callback: function (v) { return v + '%'; } } };
  if (full) axis.max = 100; else axis.suggestedMax = 20;  // fallback rates are small: zoom in
  return axis;
}

function card(label, value, sub, testid) {
  return el('div', { class: 'stat', testid: testid },
    el('div', { class: 'label', text: label }),
    el('div', { class: 'value', text: value }),
    el('div', { class: 'sub', text: sub || '\u00a0' }));
}

function row(cells) {
  return el('tr', {}, cells.map(function (cell, i) {
    return el('td', { class: i > 0 ? 'num' : null, text: cell });
  }));
}

function renderCards(m) {
  var t = m.totals, r = m.reply_time, cards = $('cards');
  cards.textContent = '';
  cards.appendChild(card('买家消息', t.messages, m.days.length + ' 天', 'card-messages'));
  cards.appendChild(card('客服回复', t.replies, '含手写回复', 'card-replies'));
  cards.appendChild(card('建议采纳率', fmtRate(t.acceptance_rate), '已处理建议 ' + t.decided, 'card-acceptance'));
  cards.appendChild(card('首次回复中位数', fmtSeconds(r.p50), '90 分位 ' + fmtSeconds(r.p90), 'card-reply-time'));
  cards.appendChild(card('自动回复', t.auto_replies, '非营业时间', 'card-auto'));
  cards.appendChild(card('未识别率', fmtRate(m.fallback_rate.overall), '意图未识别的消息', 'card-fallback'));
}

function renderCharts(m) {
  var days = m.days.map(dayLabel);
  var intents = Object.keys(m.intents_by_day).sort(function (a, b) {
    var sum = function (k) { return m.intents_by_day[k].reduce(function (x, y) { return x + y; }, 0); };
    return sum(b) - sum(a);
  });
  draw('chart-intents', { type: 'bar', data: { labels: days, datasets: intents.map(function (name, i) {
    return { label: intentLabel(name), data: m.intents_by_day[name], backgroundColor: PALETTE[i % PALETTE.length] };
  }) }, options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
    plugins: { legend: { position: 'right' } } } });

  var rows = m.per_intent.filter(function (r) { return r.decided > 0 || r.messages > 0; });
  draw('chart-acceptance', { type: 'bar', data: { labels: rows.map(function (r) { return intentLabel(r.intent); }),
    datasets: [
      { label: '采纳率（采纳+修改后发送）/已处理', data: rows.map(function (r) { return pct(r.acceptance_rate); }),
        backgroundColor: '#1a7f37' },
      { label: '修改率 修改后发送/（采纳+修改后发送）', data: rows.map(function (r) { return pct(r.edit_rate); }),
        backgroundColor: '#bf8700' }] },
    options: { scales: { y: percentAxis(true) }, plugins: { tooltip: { callbacks: { afterLabel: function (ctx) {
      return '已处理建议 ' + rows[ctx.dataIndex].decided + ' · 消息 ' + rows[ctx.dataIndex].messages;
    } } } } } });

  draw('chart-reply-time', { type: 'line', data: { labels: days, datasets: [{ label: '中位数（秒）',
    data: m.reply_time.p50_per_day, borderColor: '#1668dc', backgroundColor: '#1668dc', spanGaps: true }] },
    options: { scales: { y: { beginAtZero: true } }, plugins: { tooltip: { callbacks: {
      label: function (ctx) { return '中位数 ' + fmtSeconds(ctx.parsed.y); } } } } } });

  draw('chart-offhours', { type: 'bar', data: { labels: days, datasets: [{ label: '自动回复',
    data: m.offhours_auto_replies, backgroundColor: '#6639ba' }] },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } });

  draw('chart-fallback', { type: 'line', data: { labels: days, datasets: [{ label: '未识别率',
    data: m.fallback_rate.per_day.map(pct), borderColor: '#cf222e', backgroundColor: '#cf222e', spanGaps: true }] },
    options: { scales: { y: percentAxis(false) } } });

  var agents = m.per_agent;
  var parts = [['approved', '直接采纳', '#1a7f37'], ['edited', '修改后发送', '#bf8700'],
    ['free_text', '手写', '#1668dc'], ['rejected', '拒绝建议', '#cf222e']];
  draw('chart-agents', { type: 'bar', data: { labels: agents.map(function (a) { return a.agent; }),
    datasets: parts.map(function (p) {
      return { label: p[1], data: agents.map(function (a) { return a[p[0]]; }), backgroundColor: p[2] };
    }) }, options: { indexAxis: 'y', scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
    y: { stacked: true } } } });
}

function renderAgents(m) {
  var timing = {};
  m.reply_time.per_agent.forEach(function (a) { timing[a.agent] = a; });
  var names = m.per_agent.map(function (a) { return a.agent; });
  m.reply_time.per_agent.forEach(function (a) { if (names.indexOf(a.agent) < 0) names.push(a.agent); });
  var byName = {};
  m.per_agent.forEach(function (a) { byName[a.agent] = a; });
  var body = $('agent-rows');
  body.textContent = '';
  names.forEach(function (name) {
    var a = byName[name] || { replies: 0, approved: 0, edited: 0, free_text: 0, rejected: 0, acceptance_rate: null };
    var t = timing[name] || { replies: 0, p50: null };
    body.appendChild(row([name, a.replies, a.approved, a.edited, a.free_text, a.rejected,
      fmtRate(a.acceptance_rate), t.replies, fmtSeconds(t.p50)]));
  });
  if (!names.length) body.appendChild(row(['暂无数据', '', '', '', '', '', '', '', '']));
}

function loadShops(days) {
  if (!state.me || state.me.role !== 'admin') return Promise.resolve();
  return api('GET', '/metrics/shops?days=' + days).then(function (summary) {
    var body = $('shop-rows');
    body.textContent = '';
    summary.shops.forEach(function (s) {
      body.appendChild(row([s.shop_id, s.messages, s.replies, s.auto_replies, fmtRate(s.acceptance_rate),
        fmtRate(s.fallback_rate), fmtSeconds(s.reply_time_p50)]));
    });
    $('shops-card').hidden = false;
  });
}

function load() {
  var shop = $('shop-select').value, days = $('days-select').value;
  window.dashboardReady = false;
  var query = new URLSearchParams({ shop: shop, days: days });
  history.replaceState(null, '', '/dashboard?' + query.toString());
  return api('GET', '/shops/' + enc(shop) + '/metrics?days=' + days).then(function (m) {
    showError('');
    $('content').hidden = false;
    $('title').textContent = '数据看板 · ' + shop;
    $('window').textContent = m.days[0] + ' 至 ' + m.days[m.days.length - 1] + '（' + m.timezone + '）';
    renderCards(m);
    renderCharts(m);
    renderAgents(m);
    return loadShops(days);
  }).then(function () {
    window.dashboardReady = CHARTS.every(function (id) { return Chart.getChart(byTestId(id)) !== undefined; });
  }).catch(fail);
}

/* The time window, next to the shop selector. */
function daysSelect() {
  return el('label', { class: 'small' }, '时间 ',
    el('select', { id: 'days-select', testid: 'days-select', 'aria-label': '天数' },
      ['7', '14', '30', '90'].map(function (days) {
        var option = el('option', { value: days, text: '近 ' + days + ' 天' });
        option.defaultSelected = days === '14';
        return option;
      })));
}

function start() {
  $('login').hidden = true;
  showError('');
  if (typeof Chart === 'undefined') {
    showError('图表库 Chart.js 未安装：请运行 make setup（npm ci）。');
    return;
  }
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.datasets.bar.maxBarThickness = 48;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  api('GET', '/me').then(function (me) {
    state.me = me;
    showSignedIn(userLabel(me), ['nav-tools']);
    var params = new URLSearchParams(location.search);
    fillShops(me.visible_shops);
    if (!me.visible_shops.length) throw new ApiError(403, { detail: '没有可查看的店铺' });
    if (me.visible_shops.indexOf(params.get('shop')) >= 0) $('shop-select').value = params.get('shop');
    if (['7', '14', '30', '90'].indexOf(params.get('days')) >= 0) $('days-select').value = params.get('days');
    return load();
  }).catch(fail);
}

mountChrome('dashboard', { after: daysSelect() });
$('shop-select').addEventListener('change', load);
$('days-select').addEventListener('change', load);
$('logout').addEventListener('click', function () {
  clearToken();
  window.dashboardReady = false;
  showError('');
  showLogin();
});
onLogin(start);

if (getToken()) start(); else showLogin();
