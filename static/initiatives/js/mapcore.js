// Shared map helpers: a Leaflet map from the page's json_script settings, and a layer that
// asks /api/v1/map/ for what lies in the view (markers or server-side clusters).
// Popups and labels are built with textContent: no record text ever goes through innerHTML.

import { addSpiderfied, keepClear, spreadApart } from "./spiderfy.js";

// Leaflet may load after this module (a deferred or late script): bound by leafletReady().
let L = window.L;

// Resolves once window.L exists (at once when Leaflet's script already ran); rejects when the
// page finished loading without it. Call it before any other helper of this module.
export function leafletReady() {
  if (window.L) {
    L = window.L;
    return Promise.resolve(L);
  }
  return new Promise((resolve, reject) => {
    const done = () => {
      if (!window.L) return false;
      L = window.L;
      resolve(L);
      return true;
    };
    for (const script of document.querySelectorAll("script[src*='leaflet']")) {
      script.addEventListener("load", done, { once: true });
    }
    const onLoad = () => done() || reject(new Error("Leaflet is not loaded"));
    if (document.readyState === "complete") onLoad();
    else window.addEventListener("load", onLoad, { once: true });
  });
}

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

// A record's name as the pages print it (essmap/typography.py): names are French, with curly
// apostrophes and no-break spaces inside « » and before : ; ! ? (the API keeps them as stored).
const APOSTROPHE = new RegExp("(?<=\\p{L})'(?=\\p{L})", "gu");

export function typeset(name) {
  return String(name || "")
    .replace(APOSTROPHE, "\u2019")
    .replace(/«[ \u00a0]?/g, "«\u00a0")
    .replace(/[ \u00a0]?»/g, "\u00a0»")
    .replace(/ ([;!?])/g, "\u202f$1")
    .replace(/ :/g, "\u00a0:");
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
  const link = text("a", typeset(props.name));
  link.href = props.url;
  if (lang() !== "fr") link.lang = "fr"; // the record's name: French on every page
  box.append(link);
  if (props.commune) box.append(text("p", props.commune, "popup-meta"));
  if (props.approximate) {
    const note =
      lang() === "en"
        ? "Approximate position: centre of the municipality"
        : "Position approximative\u00a0: centre de la commune";
    box.append(text("p", note, "popup-meta"));
  }
  return box;
}

function clusterMarker(map, feature, lang) {
  const [lon, lat] = feature.geometry.coordinates;
  const count = feature.properties.count;
  const size = count < 10 ? 32 : count < 100 ? 40 : count < 1000 ? 48 : 58;
  const shown = count.toLocaleString(lang === "en" ? "en" : "fr");
  const label =
    lang === "en"
      ? `${shown} initiatives here, zoom in`
      : `${shown} initiatives ici, zoomer pour les voir`;
  const marker = L.marker([lat, lon], {
    icon: L.divIcon({
      className: "cluster",
      iconSize: [size, size],
      html: text("span", shown),
    }),
    title: label,
    keyboard: true,
  });
  marker.on("add", () => marker.getElement()?.setAttribute("aria-label", label));
  marker.on("keypress", (e) => {
    if (e.originalEvent.key === "Enter" || e.originalEvent.key === " ") marker.fire("click");
  });
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

// Why a territory is on the map of a "near" search (the list's reason, in the same words).
function areaLabel(props, name, count) {
  const en = lang() === "en";
  const n = count.toLocaleString(en ? "en" : "fr");
  const many = count > 1;
  if (props.reason === "home") {
    return en
      ? `${n} initiative${many ? "s" : ""} serving your intercommunality (${name})`
      : `${n} initiative${many ? "s" : ""} couvr${many ? "ent" : "e"} votre intercommunalité (${name})`;
  }
  if (props.reason === "reach") {
    return en
      ? `${n} initiative${many ? "s" : ""} serving ${name}, within the radius`
      : `${n} initiative${many ? "s" : ""} couvr${many ? "ent" : "e"} ${name}, dans le rayon`;
  }
  return en
    ? `${n} initiative${many ? "s" : ""} serving ${name}`
    : `${n} initiative${many ? "s" : ""} couvr${many ? "ent" : "e"} ${name}`;
}

// A territory served: the initiatives covering an interco, at the interco's centre (moved
// aside when another territory's symbol would hide it: `latlng`). Its popup names them when
// the API lists them (near a place), links to the list of that territory and draws the
// interco's outline.
function areaMarker(map, feature, outlines, latlng) {
  const [lon, lat] = feature.geometry.coordinates;
  const { count, siren, url } = feature.properties;
  const members = feature.properties.initiatives || [];
  const name = typeset(feature.properties.name);
  const en = lang() === "en";
  const label = areaLabel(feature.properties, name, count);
  const span = text("span", count.toLocaleString(en ? "en" : "fr"));
  const marker = L.marker(latlng || [lat, lon], {
    icon: L.divIcon({ className: "area", iconSize: [34, 34], html: span }),
    title: label,
    keyboard: true,
    zIndexOffset: -100,
    key: `area:${siren}`,
  });
  marker.on("add", () => {
    const el = marker.getElement();
    if (!el) return;
    el.setAttribute("aria-label", label);
    if (members.length) el.dataset.urls = members.map((m) => m.url).join(" ");
  });
  const box = document.createElement("div");
  box.append(text("p", label, "popup-title"));
  if (members.length) {
    const list = document.createElement("ul");
    for (const member of members) {
      const item = document.createElement("li");
      const link = text("a", typeset(member.name));
      link.href = member.url;
      if (en) link.lang = "fr";
      item.append(link);
      list.append(item);
    }
    box.append(list);
    const more = count - members.length;
    if (more > 0) {
      const n = more.toLocaleString(en ? "en" : "fr");
      box.append(text("p", en ? `and ${n} more` : `et ${n} autre${more > 1 ? "s" : ""}`, "popup-meta"));
    }
  }
  const link = text("a", en ? "See the list for this territory" : "Voir la liste de ce territoire");
  link.href = url;
  box.append(link);
  marker.bindPopup(box);
  marker.on("popupopen", async () => {
    outlines.clearLayers();
    try {
      const response = await fetch(`/api/v1/intercos/${siren}/`, {
        headers: { Accept: "application/json" },
      });
      const contour = response.ok ? (await response.json()).contour : null;
      if (contour) {
        outlines.addLayer(
          L.geoJSON(contour, {
            style: { color: "#6a4c93", weight: 2, dashArray: "6 4", fillOpacity: 0.08 },
            interactive: false,
          }),
        );
      }
    } catch {
      // No outline: the marker and its list still say which territory it is.
    }
  });
  marker.on("popupclose", () => outlines.clearLayers());
  return marker;
}

const AREA_PX = 34; // a territory symbol's size on screen (its divIcon)
const PIN_PX = 26; // an initiative's pin (themedMarker's divIcon)

export class FeatureLayer {
  constructor(map, config) {
    this.map = map;
    this.api = config.api;
    this.filters = config.filters || [];
    this.config = config;
    this.outlines = L.layerGroup().addTo(map);
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

  // Redrawn after each move: a popup open on a marker (opening it may have panned the map)
  // opens again on the same initiative's or territory's new marker, instead of closing.
  openKey() {
    for (const marker of this.layer.getLayers()) {
      if (marker.isPopupOpen?.()) return marker.options.key || null;
    }
    return null;
  }

  reopen(key) {
    if (!key) return;
    const marker = this.layer.getLayers().find((l) => l.options?.key === key);
    if (marker?.getPopup()) marker.openPopup();
  }

  render(data) {
    const wasOpen = this.openKey();
    this.layer.clearLayers();
    const points = [];
    const areas = [];
    for (const feature of data.features) {
      const kind = feature.properties.kind;
      const [lon, lat] = feature.geometry.coordinates;
      if (kind === "cluster") {
        this.layer.addLayer(clusterMarker(this.map, feature, this.lang));
      } else if (kind === "area") {
        areas.push({ latlng: L.latLng(lat, lon), feature });
      } else {
        points.push({
          latlng: L.latLng(lat, lon),
          url: feature.properties.url,
          make: (latlng) => themedMarker(latlng, feature.properties, this.config),
        });
      }
    }
    // Territories never hide each other (two intercos' centres a few pixels apart), nor
    // hide under a pin (half a territory plus half a pin apart).
    const placed = keepClear(
      this.map,
      spreadApart(this.map, areas, AREA_PX),
      points.map((p) => p.latlng),
      (AREA_PX + PIN_PX) / 2,
    );
    placed.forEach(({ latlng, moved }, i) => {
      if (moved) {
        this.layer.addLayer(
          L.polyline([areas[i].latlng, latlng], {
            weight: 1,
            color: "#6a4c93",
            interactive: false,
          }),
        );
      }
      this.layer.addLayer(areaMarker(this.map, areas[i].feature, this.outlines, latlng));
    });
    const en = this.lang === "en";
    addSpiderfied(this.map, this.layer, points, (n) =>
      en ? `${n} initiatives at the same place, show them` : `${n} initiatives au même endroit, les afficher`,
    );
    this.reopen(wasOpen);
  }
}

// Theme glyphs for the icon names stored with the themes (data: Theme.icon).
// Plain text symbols (no emoji font needed); decorative: the name is the accessible label.
const GLYPHS = {
  basket: "✿", home: "⌂", bolt: "ϟ", car: "➜", handshake: "⚒", coins: "€", recycle: "♻",
  users: "☺", currency: "¤", palette: "♪", book: "✎", heart: "♥", network: "✱",
};

export function glyph(icon) {
  return GLYPHS[icon] || "●";
}

function themeOf(config, slug) {
  return (config.themes || []).find((t) => t.slug === slug) || null;
}

export function themedMarker(latlng, props, config) {
  const theme = themeOf(config, props.theme);
  const span = text("span", theme ? glyph(theme.icon) : "");
  span.setAttribute("aria-hidden", "true");
  if (theme) span.style.setProperty("--theme", theme.colour);
  const name = props.approximate
    ? `${typeset(props.name)} (${lang() === "en" ? "approximate position" : "position approximative"})`
    : typeset(props.name);
  const marker = L.marker(latlng, {
    icon: L.divIcon({
      className: `pin pin-theme${props.approximate ? " pin-approximate" : ""}`,
      iconSize: [26, 26],
      html: span,
    }),
    title: name,
    key: props.url,
    keyboard: true,
  });
  marker.on("add", () => {
    const el = marker.getElement();
    if (!el) return;
    el.setAttribute("aria-label", name);
    el.dataset.url = props.url;
    if (theme) el.style.setProperty("--theme", theme.colour);
  });
  marker.bindPopup(popupFor(props));
  return marker;
}

function lang() {
  return document.documentElement.lang || "fr";
}

// The place of a "near" search: a pin and the radius' circle.
export function placeLayer(map, place) {
  const group = L.layerGroup();
  if (!place) return group;
  const centre = [place.lat, place.lon];
  group.addLayer(
    L.circle(centre, {
      radius: place.radius * 1000,
      color: "#000091",
      weight: 2,
      fillOpacity: 0.04,
      interactive: false,
    }),
  );
  const label =
    lang() === "en"
      ? `Searched place: ${place.label || ""}`
      : `Lieu recherché\u00a0: ${place.label || ""}`;
  const pin = L.marker(centre, {
    icon: L.divIcon({ className: "place-pin", iconSize: [22, 22], html: text("span", "") }),
    title: label,
    keyboard: false,
    interactive: false,
  });
  pin.on("add", () => {
    const el = pin.getElement();
    if (el) {
      el.setAttribute("role", "img");
      el.setAttribute("aria-label", label);
    }
  });
  group.addLayer(pin);
  return group;
}
