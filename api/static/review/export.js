/* Supervisor review page: the training-data export (Rasa NLU YAML), shown and downloadable. */
import { $, showError } from '/static/common.js';
import { state, request, shopPath } from './state.js';

export function resetExport() {
  state.exportLoaded = false;
  $('export').hidden = true;
  $('export').textContent = '';
  $('export-download').hidden = true;
  if (state.exportUrl) { URL.revokeObjectURL(state.exportUrl); state.exportUrl = null; }
  showError('export-error', '');
}

export function loadExport() {
  if (!state.shop) return;
  var shop = state.shop;
  var button = $('export-button');
  button.disabled = true;
  request('GET', shopPath('/review/export'), undefined, true).then(function (text) {
    if (shop !== state.shop) return;
    state.exportLoaded = true;
    var pre = $('export');
    pre.textContent = text;
    pre.hidden = false;
    if (state.exportUrl) URL.revokeObjectURL(state.exportUrl);
    state.exportUrl = URL.createObjectURL(new Blob([text], { type: 'text/yaml;charset=utf-8' }));
    var link = $('export-download');
    link.href = state.exportUrl;
    link.setAttribute('download', 'reviewed-' + shop + '.yml');
    link.hidden = false;
    showError('export-error', '');
  }).catch(function (error) {
    if (error.status !== 401 && error.status !== 403) showError('export-error', '导出失败：' + error.message);
  }).then(function () { button.disabled = false; });
}
