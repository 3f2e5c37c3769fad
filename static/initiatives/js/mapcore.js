// Shared map helpers: a Leaflet map from the page's json_script settings, and a layer that
// asks /api/v1/map/ for what lies in the view (markers or server-side clusters).
// Popups and labels are built with textContent: no record text ever goes through innerHTML.

const L = window.L;

export function readConfig(id = "map-config") {
  const el = document.getElementById(id);
  return el ? JSON.parse(el.textContent) : null;
}

export function createMap(el, config) {
  const map = L.map(el, {
    center: config.center,
    zoom: config.zoom,
    minZoom: config.minZoom,
    maxZoom: config.maxZoom,
    keyboard: true,
  });
  L.tileLayer(config.tilesUrl, {
    attribution: config.attribution,
    maxZoom: config.maxZoom,
  }).addTo(map);
  const lang = document.documentElement.lang || "fr";
  map.zoomControl.getContainer().querySelectorAll("a").forEach((a) => {
    if (a.classList.contains("leaflet-control-zoom-in")) {
      a.setAttribute("aria-label", lang === "en" ? "Zoom in" : "Zoomer");
    } else {
      a.setAttribute("aria-label", lang === "en" ? "Zoom out" : "Dézoomer");
    }
  });
  return map;
}

export function boundsFromArray(box) {
  // [west, south, east, north] -> Leaflet bounds
  return L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
}

function clamp(value, min, max) {
  return Math.min(max, Math.max(min, value));
}

export function bboxOf(map) {
  const b = map.getBounds();
  const fix = (n) => Number(n.toFixed(5));
  return [
    fix(clamp(b.getWest(), -180, 180)),
    fix(clamp(b.getSouth(), -90, 90)),
    fix(clamp(b.getEast(), -180, 180)),
    fix(clamp(b.getNorth(), -90, 90)),
  ].join(",");
}

function text(tag, content, className) {
  const el = document.createElement(tag);
  el.textContent = content;
  if (className) el.className = className;
  return el;
}

export function pointMarker(latlng, name, options = {}) {
  const marker = L.marker(latlng, {
    icon: L.divIcon({ className: "pin", iconSize: [18, 18], html: text("span", "") }),
    title: name,
    keyboard: true,
    ...options,
  });
  marker.on("add", () => {
    const el = marker.getElement();
    if (el) el.setAttribute("aria-label", name);
  });
  return marker;
}

function popupFor(props) {
  const box = document.createElement("div");
  const link = text("a", props.name);
  link.href = props.url;
  box.append(link);
  if (props.commune) box.append(text("p", props.commune, "popup-meta"));
  return box;
}

function clusterMarker(map, feature, lang) {
  const [lon, lat] = feature.geometry.coordinates;
  const count = feature.properties.count;
  const size = count < 10 ? 30 : count < 100 ? 38 : count < 1000 ? 46 : 54;
  const label =
    lang === "en"
      ? `${count} initiatives here, zoom in`
      : `${count} initiatives ici, zoomer pour les voir`;
  const marker = L.marker([lat, lon], {
    icon: L.divIcon({
      className: "cluster",
      iconSize: [size, size],
      html: text("span", String(count)),
    }),
    title: label,
    keyboard: true,
  });
  marker.on("add", () => marker.getElement()?.setAttribute("aria-label", label));
  marker.on("click", () => {
    const box = feature.properties.bbox;
    const bounds = boundsFromArray(box);
    if (box[0] === box[2] && box[1] === box[3]) {
      map.setView([lat, lon], Math.min(map.getZoom() + 3, map.getMaxZoom()));
    } else {
      map.fitBounds(bounds.pad(0.1), { maxZoom: map.getMaxZoom() });
    }
  });
  return marker;
}

export class FeatureLayer {
  constructor(map, config) {
    this.map = map;
    this.api = config.api;
    this.filters = config.filters || [];
    this.layer = L.layerGroup().addTo(map);
    this.controller = null;
    this.lang = document.documentElement.lang || "fr";
  }

  clear() {
    if (this.controller) this.controller.abort();
    this.layer.clearLayers();
  }

  setFilters(filters) {
    this.filters = filters;
  }

  async refresh() {
    if (this.controller) this.controller.abort();
    this.controller = new AbortController();
    const params = new URLSearchParams(this.filters);
    params.set("bbox", bboxOf(this.map));
    params.set("zoom", String(this.map.getZoom()));
    let data;
    try {
      const response = await fetch(`${this.api}?${params}`, {
        signal: this.controller.signal,
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      data = await response.json();
    } catch (error) {
      if (error.name !== "AbortError") console.warn("map: request failed", error);
      return;
    }
    this.render(data);
  }

  render(data) {
    this.layer.clearLayers();
    for (const feature of data.features) {
      if (feature.properties.kind === "cluster") {
        this.layer.addLayer(clusterMarker(this.map, feature, this.lang));
      } else {
        const [lon, lat] = feature.geometry.coordinates;
        const marker = pointMarker([lat, lon], feature.properties.name);
        marker.bindPopup(popupFor(feature.properties));
        this.layer.addLayer(marker);
      }
    }
  }
}
