// 现场取证: the officers' field app. One flow: sign in, start the on-site
// inspection, capture evidence in eight modes, each hashed at capture,
// queued offline and uploaded resumably (tus); the list shows when the
// server has sealed each item in the transparency log.
import './field.css';
import { sha256Hex } from './hash.js';
import { allItems, putItem } from './queue.js';
import { flush } from './uploader.js';

const TOKEN_KEY = 'sl.field.token';
const USER_KEY = 'sl.field.user';
const INSPECTION_KEY = 'sl.field.inspection';

const MODES = [
  ['photo', '拍照'],
  ['video', '录像'],
  ['audio', '录音'],
  ['scan', '文书扫描'],
  ['record', '现场笔录'],
  ['signature', '电子签名'],
  ['track', '轨迹'],
  ['bodycam', '执法记录仪'],
];
const STATUS = { queued: '待上传', uploading: '上传中', sealing: '核验中', sealed: '已封存', refused: '被拒收' };

const state = {
  token: localStorage.getItem(TOKEN_KEY) || '',
  user: JSON.parse(localStorage.getItem(USER_KEY) || 'null'),
  inspection: JSON.parse(localStorage.getItem(INSPECTION_KEY) || 'null'),
  position: null,
  mode: null,
  stream: null,
};

const $ = (sel, root = document) => root.querySelector(sel);
const h = (html) => {
  const t = document.createElement('template');
  t.innerHTML = html.trim();
  return t.content.firstElementChild;
};
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function deviceName() {
  const ua = navigator.userAgent;
  const m = ua.match(/\(([^)]+)\)/);
  return (m ? m[1] : ua).slice(0, 120);
}

// ISO 8601 in China time (+08:00), as the server stores and shows times.
function chinaIso(ms) {
  const d = new Date(ms + 8 * 3600 * 1000);
  return d.toISOString().replace('Z', '+08:00');
}

function watchPosition() {
  if (!navigator.geolocation) return;
  navigator.geolocation.watchPosition(
    (p) => {
      state.position = { lon: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy || 0 };
      const el = $('#where');
      if (el) el.textContent = placeText();
    },
    () => {},
    { enableHighAccuracy: true, maximumAge: 5000 },
  );
}
const placeText = () =>
  state.position
    ? `${state.position.lon.toFixed(6)}, ${state.position.lat.toFixed(6)}（±${Math.round(state.position.accuracy)} 米）`
    : '定位中…';

function render() {
  const app = $('#app');
  app.innerHTML = '';
  app.append(
    h(`<header><h1>现场取证</h1><span class="net ${navigator.onLine ? '' : 'off'}" id="net">${navigator.onLine ? '在线' : '离线'}</span></header>`),
  );
  if (!state.token) return app.append(loginView());
  if (!state.inspection) return app.append(inspectionStartView());
  app.append(inspectionView(), modesView(), h('<section class="panel" id="panel"></section>'), queueView());
  renderQueue();
}

function loginView() {
  const el = h(`<section><h2>执法人员登录</h2>
    <label>账号</label><input id="username" autocomplete="username" />
    <label>密码</label><input id="password" type="password" autocomplete="current-password" />
    <div class="row" style="margin-top:10px"><button id="login">登录</button></div><p class="err" id="login-error"></p></section>`);
  $('#login', el).onclick = async () => {
    const r = await fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: $('#username', el).value, password: $('#password', el).value }),
    });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) {
      $('#login-error', el).textContent = body.error ? body.error.message : `登录失败 (${r.status})`;
      return;
    }
    if (!['officer', 'auxiliary'].includes(body.user?.role)) {
      $('#login-error', el).textContent = '现场取证仅限执法人员和协管人员使用';
      return;
    }
    state.token = body.token;
    state.user = body.user;
    localStorage.setItem(TOKEN_KEY, body.token);
    localStorage.setItem(USER_KEY, JSON.stringify(body.user));
    render();
    kick();
  };
  return el;
}

function inspectionStartView() {
  const el = h(`<section><h2>开始现场检查</h2>
    <label>检查对象 / 地点</label><input id="subject" placeholder="如：梧桐街道某店铺占道经营" />
    <label>关联案件编号（可选）</label><input id="case-id" inputmode="numeric" />
    <p class="record">执法人员：${esc(state.user?.display_name || state.user?.username)}　位置：<span id="where">${placeText()}</span></p>
    <div class="row"><button id="start">开始检查</button> <button class="secondary" id="logout">退出登录</button></div></section>`);
  $('#start', el).onclick = () => {
    const now = Date.now();
    state.inspection = {
      id: `INS-${chinaIso(now).slice(0, 19).replace(/[-:T]/g, '')}-${Math.random().toString(16).slice(2, 6)}`,
      subject: $('#subject', el).value,
      case_id: Number($('#case-id', el).value) || null,
      started_at: now,
    };
    localStorage.setItem(INSPECTION_KEY, JSON.stringify(state.inspection));
    render();
  };
  $('#logout', el).onclick = () => {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(USER_KEY);
    state.token = '';
    render();
  };
  return el;
}

function inspectionView() {
  const i = state.inspection;
  const el = h(`<section><h2>现场检查 ${esc(i.id)}</h2><div class="record">
    对象：${esc(i.subject || '—')}${i.case_id ? `　案件：${i.case_id}` : ''}<br/>
    执法人员：${esc(state.user?.display_name || state.user?.username)}　开始：${chinaIso(i.started_at).slice(0, 16).replace('T', ' ')}<br/>
    位置：<span id="where">${placeText()}</span><br/>设备：${esc(deviceName())}</div>
    <div class="row" style="margin-top:6px"><button class="secondary" id="finish">结束检查</button></div></section>`);
  $('#finish', el).onclick = () => {
    localStorage.removeItem(INSPECTION_KEY);
    state.inspection = null;
    stopStream();
    render();
  };
  return el;
}

function modesView() {
  const el = h('<section><h2>取证方式</h2><div class="modes"></div></section>');
  for (const [mode, name] of MODES) {
    const b = h(`<button data-mode="${mode}">${name}</button>`);
    b.onclick = () => openMode(mode);
    $('.modes', el).append(b);
  }
  return el;
}

function stopStream() {
  if (state.stream) state.stream.getTracks().forEach((t) => t.stop());
  state.stream = null;
}

// The capture record: when, where, with what and by whom, taken at capture.
function captureRecord() {
  const p = state.position || { lon: 0, lat: 0, accuracy: 0 };
  return {
    captured_at: chinaIso(Date.now()),
    lon: Number(p.lon.toFixed(7)),
    lat: Number(p.lat.toFixed(7)),
    accuracy: Math.round(p.accuracy * 10) / 10,
    device: deviceName(),
    officer: state.user?.username || '',
  };
}

async function enqueue(mode, blob, filename, capture = captureRecord()) {
  const panel = $('#panel');
  const note = h('<p class="record">计算 SHA-256…</p>');
  panel.append(note);
  const sha256 = await sha256Hex(blob);
  const item = {
    id: `${Date.now()}-${Math.random().toString(16).slice(2, 8)}`,
    createdAt: Date.now(),
    mode,
    filename,
    type: blob.type || 'application/octet-stream',
    size: blob.size,
    sha256,
    capture,
    links: { case_id: state.inspection?.case_id || null, inspection_id: state.inspection?.id || '' },
    blob,
    status: 'queued',
    uploadUrl: null,
    offset: 0,
  };
  await putItem(item);
  note.textContent = `已保存到待上传队列：${filename}（${blob.size} 字节）`;
  note.dataset.captured = mode;
  await renderQueue();
  kick();
}

const stamp = () => chinaIso(Date.now()).slice(0, 19).replace(/[-:T]/g, '');
const toBlob = (canvas, type, q) => new Promise((r) => canvas.toBlob(r, type, q));

async function camera(video, audio) {
  stopStream();
  state.stream = await navigator.mediaDevices.getUserMedia({ video: video ? { facingMode: 'environment' } : false, audio });
  return state.stream;
}

function recorderPanel(panel, mode, withVideo) {
  const el = h(`<div>${withVideo ? '<video autoplay muted playsinline></video>' : '<p class="record">麦克风已就绪</p>'}
    <div class="row"><button id="rec-start">开始${withVideo ? '录像' : '录音'}</button><button id="rec-stop" disabled>停止并保存</button></div></div>`);
  panel.append(el);
  let recorder = null;
  let chunks = [];
  camera(withVideo, true).then((stream) => {
    if (withVideo) $('video', el).srcObject = stream;
  });
  $('#rec-start', el).onclick = () => {
    chunks = [];
    recorder = new MediaRecorder(state.stream);
    recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
    recorder.onstop = () => {
      const type = recorder.mimeType || (withVideo ? 'video/webm' : 'audio/webm');
      enqueue(mode, new Blob(chunks, { type }), `${mode}-${stamp()}.webm`);
    };
    recorder.start(250);
    $('#rec-start', el).disabled = true;
    $('#rec-stop', el).disabled = false;
  };
  $('#rec-stop', el).onclick = () => {
    recorder.stop();
    $('#rec-stop', el).disabled = true;
    $('#rec-start', el).disabled = false;
  };
}

function stillPanel(panel, mode) {
  const el = h(`<div><video autoplay muted playsinline></video>
    <div class="row"><button id="shoot">${mode === 'scan' ? '扫描文书' : '拍照'}</button>
    <label class="secondary" style="margin:0"><input type="file" accept="image/*" capture="environment" id="pick" style="display:none" /><button class="secondary" id="pick-btn">从相册选取</button></label></div></div>`);
  panel.append(el);
  camera(true, false).then((stream) => ($('video', el).srcObject = stream));
  $('#shoot', el).onclick = async () => {
    const video = $('video', el);
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth || 640;
    canvas.height = video.videoHeight || 480;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    if (mode === 'scan') {
      // A document scan: grey, high contrast, like a photocopy.
      const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 0; i < img.data.length; i += 4) {
        const y = 0.299 * img.data[i] + 0.587 * img.data[i + 1] + 0.114 * img.data[i + 2];
        const v = Math.max(0, Math.min(255, (y - 128) * 1.8 + 150));
        img.data[i] = img.data[i + 1] = img.data[i + 2] = v;
      }
      ctx.putImageData(img, 0, 0);
    }
    await enqueue(mode, await toBlob(canvas, 'image/jpeg', 0.9), `${mode}-${stamp()}.jpg`);
  };
  $('#pick-btn', el).onclick = () => $('#pick', el).click();
  $('#pick', el).onchange = (e) => {
    const f = e.target.files[0];
    if (f) enqueue(mode, f, f.name);
  };
}

// A drawing pad for signatures (pointer events: finger, stylus or mouse).
function signaturePad(canvas) {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = canvas.clientWidth * ratio;
  canvas.height = canvas.clientHeight * ratio;
  const ctx = canvas.getContext('2d');
  ctx.scale(ratio, ratio);
  ctx.lineWidth = 2.5;
  ctx.lineCap = 'round';
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  let drawing = false;
  let strokes = 0;
  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  canvas.onpointerdown = (e) => {
    drawing = true;
    strokes++;
    ctx.beginPath();
    ctx.moveTo(...at(e));
  };
  canvas.onpointermove = (e) => {
    if (!drawing) return;
    ctx.lineTo(...at(e));
    ctx.stroke();
  };
  canvas.onpointerup = canvas.onpointerleave = () => (drawing = false);
  return { signed: () => strokes > 0 };
}

function recordPanel(panel) {
  const el = h(`<div><label>被询问人 / 当事人</label><input id="party" />
    <label>笔录内容</label><textarea id="record-text" rows="5" placeholder="问：… 答：…"></textarea>
    <label>当事人签名（请当事人在框内签名）</label><canvas class="sign" id="party-sign"></canvas>
    <div class="row"><button id="save-record">确认笔录并保存</button></div><p class="err" id="record-error"></p></div>`);
  panel.append(el);
  const pad = signaturePad($('#party-sign', el));
  $('#save-record', el).onclick = async () => {
    if (!$('#record-text', el).value.trim() || !pad.signed()) {
      $('#record-error', el).textContent = '笔录内容和当事人签名都不能为空';
      return;
    }
    const capture = captureRecord();
    const doc = {
      type: 'sightline.field-record/v1',
      inspection_id: state.inspection.id,
      subject: state.inspection.subject,
      party: $('#party', el).value,
      text: $('#record-text', el).value,
      officer: capture.officer,
      signed_at: capture.captured_at,
      party_signature_png: $('#party-sign', el).toDataURL('image/png'),
    };
    await enqueue('record', new Blob([JSON.stringify(doc)], { type: 'application/json' }), `record-${stamp()}.json`, capture);
  };
}

function signaturePanel(panel) {
  const el = h(`<div><label>签名人</label><input id="signer" value="${esc(state.user?.display_name || '')}" />
    <canvas class="sign" id="e-sign"></canvas><div class="row"><button id="save-sign">保存电子签名</button></div></div>`);
  panel.append(el);
  const pad = signaturePad($('#e-sign', el));
  $('#save-sign', el).onclick = async () => {
    if (!pad.signed()) return;
    await enqueue('signature', await toBlob($('#e-sign', el), 'image/png'), `signature-${stamp()}.png`);
  };
}

function trackPanel(panel) {
  const el = h(`<div><p class="record">轨迹点：<span id="track-count">0</span></p>
    <div class="row"><button id="track-start">开始记录轨迹</button><button id="track-stop" disabled>结束并保存</button></div></div>`);
  panel.append(el);
  let points = [];
  let timer = null;
  const sample = () => {
    if (!state.position) return;
    points.push([state.position.lon, state.position.lat, Date.now()]);
    $('#track-count', el).textContent = String(points.length);
  };
  $('#track-start', el).onclick = () => {
    points = [];
    sample();
    timer = setInterval(sample, 1000);
    $('#track-start', el).disabled = true;
    $('#track-stop', el).disabled = false;
  };
  $('#track-stop', el).onclick = async () => {
    clearInterval(timer);
    sample();
    $('#track-stop', el).disabled = true;
    $('#track-start', el).disabled = false;
    const geojson = {
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: points.map(([lon, lat]) => [lon, lat]) },
      properties: { times: points.map((p) => chinaIso(p[2])), inspection_id: state.inspection.id },
    };
    await enqueue('track', new Blob([JSON.stringify(geojson)], { type: 'application/geo+json' }), `track-${stamp()}.geojson`);
  };
}

function bodycamPanel(panel) {
  const el = h(`<div><p class="record">导入执法记录仪视频文件（可多选）</p>
    <input type="file" id="bodycam-files" accept="video/*,.mp4,.avi,.mov" multiple /></div>`);
  panel.append(el);
  $('#bodycam-files', el).onchange = async (e) => {
    for (const f of e.target.files) await enqueue('bodycam', f, f.name);
  };
}

function openMode(mode) {
  state.mode = mode;
  stopStream();
  document.querySelectorAll('.modes button').forEach((b) => b.classList.toggle('active', b.dataset.mode === mode));
  const panel = $('#panel');
  panel.innerHTML = '';
  panel.dataset.mode = mode;
  panel.append(h(`<h2>${MODES.find((m) => m[0] === mode)[1]}</h2>`));
  if (mode === 'photo' || mode === 'scan') stillPanel(panel, mode);
  else if (mode === 'video') recorderPanel(panel, mode, true);
  else if (mode === 'audio') recorderPanel(panel, mode, false);
  else if (mode === 'record') recordPanel(panel);
  else if (mode === 'signature') signaturePanel(panel);
  else if (mode === 'track') trackPanel(panel);
  else bodycamPanel(panel);
}

function queueView() {
  return h('<section class="queue"><h2>证据队列 <span id="queue-summary" class="record"></span></h2><ul id="queue"></ul></section>');
}

async function renderQueue() {
  const ul = $('#queue');
  if (!ul) return;
  const items = await allItems();
  ul.innerHTML = '';
  for (const it of items.slice().reverse()) {
    const pct = it.size ? Math.floor((100 * (it.offset || 0)) / it.size) : 0;
    const st = it.status === 'uploading' ? `${STATUS.uploading} ${pct}%` : STATUS[it.status];
    ul.append(
      h(`<li data-id="${it.id}" data-status="${it.status}" data-mode="${it.mode}"><span class="st ${it.status}">${st}</span>
        <b>${MODES.find((m) => m[0] === it.mode)[1]}</b> ${esc(it.filename)} · ${it.size} 字节
        ${it.ledgerIndex !== undefined && it.ledgerIndex !== null ? ` · 日志序号 #${it.ledgerIndex}` : ''}
        <div class="hash">SHA-256 ${it.sha256}</div>${it.error ? `<div class="err">${esc(it.error)}</div>` : ''}</li>`),
    );
  }
  const sealed = items.filter((i) => i.status === 'sealed').length;
  $('#queue-summary').textContent = `共 ${items.length} 件，已封存 ${sealed} 件`;
}

function signedOut() {
  localStorage.removeItem(TOKEN_KEY);
  state.token = '';
  render();
  const err = $('#login-error');
  if (err) err.textContent = '登录已过期，请重新登录；待上传的证据仍保存在本机';
}

function kick() {
  return flush(state.token, renderQueue, signedOut).then(renderQueue);
}

function setNet() {
  const el = $('#net');
  if (!el) return;
  el.textContent = navigator.onLine ? '在线' : '离线';
  el.classList.toggle('off', !navigator.onLine);
}
window.addEventListener('online', () => {
  setNet();
  kick();
});
window.addEventListener('offline', setNet);
setInterval(kick, 15000);

if ('serviceWorker' in navigator) {
  navigator.serviceWorker
    .register('/field-sw.js')
    .then(() => navigator.serviceWorker.ready)
    .then((reg) => {
      const assets = performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .filter((u) => /\/assets\//.test(u));
      reg.active.postMessage({ cache: ['/field.html', ...assets] });
      window.__slFieldShellCached = true;
    })
    .catch(() => {});
}
watchPosition();
render();
kick();
