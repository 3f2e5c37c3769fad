// The directory: the GET form keeps working without JavaScript; with it, the list and the
// map update together, without reloading, when filters change or the map moves.
import {
  FeatureLayer,
  bboxOf,
  boundsFromArray,
  createMap,
  glyph,
  placeLayer,
  readConfig,
} from "./mapcore.js";

const FRAGMENT_HEADER = "X-Essmap-Fragment";
// Parameters the map ignores (it sends its own bbox and zoom).
const NOT_FOR_MAP = new Set(["page", "ordering", "mode", "bbox"]);

const form = document.getElementById("filters");
const results = document.getElementById("results");
const live = document.getElementById("results-live");
const follow = document.getElementById("map-follow");
const config = readConfig();
document.documentElement.classList.add("js");

let map = null;
let layer = null;
let placeShown = null;
let programmaticMove = false;
let listController = null;

function formParams() {
  const params = new URLSearchParams();
  for (const [key, value] of new FormData(form)) {
    if (typeof value === "string" && value.trim() !== "" && key !== "page" && key !== "bbox") {
      params.append(key, value.trim());
    }
  }
  return params;
}

function mapFilters(params) {
  return [...params].filter(([key]) => !NOT_FOR_MAP.has(key));
}

function fitTo(bounds) {
  if (!map || !bounds) return;
  programmaticMove = true;
  map.fitBounds(bounds.pad(0.05), { maxZoom: 14, animate: false });
  // moveend fires synchronously without animation; make sure the flag never sticks.
  setTimeout(() => (programmaticMove = false), 0);
}

function swapResults(html) {
  const doc = new DOMParser().parseFromString(`<div>${html}</div>`, "text/html");
  results.replaceChildren(...doc.body.firstChild.childNodes);
  const count = results.querySelector("#results-count");
  if (live && count) live.textContent = count.textContent.trim();
}

async function loadList(params, { push = true, fit = false, focus = false } = {}) {
  if (listController) listController.abort();
  listController = new AbortController();
  const query = params.toString();
  const url = `${form.action}${query ? `?${query}` : ""}`;
  results.setAttribute("aria-busy", "true");
  let html;
  try {
    const response = await fetch(url, {
      headers: { [FRAGMENT_HEADER]: "results" },
      signal: listController.signal,
    });
    html = await response.text();
  } catch (error) {
    if (error.name !== "AbortError") window.location.assign(url);
    return;
  } finally {
    results.removeAttribute("aria-busy");
  }
  swapResults(html);
  if (await geocodeUnknownPlace(params)) return;
  if (push) {
    window.history.pushState({ essmap: true }, "", url);
    shownSearch = window.location.search;
  }
  if (focus) {
    document.getElementById("results-title")?.setAttribute("tabindex", "-1");
    document.getElementById("results-title")?.focus();
  }
  if (layer) {
    if (!listIsValid()) {
      layer.clear();
      return;
    }
    showPlace(readPlace());
    layer.setFilters(mapFilters(params));
    const box = results.querySelector(".results-header")?.dataset.bounds;
    if (fit && box) fitTo(boundsFromArray(box.split(",").map(Number)));
    layer.refresh();
  }
}

// A place the local communes do not know (an address, a hamlet): ask the national address
// geocoder from the browser, when it is configured and reachable; otherwise the form error
// shown by the server stays, and nothing else changes.
async function geocodeUnknownPlace(params) {
  const place = params.get("near");
  if (!config?.geocoder || !place || params.get("lat")) return false;
  if (!results.querySelector('#form-errors a[href="#id_near"]')) return false;
  try {
    const url = `${config.geocoder}?q=${encodeURIComponent(place)}&limit=1`;
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) return false;
    const feature = (await response.json()).features?.[0];
    if (!feature) return false;
    const [lon, lat] = feature.geometry.coordinates;
    document.getElementById("id_lat").value = lat.toFixed(5);
    document.getElementById("id_lon").value = lon.toFixed(5);
    params.set("lat", lat.toFixed(5));
    params.set("lon", lon.toFixed(5));
  } catch {
    return false;
  }
  await loadList(params, { fit: true });
  return true;
}

function listIsValid() {
  return results.querySelector(".results-header")?.dataset.valid !== "false";
}

function onFiltersChanged() {
  loadList(formParams(), { fit: true });
}

let typingTimer = null;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  onFiltersChanged();
});
form.addEventListener("change", (event) => {
  if (event.target.id === "id_near") clearPoint();
  onFiltersChanged();
});
form.addEventListener("input", (event) => {
  if (event.target.id !== "id_q") return;
  clearTimeout(typingTimer);
  typingTimer = setTimeout(onFiltersChanged, 400);
});

// Pagination inside the list: same fragment, no reload.
results.addEventListener("click", (event) => {
  const link = event.target.closest(".pagination a");
  if (!link) return;
  event.preventDefault();
  const params = new URL(link.href).searchParams;
  loadList(params, { focus: true });
});

// Back/forward between searches: show that search (a #fragment change is not one).
let shownSearch = window.location.search;
window.addEventListener("popstate", () => {
  if (window.location.search !== shownSearch) window.location.reload();
});

// "Near me": the browser's geolocation fills latitude and longitude.
function clearPoint() {
  for (const id of ["id_lat", "id_lon"]) {
    const input = document.getElementById(id);
    if (input) input.value = "";
  }
}

const locate = document.getElementById("locate-me");
if (locate && "geolocation" in navigator) {
  locate.hidden = false;
  locate.addEventListener("click", () => {
    locate.disabled = true;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        locate.disabled = false;
        document.getElementById("id_lat").value = position.coords.latitude.toFixed(4);
        document.getElementById("id_lon").value = position.coords.longitude.toFixed(4);
        const near = document.getElementById("id_near");
        if (near) near.value = "";
        onFiltersChanged();
      },
      () => {
        locate.disabled = false;
        if (live) {
          live.textContent =
            document.documentElement.lang === "en"
              ? "Your position could not be found."
              : "Votre position n’a pas pu être déterminée.";
        }
      },
      { timeout: 10000, maximumAge: 600000 },
    );
  });
}

// Commune autocomplete from the local communes (the API), when it is available.
const near = document.getElementById("id_near");
const options = document.getElementById("commune-options");
let suggestTimer = null;
if (near && options) {
  near.setAttribute("list", "commune-options");
  near.addEventListener("input", () => {
    clearTimeout(suggestTimer);
    const term = near.value.trim();
    if (term.length < 2) return;
    suggestTimer = setTimeout(async () => {
      try {
        const response = await fetch(`/api/v1/communes/?q=${encodeURIComponent(term)}`, {
          headers: { Accept: "application/json" },
        });
        if (!response.ok) return;
        const data = await response.json();
        const items = (data.results || data || []).slice(0, 10);
        options.replaceChildren(
          ...items.map((commune) => {
            const option = document.createElement("option");
            const dep = commune.departement_code || commune.departement?.code || commune.departement;
            option.value = typeof dep === "string" ? `${commune.name} (${dep})` : commune.name;
            return option;
          }),
        );
      } catch {
        // No suggestions: the server still resolves the name or postcode typed.
      }
    }, 250);
  });
}

// The searched place (pin and radius), as the list last described it.
function readPlace() {
  const value = results.querySelector(".results-header")?.dataset.place;
  if (!value) return null;
  const [lat, lon, radius] = value.split(",").map(Number);
  const label = form.querySelector("#id_near")?.value || "";
  return { lat, lon, radius, label };
}

function showPlace(place) {
  if (!map) return;
  if (placeShown) map.removeLayer(placeShown);
  placeShown = placeLayer(map, place).addTo(map);
}

// The map's position lives in the URL (#carte=zoom/lat/lon): a shared link opens that view.
const HASH = /^#carte=(\d+)\/(-?[\d.]+)\/(-?[\d.]+)$/;

function viewFromHash() {
  const m = window.location.hash.match(HASH);
  return m ? { zoom: Number(m[1]), center: [Number(m[2]), Number(m[3])] } : null;
}

function writeHash() {
  const c = map.getCenter();
  const hash = `#carte=${map.getZoom()}/${c.lat.toFixed(5)}/${c.lng.toFixed(5)}`;
  window.history.replaceState(window.history.state, "", `${window.location.search}${hash}`);
}

// The map: asks the API for what lies in its view. Following the map (narrowing the list to
// the view) is the visitor's choice, off by default, and shows as a removable chip.
const mapEl = document.getElementById("map");
if (config && mapEl && window.L) {
  map = createMap(mapEl, config);
  layer = new FeatureLayer(map, config);
  const fromHash = viewFromHash();
  programmaticMove = true;
  if (fromHash) {
    map.setView(fromHash.center, fromHash.zoom, { animate: false });
  } else if (config.bounds) {
    map.fitBounds(boundsFromArray(config.bounds).pad(0.05), { maxZoom: 14, animate: false });
  }
  programmaticMove = false;
  showPlace(config.place);
  map.on("moveend", () => {
    writeHash();
    if (!listIsValid()) return;
    layer.refresh();
    if (programmaticMove || !follow?.checked) return;
    const params = formParams();
    params.set("bbox", bboxOf(map));
    loadList(params);
  });
  follow?.addEventListener("change", () => {
    const params = formParams();
    if (follow.checked) params.set("bbox", bboxOf(map));
    loadList(params);
  });
  if (listIsValid()) layer.refresh();
}

// The legend shows the same symbols as the markers.
// (Colours through the CSSOM: the CSP allows no inline style attribute.)
for (const symbol of document.querySelectorAll(".legend [data-icon]")) {
  symbol.firstElementChild.textContent = glyph(symbol.dataset.icon);
  symbol.style.setProperty("--theme", symbol.dataset.colour);
}

// On a phone: a switch between the filters, the list and the map, at the top of the page.
const directoryEl = document.querySelector(".directory");
const switchButtons = document.querySelectorAll("[data-view-switch]");
function showView(view) {
  directoryEl?.setAttribute("data-view", view);
  for (const button of switchButtons) {
    button.setAttribute("aria-pressed", String(button.dataset.viewSwitch === view));
  }
  if (view === "map" && map) setTimeout(() => map.invalidateSize(), 0);
}
for (const button of switchButtons) {
  button.addEventListener("click", () => showView(button.dataset.viewSwitch));
}
if (switchButtons.length) showView(viewFromHash() ? "map" : "list");
