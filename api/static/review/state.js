/* Supervisor review page: labels, the page's state, its API client, small helpers. */
import {
  $, append, clear, createApi, detailText, el, enc, labelledOptions, INTENTS
} from '/static/common.js';
import { signOut, forbidden } from './main.js';

export var ENTITIES = [
  ['order_id', '订单号'], ['location', '地点'], ['height', '身高'], ['weight', '体重'],
  ['size', '尺码'], ['courier', '快递'], ['amount', '金额'], ['phone', '手机号'],
  ['id_number', '身份证号']
];
export var ENTITY_LABEL = {};
ENTITIES.forEach(function (pair) { ENTITY_LABEL[pair[0]] = pair[1]; });
export var REASONS = [
  ['low_confidence', '低置信度', 'badge-warn'], ['fallback', '未识别', 'badge-orange'],
  ['rejected', '建议被拒', 'badge-red'], ['corrected', '意图被纠正', 'badge-night'],
  ['edited', '大幅改写', 'badge-blue']
];
export var REASON_LABEL = {};
export var REASON_CLASS = {};
REASONS.forEach(function (r) { REASON_LABEL[r[0]] = r[1]; REASON_CLASS[r[0]] = r[2]; });

export var state = {
  me: null,
  shop: null,
  filters: { reason: '', intent: '', since: '', until: '', status: 'open' },
  items: [],
  counts: {},
  loaded: false,
  loadSeq: 0,
  loading: false,  // a queue load is in flight
  ui: {},            // message id → {mode, intent, entities, touched, addType, addStart, addEnd, busy, error}
  forbidden: false,
  models: null,
  job: null,
  pollTimer: null,
  servingTimer: null,
  exportUrl: null,
  flashTimer: null
};

var client = createApi({
  onUnauthorized: function () { signOut('令牌无效或已过期，请重新登录 (401)'); },
  onForbidden: function (data) { forbidden(detailText(data, 403)); },
  networkError: '网络错误，无法连接服务'
});
export var request = client.request;
export var api = client.api;

export function shopPath(rest) { return '/shops/' + enc(state.shop) + rest; }

/* The intents as options of `select` (with "all" first when withAll). */
export function intentOptions(select, selected, withAll) {
  clear(select);
  if (withAll) select.appendChild(el('option', { value: '', text: '全部意图' }));
  append(select, labelledOptions(INTENTS));
  select.value = selected || (withAll ? '' : INTENTS[0][0]);
}

export function flash(message) {
  var box = $('flash');
  box.textContent = message;
  box.className = 'small badge badge-green';
  clearTimeout(state.flashTimer);
  state.flashTimer = setTimeout(function () { box.textContent = ''; box.className = 'small'; }, 5000);
}
