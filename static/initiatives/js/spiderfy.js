// Overlapping markers, spread out: markers closer than a few pixels on screen are drawn as
// one group marker; activating it (click, Enter) spreads its members on a circle around it,
// each linked to the true position by a thin line, so that each can be reached and opened.
// Small on purpose (no dependency); the server already clusters large numbers.

// Leaflet is read when used (window.L): it may load after this module (see mapcore.js).
const NEAR_PX = 5; // closer than this on screen: truly overlapping (e.g. one commune centre)

function groupBy(map, items) {
  const groups = [];
  for (const item of items) {
    const p = map.latLngToLayerPoint(item.latlng);
    const group = groups.find((g) => g.point.distanceTo(p) < NEAR_PX);
    if (group) group.items.push(item);
    else groups.push({ point: p, latlng: item.latlng, items: [item] });
  }
  return groups;
}

function spread(map, centre, count) {
  const L = window.L;
  const c = map.latLngToLayerPoint(centre);
  const radius = Math.max(28, (count * 22) / (2 * Math.PI));
  return Array.from({ length: count }, (_, i) => {
    const angle = (2 * Math.PI * i) / count - Math.PI / 2;
    return map.layerPointToLatLng(L.point(c.x + radius * Math.cos(angle), c.y + radius * Math.sin(angle)));
  });
}

// items: [{latlng, make(latlng) -> L.Marker}]; label(count) -> text of the group marker.
export function addSpiderfied(map, layer, items, label) {
  const L = window.L;
  for (const group of groupBy(map, items)) {
    if (group.items.length === 1) {
      layer.addLayer(group.items[0].make(group.items[0].latlng));
      continue;
    }
    const count = group.items.length;
    const text = label(count);
    const span = document.createElement("span");
    span.textContent = String(count);
    const handle = L.marker(group.latlng, {
      icon: L.divIcon({ className: "spider-group", iconSize: [30, 30], html: span }),
      title: text,
      keyboard: true,
    });
    handle.on("add", () => {
      const el = handle.getElement();
      if (!el) return;
      el.setAttribute("aria-label", text);
      el.dataset.urls = group.items.map((item) => item.url || "").join(" ");
    });
    let open = null;
    handle.on("keypress", (e) => {
      if (e.originalEvent.key === "Enter" || e.originalEvent.key === " ") handle.fire("click");
    });
    handle.on("click", () => {
      if (open) {
        layer.removeLayer(open);
        open = null;
        return;
      }
      open = L.layerGroup();
      const spots = spread(map, group.latlng, count);
      group.items.forEach((item, i) => {
        open.addLayer(L.polyline([group.latlng, spots[i]], { weight: 1, color: "#333", interactive: false }));
        open.addLayer(item.make(spots[i]));
      });
      layer.addLayer(open);
      // Keyboard users land on the first spread marker.
      setTimeout(() => open?.getLayers().find((l) => l instanceof L.Marker)?.getElement()?.focus(), 0);
    });
    map.once("zoomstart", () => {
      if (open) layer.removeLayer(open);
      open = null;
    });
    layer.addLayer(handle);
  }
}

// Markers that must all stay visible (territories, one per interco): those closer on screen
// than `size` pixels are moved apart, around their middle, just enough not to overlap, each
// tied to its true position by a thin line. items: [{latlng}]; returns [{latlng, moved}] in
// the same order. Recomputed at every zoom (the layer is redrawn on each move).
export function spreadApart(map, items, size) {
  const L = window.L;
  const points = items.map((item) => map.latLngToLayerPoint(item.latlng));
  const groupOf = items.map((_, i) => i);
  const root = (i) => (groupOf[i] === i ? i : (groupOf[i] = root(groupOf[i])));
  for (let i = 0; i < points.length; i += 1) {
    for (let j = i + 1; j < points.length; j += 1) {
      if (points[i].distanceTo(points[j]) < size) groupOf[root(j)] = root(i);
    }
  }
  const groups = new Map();
  items.forEach((_, i) => {
    const key = root(i);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(i);
  });
  const placed = items.map((item) => ({ latlng: item.latlng, moved: false }));
  for (const members of groups.values()) {
    const n = members.length;
    if (n < 2) continue;
    const cx = members.reduce((sum, i) => sum + points[i].x, 0) / n;
    const cy = members.reduce((sum, i) => sum + points[i].y, 0) / n;
    // Neighbours on the circle are `size` apart (plus a small gap).
    const radius = (size + 4) / (2 * Math.sin(Math.PI / n));
    // Keep each on its own side: order the members by their angle around the middle.
    const ordered = [...members].sort(
      (a, b) =>
        Math.atan2(points[a].y - cy, points[a].x - cx) -
        Math.atan2(points[b].y - cy, points[b].x - cx),
    );
    const start = Math.atan2(points[ordered[0]].y - cy, points[ordered[0]].x - cx);
    ordered.forEach((i, k) => {
      const angle = start + (2 * Math.PI * k) / n;
      const spot = L.point(cx + radius * Math.cos(angle), cy + radius * Math.sin(angle));
      placed[i] = { latlng: map.layerPointToLatLng(spot), moved: true };
    });
  }
  return placed;
}

// Territories kept clear of the initiatives' pins too (a territory under an office's pin
// could not be tapped): each placed item closer than `gap` pixels to an obstacle (a latlng)
// is pushed straight away from it. placed: spreadApart's answer; returns the same shape.
export function keepClear(map, placed, obstacles, gap) {
  const L = window.L;
  const blocks = obstacles.map((latlng) => map.latLngToLayerPoint(latlng));
  return placed.map((item) => {
    let p = map.latLngToLayerPoint(item.latlng);
    let moved = false;
    for (let round = 0; round < 8; round += 1) {
      const hit = blocks.find((b) => b.distanceTo(p) < gap);
      if (!hit) break;
      const away = p.subtract(hit);
      const length = Math.hypot(away.x, away.y);
      const unit = length ? L.point(away.x / length, away.y / length) : L.point(0, -1);
      p = hit.add(unit.multiplyBy(gap + 1));
      moved = true;
    }
    return moved ? { latlng: map.layerPointToLatLng(p), moved } : item;
  });
}
