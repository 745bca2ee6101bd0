/* Supervisor review page: the retrain panel: start a retrain, follow its progress,
   then activate or reject the candidate; the recent versions. Retrain, activate and
   reject are admin actions (the API answers 403 to others): supervisors see the
   progress and the report, with the buttons disabled or absent. */
import { $, clear, el, enc, formatTime, showError } from '/static/common.js';
import { state, api } from './state.js';
import { fixed, reportView } from './report.js';

var MODEL_STATUS = {
  training: '训练中', evaluating: '评估中', ready: '待决定', active: '已启用',
  retired: '已退役', rejected: '已放弃', failed: '失败'
};
var MODEL_BADGE = {
  training: 'badge-blue', evaluating: 'badge-blue', ready: 'badge-warn', active: 'badge-green',
  retired: '', rejected: '', failed: 'badge-red'
};
var POLL_MS = 2000;

export function stopPolling() {
  clearTimeout(state.pollTimer);
  clearTimeout(state.servingTimer);
  state.pollTimer = state.servingTimer = null;
}

function isAdmin() { return !!state.me && state.me.role === 'admin'; }

function running(job) { return !!job && (job.status === 'training' || job.status === 'evaluating'); }

export function loadModels(pickJob) {
  return api('GET', '/models').then(function (body) {
    state.models = body;
    if (pickJob || !state.job) {
      var versions = body.versions || [];
      var current = null;
      for (var i = 0; i < versions.length; i++) {
        if (running(versions[i]) || versions[i].status === 'ready') { current = versions[i]; break; }
      }
      if (current) state.job = current;
    } else if (state.job) {
      (body.versions || []).forEach(function (v) { if (v.id === state.job.id) state.job = v; });
    }
    renderModels();
    if (running(state.job)) schedulePoll();
    return body;
  }).catch(function (error) {
    if (error.status !== 401 && error.status !== 403) showError('retrain-error', '无法读取模型：' + error.message);
  });
}

function schedulePoll() {
  clearTimeout(state.pollTimer);
  state.pollTimer = setTimeout(pollJob, POLL_MS);
}

function pollJob() {
  var job = state.job;
  if (!job || state.forbidden) return;
  api('GET', '/models/' + enc(job.id)).then(function (fresh) {
    if (!state.job || state.job.id !== fresh.id) return;
    state.job = fresh;
    renderModels();
    if (running(fresh)) schedulePoll();
    else loadModels(false);
  }).catch(function (error) {
    if (error.status === 401 || error.status === 403) return;
    showError('retrain-error', '读取训练进度失败，稍后重试：' + error.message);
    schedulePoll();
  });
}

export function retrain() {
  if (!isAdmin()) return;
  showError('retrain-error', '');
  $('retrain-button').disabled = true;
  api('POST', '/models/retrain').then(function (job) {
    state.job = job;
    renderModels();
    schedulePoll();
    loadModels(false);
  }).catch(function (error) {
    if (error.status === 401 || error.status === 403) return;
    if (error.status === 409) {
      showError('retrain-error', '已有模型在训练中：' + error.message);
      loadModels(true);
    } else {
      showError('retrain-error', '无法开始训练：' + error.message);
      renderModels();
    }
  });
}

function decideModel(activate) {
  var job = state.job;
  if (!job) return;
  showError('retrain-error', '');
  api('POST', '/models/' + enc(job.id) + (activate ? '/activate' : '/reject')).then(function (fresh) {
    state.job = fresh;
    renderModels();
    loadModels(false);
    if (activate) waitForServing(fresh.model, 15);
  }).catch(function (error) {
    if (error.status === 401 || error.status === 403) return;
    showError('retrain-error', (activate ? '启用' : '放弃') + '失败：' + error.message);
    loadModels(false);
  });
}

/* The service switches models within seconds of an activation: follow it. */
function waitForServing(model, tries) {
  clearTimeout(state.servingTimer);
  if (!model || tries <= 0) return;
  state.servingTimer = setTimeout(function () {
    loadModels(false).then(function (body) {
      if (body && body.serving !== model) waitForServing(model, tries - 1);
    });
  }, POLL_MS);
}

function renderModels() {
  var models = state.models || {};
  var job = state.job;
  $('serving-model').textContent = models.serving || '—';
  var button = $('retrain-button');
  button.disabled = running(job) || !isAdmin();
  button.title = isAdmin() ? '' : '仅管理员可重新训练';

  var box = $('retrain-job');
  clear(box);
  if (job) {
    box.appendChild(el('div', { class: 'retrain-status', testid: 'retrain-status', 'data-status': job.status,
      'data-job-id': job.id },
    el('strong', { text: '版本 #' + job.id + ' ' }),
    el('span', { class: 'badge ' + (MODEL_BADGE[job.status] || ''), testid: 'retrain-state',
      title: job.status, text: MODEL_STATUS[job.status] || job.status }), ' ',
    running(job) ? el('span', { class: 'spinner', 'aria-label': '进行中' }) : null, ' ',
    el('span', { testid: 'retrain-progress', text: job.progress || '' }),
    typeof job.examples_added === 'number'
      ? el('div', { class: 'small muted', testid: 'examples-added', text: '新增审核样本 ' + job.examples_added + ' 条' }) : null,
    job.model ? el('div', { class: 'small muted' }, '候选模型 ', el('span', { class: 'mono', testid: 'candidate-model', text: job.model })) : null));
    if (job.report) box.appendChild(reportView(job.report));
    if (job.status === 'ready' && !isAdmin()) {
      box.appendChild(el('div', { class: 'small muted', testid: 'admin-only-note',
        text: '启用或放弃候选模型需管理员操作' }));
    } else if (job.status === 'ready') {
      box.appendChild(el('div', { class: 'item-actions' },
        el('button', { type: 'button', class: 'btn btn-primary', testid: 'activate-button',
          onclick: function () { decideModel(true); } }, '启用'),
        el('button', { type: 'button', class: 'btn btn-danger', testid: 'reject-button',
          onclick: function () { decideModel(false); } }, '放弃'),
        el('span', { class: 'small muted', text: '启用后服务在几秒内切换到新模型' })));
    }
  }

  var versions = (models.versions || []).slice(0, 6);
  var list = $('model-versions');
  clear(list);
  if (versions.length) {
    list.appendChild(el('div', { class: 'section-label', text: '最近版本' }));
    list.appendChild(el('table', { class: 'table report-table' },
      el('thead', {}, el('tr', {}, ['#', '状态', '宏平均 F1', '发起人', '时间'].map(function (h) { return el('th', { text: h }); }))),
      el('tbody', {}, versions.map(function (v) {
        return el('tr', { testid: 'model-version', 'data-status': v.status, 'data-job-id': v.id },
          el('td', { text: String(v.id) }),
          el('td', {}, el('span', { class: 'badge ' + (MODEL_BADGE[v.status] || ''), text: MODEL_STATUS[v.status] || v.status })),
          el('td', { class: 'num', text: v.report && v.report.after ? fixed(v.report.after.macro_f1) : '—' }),
          el('td', { text: v.requested_by || '' }),
          el('td', { class: 'nowrap', text: formatTime(v.created_at, true) }));
      }))));
  }
}
