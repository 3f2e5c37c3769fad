// The small map of an initiative page: one marker, no request to the API.
import { createMap, leafletReady, pointMarker, readConfig } from "./mapcore.js";

const config = readConfig();
const el = document.getElementById("map");
if (config && el) {
  leafletReady().then(() => {
    document.documentElement.classList.add("js");
    const map = createMap(el, config);
    pointMarker([config.point.lat, config.point.lon], config.label).addTo(map);
  });
}
