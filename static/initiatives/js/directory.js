// The directory: the GET form keeps working without JavaScript; with it, the list and the
// map update together, without reloading, when filters change or the map moves.
import { FeatureLayer, bboxOf, boundsFromArray, createMap, readConfig } from "./mapcore.js";

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
              : "Votre position n'a pas pu être déterminée.";
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

// The map: asks the API for what lies in its view; a user's move can narrow the list.
const mapEl = document.getElementById("map");
if (config && mapEl && window.L) {
  map = createMap(mapEl, config);
  layer = new FeatureLayer(map, config);
  if (config.bounds) {
    programmaticMove = true;
    map.fitBounds(boundsFromArray(config.bounds).pad(0.05), { maxZoom: 14, animate: false });
    programmaticMove = false;
  }
  map.on("moveend", () => {
    if (!listIsValid()) return;
    layer.refresh();
    if (programmaticMove || !follow?.checked) return;
    const params = formParams();
    params.set("bbox", bboxOf(map));
    loadList(params);
  });
  if (listIsValid()) layer.refresh();
}
