// Overlapping markers, spread out: markers closer than a few pixels on screen are drawn as
// one group marker; activating it (click, Enter) spreads its members on a circle around it,
// each linked to the true position by a thin line, so that each can be reached and opened.
// Small on purpose (no dependency); the server already clusters large numbers.

const L = window.L;
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
  const c = map.latLngToLayerPoint(centre);
  const radius = Math.max(28, (count * 22) / (2 * Math.PI));
  return Array.from({ length: count }, (_, i) => {
    const angle = (2 * Math.PI * i) / count - Math.PI / 2;
    return map.layerPointToLatLng(L.point(c.x + radius * Math.cos(angle), c.y + radius * Math.sin(angle)));
  });
}

// items: [{latlng, make(latlng) -> L.Marker}]; label(count) -> text of the group marker.
export function addSpiderfied(map, layer, items, label) {
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
    handle.on("add", () => handle.getElement()?.setAttribute("aria-label", text));
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
