// Uploads queued items with tus (resumable): the upload URL is kept with the
// item, so after a dropped connection, a reload or a restart the next attempt
// asks the server for its offset (HEAD) and continues from there. Flushed on
// start, when the browser comes back online, on a timer and after a capture.
import * as tus from 'tus-js-client';
import { allItems, getItem, updateItem } from './queue.js';

// Chunks stay well under the server's request body limit (8 MiB).
export const CHUNK_BYTES = 4 * 1024 * 1024;

function metadataOf(item) {
  const m = {
    filename: item.filename,
    filetype: item.type,
    sha256: item.sha256,
    mode: item.mode,
    captured_at: item.capture.captured_at,
    lon: String(item.capture.lon),
    lat: String(item.capture.lat),
    accuracy: String(item.capture.accuracy),
    device: item.capture.device,
  };
  if (item.links.case_id) m.case_id = String(item.links.case_id);
  if (item.links.inspection_id) m.inspection_id = item.links.inspection_id;
  return m;
}

function uploadOne(item, token, onChange) {
  return new Promise((resolve) => {
    let evidenceItem = null;
    const upload = new tus.Upload(item.blob, {
      endpoint: '/api/v1/uploads/',
      uploadUrl: item.uploadUrl || null,
      chunkSize: CHUNK_BYTES,
      retryDelays: [0, 1000, 3000],
      metadata: metadataOf(item),
      headers: { Authorization: `Bearer ${token}` },
      storeFingerprintForResuming: false,
      removeFingerprintOnSuccess: true,
      onUploadUrlAvailable: async () => {
        await updateItem(item.id, { uploadUrl: upload.url });
      },
      onAfterResponse: (req, res) => {
        const id = res.getHeader('Evidence-Item');
        if (id) evidenceItem = Number(id);
      },
      onProgress: async (sent, total) => {
        await updateItem(item.id, { status: 'uploading', offset: sent });
        onChange();
        void total;
      },
      onSuccess: async () => {
        await updateItem(item.id, { status: 'sealing', offset: item.size, itemId: evidenceItem });
        resolve(true);
      },
      onError: async (err) => {
        const status = err.originalResponse ? err.originalResponse.getStatus() : 0;
        // 4xx other than a conflict: the server refused this content for good
        // (e.g. it does not match its capture hash); keep it visible, stop retrying.
        const refused = status >= 400 && status < 500 && status !== 409 && status !== 423 && status !== 401;
        const sent = (await getItem(item.id))?.offset || 0;
        let message = status ? `上传失败（HTTP ${status}）` : `网络中断，联网后从第 ${sent} 字节续传`;
        try {
          message = JSON.parse(err.originalResponse.getBody()).error.message;
        } catch {
          /* no error body: keep the message above */
        }
        await updateItem(item.id, {
          status: refused ? 'refused' : 'queued',
          error: status === 401 ? '' : message,
          uploadUrl: status === 404 ? null : upload.url || item.uploadUrl,
        });
        resolve(status === 401 ? 'unauthorized' : false);
      },
    });
    upload.start();
  });
}

// Asks the server what became of an uploaded item (its log index = sealed).
async function confirm(item, token) {
  let id = item.itemId;
  if (!id) {
    const uploadId = item.uploadUrl ? item.uploadUrl.split('/').pop() : '';
    const r = await fetch(`/api/v1/evidence/items?upload_id=${uploadId}`, { headers: { Authorization: `Bearer ${token}` } });
    if (!r.ok) return;
    const page = await r.json();
    if (!page.items.length) return;
    id = page.items[0].id;
  }
  const r = await fetch(`/api/v1/evidence/items/${id}`, { headers: { Authorization: `Bearer ${token}` } });
  if (!r.ok) return;
  const it = await r.json();
  await updateItem(item.id, { status: 'sealed', itemId: it.id, ledgerIndex: it.ledger_index, blob: null, error: '' });
}

let running = null;
export function flush(token, onChange, onUnauthorized = () => {}) {
  if (running) return running;
  const pass = (async () => {
    const tried = new Set();
      // Items captured while this runs are picked up by the next pass.
      for (;;) {
        if (!navigator.onLine || !token) return;
        const next = (await allItems()).find(
          (x) => !tried.has(x.id) && ['queued', 'uploading', 'sealing'].includes(x.status),
        );
        if (!next) return;
        tried.add(next.id);
        if (next.status !== 'sealing') {
          await updateItem(next.id, { status: 'uploading', error: '' });
          onChange();
          const outcome = await uploadOne(next, token, onChange);
          onChange();
          if (outcome === 'unauthorized') {
            onUnauthorized();
            return;
          }
        }
        const now = await getItem(next.id);
        if (now && now.status === 'sealing') {
          await confirm(now, token);
          onChange();
        }
      }
  })();
  // Cleared only after the assignment: a pass that ends at once must not
  // leave a finished promise behind as "running".
  running = pass.finally(() => {
    running = null;
  });
  return running;
}
