// Maps fed by the API with fixed filters: the embeddable map and the interco pages.
import { FeatureLayer, boundsFromArray, createMap, leafletReady, readConfig } from "./mapcore.js";

const config = readConfig();
const el = document.getElementById("map");
if (config && el) {
  leafletReady().then((L) => {
    document.documentElement.classList.add("js");
    // No view at creation: the tiles wait for the first view, set once below without animation
    // (a default view then a fitted one loaded the tiles of two zoom levels).
    const map = createMap(el, { ...config, center: undefined });
    if (config.contour) {
      const outline = L.geoJSON(config.contour, {
        style: { color: "#000091", weight: 2, fillOpacity: 0.05 },
        interactive: false,
      }).addTo(map);
      map.fitBounds(outline.getBounds(), { animate: false });
    } else if (config.bounds) {
      map.fitBounds(boundsFromArray(config.bounds).pad(0.1), { maxZoom: 13, animate: false });
    } else {
      map.setView(config.center, config.zoom, { animate: false });
    }
    const layer = new FeatureLayer(map, config);
    map.on("moveend", () => layer.refresh());
    layer.refresh();
  });
}
