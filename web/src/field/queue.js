// The offline queue: every captured item waits in IndexedDB (with its bytes)
// until the server has sealed it, so nothing is lost to a dead zone, a closed
// tab or a flat battery. Items: {id, mode, filename, type, size, sha256,
// capture, links, blob, status: 'queued'|'uploading'|'sealed'|'refused',
// uploadUrl, offset, itemId, ledgerIndex, error}.
const DB_NAME = 'sl-field';
const STORE = 'queue';

let dbPromise = null;
function db() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return dbPromise;
}

async function tx(mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const t = d.transaction(STORE, mode);
    const result = fn(t.objectStore(STORE));
    t.oncomplete = () => resolve(result && 'result' in result ? result.result : undefined);
    t.onerror = () => reject(t.error);
  });
}

export const putItem = (item) => tx('readwrite', (s) => s.put(item));
export const getItem = (id) => tx('readonly', (s) => s.get(id));
export const allItems = async () => ((await tx('readonly', (s) => s.getAll())) || []).sort((a, b) => a.createdAt - b.createdAt);
export async function updateItem(id, patch) {
  const item = await getItem(id);
  if (!item) return null;
  Object.assign(item, patch);
  await putItem(item);
  return item;
}
