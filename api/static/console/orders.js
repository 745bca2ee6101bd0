/* Agent console: the buyer's orders in this shop. */
import { $, clear, el, enc, formatTime } from '/static/common.js';
import { state, api, shopPath } from './state.js';

export function loadOrders() {
  var id = state.currentId;
  return api('GET', shopPath('/conversations/' + enc(id) + '/orders')).then(function (body) {
    if (id !== state.currentId) return;
    state.orders = body;
    renderOrders();
  }).catch(function (error) {
    if (id !== state.currentId) return;
    state.ordersError = error.message;
    renderOrders();
  });
}

export function renderOrders() {
  var box = $('orders');
  clear(box);
  if (!state.currentId) {
    box.appendChild(el('div', { class: 'empty', text: '未打开会话' }));
    return;
  }
  if (state.ordersError) {
    box.appendChild(el('div', { class: 'alert alert-error', text: '订单加载失败：' + state.ordersError }));
    return;
  }
  if (!state.orders) {
    box.appendChild(el('div', { class: 'empty', text: '加载中…' }));
    return;
  }
  var orders = state.orders.orders || [];
  if (!state.orders.buyer_id) {
    box.appendChild(el('div', { class: 'empty', testid: 'no-orders', text: '未关联买家账号' }));
    return;
  }
  if (!orders.length) {
    box.appendChild(el('div', { class: 'empty', testid: 'no-orders', text: '该买家在本店没有订单' }));
    return;
  }
  orders.forEach(function (o) {
    var items = el('ul', { class: 'order-items', testid: 'order-items' });
    (o.items || []).forEach(function (item) {
      var extra = [item.colour, item.size].filter(Boolean).join(' / ');
      items.appendChild(el('li', { testid: 'order-item' },
        el('span', { text: item.title }),
        el('span', { class: 'muted', text: ' ×' + item.quantity + (extra ? ' · ' + extra : '') +
          ' · ¥' + item.price })));
    });
    var shipping = o.courier || o.tracking_no
      ? [o.courier || '', o.tracking_no || ''].join(' ').trim() : '未发货';
    box.appendChild(el('div', { class: 'order', testid: 'order-card', 'data-order-id': o.id },
      el('div', { class: 'order-head' },
        el('span', { class: 'mono small', testid: 'order-id', text: o.id }),
        el('span', { class: 'badge ' + statusClass(o.status), testid: 'order-status',
          text: o.status_label || o.status })),
      items,
      el('dl', {},
        el('dt', { text: '实付' }), el('dd', { testid: 'order-total', text: '¥' + o.total +
          (o.postage && Number(o.postage) > 0 ? '（含运费 ¥' + o.postage + '）' : '') }),
        el('dt', { text: '物流' }), el('dd', { testid: 'order-tracking', text: shipping }),
        el('dt', { text: '收货人' }), el('dd', { testid: 'order-receiver', text: o.receiver || '—' }),
        el('dt', { text: '电话' }), el('dd', { testid: 'order-phone', text: o.phone || '—' }),
        el('dt', { text: '地址' }), el('dd', { testid: 'order-address',
          text: [o.province, o.address].filter(Boolean).join(' ') || '—' }),
        el('dt', { text: '下单' }), el('dd', { text: formatTime(o.created_at, true) || '—' }))));
  });
}

function statusClass(status) {
  if (status === 'shipped') return 'badge-blue';
  if (status === 'paid') return 'badge-orange';
  if (status === 'delivered' || status === 'completed' || status === 'received') return 'badge-green';
  if (status === 'refunding' || status === 'refunded' || status === 'closed') return 'badge-warn';
  return '';
}
