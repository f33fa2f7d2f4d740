// Supervisor dashboard, progressive enhancement only: every page works without this file.
// The overview's map: when a tile server is configured and Leaflet is loaded, the SVG outline
// map is replaced by a tiled map with the same points; otherwise the SVG stays.
document.addEventListener("DOMContentLoaded", function () {
  var dataNode = document.getElementById("map-data");
  var holder = document.getElementById("tile-map");
  if (!dataNode || !holder || typeof window.L === "undefined") {
    return;
  }
  var data = JSON.parse(dataNode.textContent);
  if (!data.tiles) {
    return;
  }
  holder.hidden = false;
  var svg = document.getElementById("svg-map");
  if (svg) {
    svg.setAttribute("hidden", "");
  }
  var map = window.L.map(holder).setView([12.6, 104.9], 7);
  window.L.tileLayer(data.tiles, { maxZoom: 18 }).addTo(map);
  var colours = { none: "#2da44e", some: "#f59f00", many: "#b42318" };
  data.points.forEach(function (point) {
    var level = point.open === 0 ? "none" : (point.open < 3 ? "some" : "many");
    var marker = window.L.circleMarker([point.lat, point.lon], {
      radius: 6, color: "#1b1f24", weight: 1, fillColor: colours[level], fillOpacity: 0.9,
    }).addTo(map);
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.name + ": " + point.open;
    marker.bindPopup(link);
  });
});
