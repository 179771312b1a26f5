// Small geometry helpers for the map (WGS-84 lon/lat, planar maths is fine
// at city scale).

// Tongxiang city bounds (WGS-84) used before the towns arrive.
export const CITY_BOUNDS = [
  [120.29, 30.47],
  [120.67, 30.79],
];

// Signed area and centroid of one linear ring (shoelace formula).
function ringCentroid(ring) {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, n = ring.length, j = n - 1; i < n; j = i++) {
    const [x0, y0] = ring[j];
    const [x1, y1] = ring[i];
    const f = x0 * y1 - x1 * y0;
    a += f;
    cx += (x0 + x1) * f;
    cy += (y0 + y1) * f;
  }
  if (Math.abs(a) < 1e-12) {
    // Degenerate ring: average of its points.
    const s = ring.reduce((acc, p) => [acc[0] + p[0], acc[1] + p[1]], [0, 0]);
    return { area: 0, point: [s[0] / ring.length, s[1] / ring.length] };
  }
  return { area: Math.abs(a / 2), point: [cx / (3 * a), cy / (3 * a)] };
}

function pointInRing(pt, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > pt[1] !== yj > pt[1] && pt[0] < ((xj - xi) * (pt[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function outerRings(geometry) {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return [geometry.coordinates[0]];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.map((p) => p[0]);
  return [];
}

/**
 * A label point for a (Multi)Polygon: the centroid of its largest outer ring,
 * or, when that falls outside (a concave town), the middle of the widest
 * horizontal run through the ring at the centroid's latitude.
 */
export function labelPoint(geometry) {
  const rings = outerRings(geometry).filter((r) => r && r.length >= 3);
  if (!rings.length) return null;
  let best = null;
  for (const ring of rings) {
    const c = ringCentroid(ring);
    if (!best || c.area > best.area) best = { ...c, ring };
  }
  if (pointInRing(best.point, best.ring)) return best.point;
  const y = best.point[1];
  const xs = [];
  const r = best.ring;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const [xi, yi] = r[i];
    const [xj, yj] = r[j];
    if (yi > y !== yj > y) xs.push(xi + ((y - yi) * (xj - xi)) / (yj - yi));
  }
  xs.sort((a, b) => a - b);
  let span = null;
  for (let i = 0; i + 1 < xs.length; i += 2) {
    if (!span || xs[i + 1] - xs[i] > span[1] - span[0]) span = [xs[i], xs[i + 1]];
  }
  return span ? [(span[0] + span[1]) / 2, y] : best.point;
}

/** [[minLon,minLat],[maxLon,maxLat]] of a FeatureCollection, or null. */
export function featureBounds(fc) {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const visit = (c) => {
    if (typeof c[0] === 'number') {
      if (c[0] < minX) minX = c[0];
      if (c[0] > maxX) maxX = c[0];
      if (c[1] < minY) minY = c[1];
      if (c[1] > maxY) maxY = c[1];
    } else {
      for (const x of c) visit(x);
    }
  };
  for (const f of (fc && fc.features) || []) if (f.geometry) visit(f.geometry.coordinates);
  return Number.isFinite(minX) ? [[minX, minY], [maxX, maxY]] : null;
}

/** Adds `density` (subjects per km²) and `density_rank` (0..1) to each town feature. */
export function withDensity(fc) {
  const features = ((fc && fc.features) || []).map((f) => {
    const p = f.properties || {};
    const area = Number(p.area_km2) || 0;
    const density = area > 0 ? (Number(p.subject_count) || 0) / area : 0;
    return { ...f, properties: { ...p, density } };
  });
  const sorted = features.map((f) => f.properties.density).sort((a, b) => a - b);
  const n = sorted.length;
  for (const f of features) {
    const idx = sorted.indexOf(f.properties.density);
    f.properties.density_rank = n > 1 ? idx / (n - 1) : 1;
  }
  return { type: 'FeatureCollection', features, densityMin: sorted[0] || 0, densityMax: sorted[n - 1] || 0 };
}
