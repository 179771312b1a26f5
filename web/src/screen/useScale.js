// Fits the fixed 1920×1080 stage into the window with transform: scale(),
// letterboxed and centred (not CSS zoom: ECharts and MapLibre read the
// transform correctly, zoom breaks their pointer maths).
import { reactive, onMounted, onBeforeUnmount } from 'vue';

export const STAGE_W = 1920;
export const STAGE_H = 1080;

export function useScale() {
  const s = reactive({ scale: 1, left: 0, top: 0 });
  function fit() {
    const w = window.innerWidth;
    const h = window.innerHeight;
    const scale = Math.min(w / STAGE_W, h / STAGE_H) || 1;
    s.scale = scale;
    s.left = Math.round((w - STAGE_W * scale) / 2);
    s.top = Math.round((h - STAGE_H * scale) / 2);
  }
  fit();
  onMounted(() => window.addEventListener('resize', fit));
  onBeforeUnmount(() => window.removeEventListener('resize', fit));
  return s;
}
