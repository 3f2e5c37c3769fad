// The directory: the GET form keeps working without JavaScript; with it, the list and the
// map update together, without reloading, when filters change or the map moves.
//
// History: one entry per search (live changes while editing the filters share one entry, the
// submit ends it) and one per switch between filters, list and map on a phone; map moves only
// replace the current entry's #carte=zoom/lat/lon, so that Back from a page opened on the map
// comes back to the same view. The map is built, resized and fitted only when it is shown.
import {
  FeatureLayer,
  bboxOf,
  boundsFromArray,
  createMap,
  glyph,
  leafletReady,
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
const mapEl = document.getElementById("map");
const directoryEl = document.querySelector(".directory");
const switchBar = document.querySelector(".view-switch");
const switchButtons = document.querySelectorAll("[data-view-switch]");
const config = readConfig();
document.documentElement.classList.add("js");

let map = null;
let layer = null;
let placeShown = null;
let programmaticMove = false;
let listController = null;
let inflightCommit = false; // the list request under way ends a search (a submit)
// What the map must show: the current search's filters; fit it to the search when next shown.
let mapFilterList = config?.filters || [];
let fitPending = true;
let refreshPending = true;
// The search the page shows (Back/Forward to another one shows that one).
let shownSearch = window.location.search;

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

function mapVisible() {
  return Boolean(mapEl && mapEl.offsetWidth > 0 && mapEl.offsetHeight > 0);
}

// The phone's layout: the switch between filters, list and map is shown.
function onPhone() {
  return Boolean(switchBar && switchBar.getClientRects().length);
}

function fitTo(bounds) {
  if (!map || !bounds) return;
  programmaticMove = true;
  map.fitBounds(bounds.pad(0.05), { maxZoom: 14, animate: false });
  // moveend fires synchronously without animation; make sure the flag never sticks.
  setTimeout(() => (programmaticMove = false), 0);
}

// The searched place and radius, or the results' bounds, as the list last gave them.
function searchBounds() {
  const box = results.querySelector(".results-header")?.dataset.bounds;
  return box ? boundsFromArray(box.split(",").map(Number)) : null;
}

function swapResults(html) {
  const doc = new DOMParser().parseFromString(`<div>${html}</div>`, "text/html");
  results.replaceChildren(...doc.body.firstChild.childNodes);
  const count = results.querySelector("#results-count");
  if (live && count) live.textContent = count.textContent.trim();
  const filtersButton = document.querySelector('[data-view-switch="filters"]');
  if (filtersButton?.dataset.label) {
    const chips = results.querySelectorAll(".chips .chip").length;
    filtersButton.textContent = chips
      ? `${filtersButton.dataset.label} (${chips})`
      : filtersButton.dataset.label;
  }
}

// A search's history entry: a new one, unless the current entry is an unfinished search
// (live changes while editing) or already this URL; `commit` ends the unfinished search;
// `fresh` (another page of results) never replaces it; `moved` (the list following the map
// as it moves) always does, keeping the entry's state: no entry for a pan or a zoom.
function recordSearch(url, { commit, fresh = false, moved = false }) {
  const previous = window.history.state;
  const state = moved ? previous : { essmap: true, view: currentView(), live: !commit };
  const here = `${window.location.pathname}${window.location.search}`;
  if (moved) {
    window.history.replaceState(state, "", `${url}${window.location.hash}`);
  } else if (url === here || (previous?.live && !fresh)) {
    window.history.replaceState(state, "", url);
  } else {
    window.history.pushState(state, "", url);
  }
  shownSearch = window.location.search;
}

// After a search on a phone: the count of results in view, under the sticky switch.
function revealCount() {
  const count = document.getElementById("results-count");
  if (!count) return;
  const top = onPhone() ? switchBar.getBoundingClientRect().bottom : 0;
  const rect = count.getBoundingClientRect();
  if (rect.top < top || rect.bottom > window.innerHeight) {
    window.scrollBy({ top: rect.top - top - 8, behavior: "instant" });
  }
}

async function loadList(
  params,
  { push = true, fit = false, focus = false, commit = false, fresh = false, moved = false } = {},
) {
  if (listController) {
    listController.abort();
    // A change event may come after the submit (a blur): the submit's search still ends there.
    if (inflightCommit) commit = true;
  }
  listController = new AbortController();
  const controller = listController;
  inflightCommit = commit;
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
    if (controller === listController) {
      results.removeAttribute("aria-busy");
      listController = null;
      inflightCommit = false;
    }
  }
  swapResults(html);
  if (await geocodeUnknownPlace(params, { commit })) return;
  if (push) {
    const target = new URL(url, window.location.href);
    recordSearch(`${target.pathname}${target.search}`, { commit, fresh, moved });
  }
  if (focus || (commit && onPhone())) {
    const title = document.getElementById("results-title");
    title?.setAttribute("tabindex", "-1");
    title?.focus({ preventScroll: true });
  }
  if (commit && onPhone()) revealCount();
  else if (focus) document.getElementById("results-title")?.scrollIntoView?.({ block: "nearest" });
  showSearchOnMap(params, { fit });
}

// The map follows the list: the new search's place (or none: the previous pin and circle
// go), its filters, and its bounds, now if the map is shown, else when it is next shown.
function showSearchOnMap(params, { fit }) {
  if (!listIsValid()) {
    mapFilterList = null;
    showPlace(null);
    layer?.clear();
    return;
  }
  mapFilterList = mapFilters(params);
  if (fit) fitPending = true;
  refreshPending = true;
  showPlace(readPlace());
  layer?.setFilters(mapFilterList);
  if (mapVisible()) onMapShown();
}

// A place the local communes do not know (an address, a hamlet): ask the national address
// geocoder from the browser, when it is configured and reachable; otherwise the form error
// shown by the server stays, and nothing else changes.
async function geocodeUnknownPlace(params, { commit = false } = {}) {
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
  await loadList(params, { fit: true, commit });
  return true;
}

function listIsValid() {
  return results.querySelector(".results-header")?.dataset.valid !== "false";
}

function onFiltersChanged({ commit = false } = {}) {
  loadList(formParams(), { fit: true, commit });
}

let typingTimer = null;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(typingTimer);
  // A search on a phone shows its results at once: the list, its count in view.
  if (onPhone()) {
    showView("list");
    revealCount(); // at once (the count updates in place when the answer comes)
  }
  onFiltersChanged({ commit: true });
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
  loadList(params, { focus: true, commit: true, fresh: true });
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

// Only one searched place on the map: the previous pin and circle go first.
function showPlace(place) {
  if (!map) return;
  if (placeShown) map.removeLayer(placeShown);
  placeShown = place ? placeLayer(map, place).addTo(map) : null;
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

function setViewFromHash(view) {
  programmaticMove = true;
  map.setView(view.center, view.zoom, { animate: false });
  setTimeout(() => (programmaticMove = false), 0);
}

// The map: asks the API for what lies in its view. Following the map (narrowing the list to
// the view) is the visitor's choice, off by default, and shows as a removable chip.
// Built the first time it is shown (a hidden map has no size: fitted there, it would show
// all of France at zoom 5), then resized and fitted each time it is shown again.
function buildMap() {
  map = createMap(mapEl, config);
  layer = new FeatureLayer(map, config);
  layer.setFilters(mapFilterList || []);
  const fromHash = viewFromHash();
  if (fromHash) {
    setViewFromHash(fromHash);
    fitPending = false; // a shared link, or Back from a page opened on the map: that view
  }
  map.on("moveend", () => {
    writeHash();
    if (!listIsValid()) return;
    layer.refresh();
    refreshPending = false;
    if (programmaticMove || !follow?.checked) return;
    const params = formParams();
    params.set("bbox", bboxOf(map));
    loadList(params, { moved: true });
  });
  follow?.addEventListener("change", () => {
    const params = formParams();
    if (follow.checked) params.set("bbox", bboxOf(map));
    loadList(params);
  });
}

function onMapShown() {
  if (!leafletLoaded || !config || !mapVisible()) return;
  if (!map) {
    buildMap();
    showPlace(listIsValid() ? readPlace() : null);
  } else {
    map.invalidateSize({ animate: false });
  }
  if (fitPending) {
    fitPending = false;
    const bounds = searchBounds();
    if (bounds) fitTo(bounds); // moveend refreshes the markers
  }
  if (refreshPending && listIsValid()) {
    refreshPending = false;
    layer.refresh();
  }
}

let leafletLoaded = false;
if (config && mapEl) {
  leafletReady()
    .then(() => {
      leafletLoaded = true;
      onMapShown();
    })
    .catch(() => {
      // No Leaflet: the list works alone.
    });
  if ("ResizeObserver" in window) new ResizeObserver(() => onMapShown()).observe(mapEl);
}

// The legend shows the same symbols as the markers.
// (Colours through the CSSOM: the CSP allows no inline style attribute.)
for (const symbol of document.querySelectorAll(".legend [data-icon]")) {
  symbol.firstElementChild.textContent = glyph(symbol.dataset.icon);
  symbol.style.setProperty("--theme", symbol.dataset.colour);
}

// On a phone: a switch between the filters, the list and the map, at the top of the page.
// Each switch is a history entry (Back from the map returns to the list).
function currentView() {
  return directoryEl?.dataset.view || "list";
}

// push: a new history entry (a tap on the switch); replace: the current entry's view.
function showView(view, { push = false, replace = false } = {}) {
  if (!directoryEl) return;
  const changed = view !== currentView();
  directoryEl.dataset.view = view;
  for (const button of switchButtons) {
    button.setAttribute("aria-pressed", String(button.dataset.viewSwitch === view));
  }
  if (push && changed) {
    window.history.pushState({ essmap: true, view }, "", window.location.href);
  } else if (replace && window.history.state?.view !== view) {
    window.history.replaceState({ ...window.history.state, essmap: true, view }, "");
  }
  if (view === "map") onMapShown();
}

for (const button of switchButtons) {
  button.addEventListener("click", () => showView(button.dataset.viewSwitch, { push: true }));
}

// Back/Forward: another search shows that search (the page reloads it, form included);
// the same search shows its entry's view (list, map or filters) and map position.
window.addEventListener("popstate", (event) => {
  if (window.location.search !== shownSearch) {
    window.location.reload();
    return;
  }
  const view = event.state?.view || (viewFromHash() ? "map" : "list");
  if (switchButtons.length) showView(view);
  const fromHash = viewFromHash();
  if (map && fromHash && mapVisible()) setViewFromHash(fromHash);
});

if (switchButtons.length) {
  showView(window.history.state?.view || (viewFromHash() ? "map" : "list"), { replace: true });
}
