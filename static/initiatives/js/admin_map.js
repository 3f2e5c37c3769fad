// Placement map of the initiative admin form: a marker kept in sync with the latitude and
// longitude inputs, centred on the chosen commune, with optional address geocoding.
// Configuration comes from the #admin-map-config JSON element (no inline script).

const PRECISION = 6;

function readConfig() {
  const node = document.getElementById("admin-map-config");
  return node ? JSON.parse(node.textContent) : null;
}

function parseCoordinate(value) {
  const text = String(value || "").trim().replace(",", ".");
  if (text === "") return null;
  const number = Number(text);
  return Number.isFinite(number) ? number : null;
}

function validPoint(lat, lon) {
  return lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
}

// Leaflet's default marker with the image URLs the server gives (static(), so hashed names
// under the manifest storage): Leaflet's own guess, from leaflet.css's path, breaks there.
function markerIcon(L, urls) {
  if (!urls) return new L.Icon.Default();
  const { imagePath, ...defaults } = L.Icon.Default.prototype.options;
  return L.icon({ ...defaults, ...urls });
}

function setup(config) {
  const L = window.L;
  const container = document.getElementById("essmap-map");
  const latInput = document.getElementById("id_latitude");
  const lonInput = document.getElementById("id_longitude");
  if (!L || !container || !latInput || !lonInput) return;
  const communeSelect = document.getElementById("id_commune");
  const addressInput = document.getElementById("id_address");
  const status = document.getElementById("essmap-map-status");
  const messages = config.messages || {};

  const map = L.map(container, { scrollWheelZoom: false }).setView(config.center, config.zoom);
  L.tileLayer(config.tilesUrl, { attribution: config.attribution, maxZoom: config.maxZoom }).addTo(map);
  let marker = null;

  function say(text, isError = false) {
    if (!status) return;
    status.textContent = text || "";
    status.classList.toggle("is-error", Boolean(isError));
  }

  function placeMarker(lat, lon) {
    if (marker) {
      marker.setLatLng([lat, lon]);
      return;
    }
    marker = L.marker([lat, lon], {
      icon: markerIcon(L, config.markerIcon),
      draggable: true,
      keyboard: true,
      autoPan: true,
    }).addTo(map);
    marker.on("dragend", () => {
      const position = marker.getLatLng();
      writeInputs(position.lat, position.lng);
    });
  }

  function writeInputs(lat, lon) {
    latInput.value = lat.toFixed(PRECISION);
    lonInput.value = lon.toFixed(PRECISION);
    for (const input of [latInput, lonInput]) {
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    say((messages.placed || "%s").replace("%s", `${latInput.value}, ${lonInput.value}`));
  }

  function setPoint(lat, lon, { zoom } = {}) {
    placeMarker(lat, lon);
    writeInputs(lat, lon);
    map.setView([lat, lon], zoom || Math.max(map.getZoom(), 15));
  }

  function syncFromInputs() {
    const lat = parseCoordinate(latInput.value);
    const lon = parseCoordinate(lonInput.value);
    if (!validPoint(lat, lon)) return;
    placeMarker(lat, lon);
    map.panTo([lat, lon]);
  }

  function communeCentre() {
    if (!communeSelect || !communeSelect.value) return null;
    return (config.communeCentres || {})[communeSelect.value] || null;
  }

  map.on("click", (event) => setPoint(event.latlng.lat, event.latlng.lng, { zoom: map.getZoom() }));
  latInput.addEventListener("input", syncFromInputs);
  lonInput.addEventListener("input", syncFromInputs);

  if (communeSelect) {
    communeSelect.addEventListener("change", () => {
      const centre = communeCentre();
      if (centre) map.setView(centre, 13);
    });
  }

  // Initial view: the saved point, else the commune, else the territory.
  const lat = parseCoordinate(latInput.value);
  const lon = parseCoordinate(lonInput.value);
  if (validPoint(lat, lon)) {
    placeMarker(lat, lon);
    map.setView([lat, lon], 15);
  } else if (communeCentre()) {
    map.setView(communeCentre(), 13);
  }

  setupGeocoder(config, { setPoint, say, communeSelect, addressInput });
}

function setupGeocoder(config, { setPoint, say, communeSelect, addressInput }) {
  const query = document.getElementById("essmap-geocode-q");
  const button = document.getElementById("essmap-geocode-button");
  const results = document.getElementById("essmap-geocode-results");
  const messages = config.messages || {};
  if (!query || !button || !results) return;
  if (!config.geocoderUrl) {
    query.closest(".essmap-geocode").hidden = true;
    return;
  }
  if (addressInput && !query.value) query.value = addressInput.value;

  function showResults(features) {
    results.replaceChildren();
    results.hidden = features.length === 0;
    for (const feature of features) {
      const [lon, lat] = feature.geometry.coordinates;
      const item = document.createElement("li");
      const choice = document.createElement("button");
      choice.type = "button";
      choice.className = "button";
      choice.textContent = feature.properties.label;
      choice.addEventListener("click", () => {
        setPoint(lat, lon, { zoom: 17 });
        if (addressInput && !addressInput.value && feature.properties.name) {
          addressInput.value = feature.properties.name;
        }
        const postcode = document.getElementById("id_postcode");
        if (postcode && !postcode.value && feature.properties.postcode) {
          postcode.value = feature.properties.postcode;
        }
        results.hidden = true;
      });
      item.append(choice);
      results.append(item);
    }
  }

  async function search() {
    const text = query.value.trim();
    if (!text) {
      say(messages.empty, true);
      return;
    }
    if (navigator.onLine === false) {
      say(messages.offline, true);
      return;
    }
    const url = new URL(config.geocoderUrl);
    url.searchParams.set("q", text);
    url.searchParams.set("limit", "5");
    if (communeSelect && communeSelect.value) url.searchParams.set("citycode", communeSelect.value);
    say(messages.searching);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 6000);
    try {
      const response = await fetch(url, { signal: controller.signal, credentials: "omit" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const data = await response.json();
      const features = (data.features || []).filter((f) => f.geometry && f.geometry.coordinates);
      if (features.length === 0) {
        showResults([]);
        say(messages.noResult, true);
      } else {
        showResults(features);
        say(messages.choose);
      }
    } catch (error) {
      showResults([]);
      say(messages.offline, true);
    } finally {
      clearTimeout(timer);
    }
  }

  button.addEventListener("click", search);
  query.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault(); // do not submit the admin form
      search();
    }
  });
}

function start() {
  const config = readConfig();
  if (config) setup(config);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
