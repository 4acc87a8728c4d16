/* Mapa de las estaciones de un conjunto de sensores (vista territorio_stations_map).

   Estaciones: territorio_latest?format=geojson (la última lectura de cada estación y variable)
   y, para las que no tienen lecturas, el archivo de estaciones del conjunto. Cada estación se
   colorea por la categoría de calidad del aire de la variable elegida (schemas/air_quality.yaml:
   D.S. N° 12/2011 MMA para MP2,5, D.S. N° 59/1998 para MP10), en gris si su última lectura es
   más antigua que stale_hours. Dibuja Leaflet (npm, assets/vendor). */
ckan.module("territorio-stations-map", function () {
  "use strict";
  var V = window.territorioViews;
  var STALE = "#adb5bd";
  var NO_INDEX = "#1c7ed6";
  var NO_READING = "#ffffff";
  var PREFERRED = ["pm25", "pm10"];

  function numberOrNull(value) {
    return value === null || value === undefined || value === "" || isNaN(Number(value)) ? null : Number(value);
  }

  return {
    initialize: function () {
      var el = this.el[0];
      this.root = el;
      this.cfg = V.readJSON(el, ".territorio-view-config");
      this.t = V.readJSON(el, ".territorio-view-strings");
      this.select = el.querySelector("select[name=variable]");
      this.summary = el.querySelector(".territorio-view-summary");
      this.message = el.querySelector(".territorio-view-message");
      this.legend = el.querySelector(".territorio-map-legend");
      this.box = el.querySelector(".territorio-map");
      this.stations = {};  // id -> {id, name, lat, lon, readings: {variable -> reading}}
      this.timeFormat = V.dateFormat(this.cfg.lang, this.cfg.timezone, true);
      this.map = L.map(this.box, {scrollWheelZoom: false, attributionControl: Boolean(this.cfg.tiles_url)});
      if (this.cfg.tiles_url) {
        L.tileLayer(this.cfg.tiles_url, {maxZoom: 18, attribution: this.cfg.tiles_attribution}).addTo(this.map);
      }
      this.map.setView([-33.45, -70.66], 5);
      this.layer = L.featureGroup().addTo(this.map);
      var self = this;
      this.select.addEventListener("change", function () { self.draw(); });
      this.start();
    },

    start: function () {
      var self = this;
      V.show(this.summary, this.t.loading);
      var file = this.cfg.stations_url
        ? fetch(this.cfg.stations_url, {credentials: "same-origin"})
          .then(function (r) { return r.ok ? r.json() : null; })
          .catch(function () { return null; })
        : Promise.resolve(null);
      var latest = V.action("territorio_latest", {id: this.cfg.dataset, format: "geojson"})
        .then(function (result) { return {ok: true, result: result}; })
        .catch(function (error) { return {ok: false, error: error}; });
      Promise.all([file, latest]).then(function (both) {
        self.readFeatures(both[0], false);
        if (both[1].ok) {
          self.readFeatures(both[1].result, true);
        } else {
          self.say(V.fill(self.t.error, {message: both[1].error.message || self.t.error_unknown}));
        }
        self.fillVariables();
        self.draw();
        self.fit();
      });
    },

    /* A station's feature: either one per station with its readings (a list or a mapping by
       variable, under "readings" or "latest"), or one per station and variable (flat). */
    readFeatures: function (collection, withReadings) {
      var self = this;
      ((collection && collection.features) || []).forEach(function (feature) {
        var props = feature.properties || {};
        var id = props.station || props.station_id || props.id || feature.id;
        var coords = feature.geometry && feature.geometry.type === "Point" ? feature.geometry.coordinates : null;
        if (!id) { return; }
        var station = self.stations[id] = self.stations[id] || {id: id, name: id, readings: {}};
        var name = props.nombre || props.name || props.station_name;
        if (name) { station.name = name; }
        if (coords && coords.length >= 2) { station.lon = Number(coords[0]); station.lat = Number(coords[1]); }
        if (!withReadings) {
          (props.variables || []).forEach(function (v) { station.measures = (station.measures || []).concat([v]); });
          return;
        }
        var readings = props.readings || props.latest || props.variables;
        if (readings && !Array.isArray(readings) && typeof readings === "object") {
          readings = Object.keys(readings).map(function (v) { return Object.assign({variable: v}, readings[v]); });
        }
        if (!Array.isArray(readings) || (readings.length && typeof readings[0] !== "object")) {
          readings = props.variable ? [props] : [];
        }
        readings.forEach(function (r) { if (r.variable) { station.readings[r.variable] = r; } });
      });
    },

    variables: function () {
      var found = {};
      var self = this;
      Object.keys(this.stations).forEach(function (id) {
        var station = self.stations[id];
        Object.keys(station.readings).forEach(function (v) { found[v] = true; });
        (station.measures || []).forEach(function (v) { found[v] = true; });
      });
      return Object.keys(found);
    },

    label: function (variable) {
      return this.cfg.variables[variable] || variable;
    },

    fillVariables: function () {
      var self = this;
      var variables = this.variables().sort(function (a, b) {
        var pa = PREFERRED.indexOf(a), pb = PREFERRED.indexOf(b);
        if (pa !== pb) { return (pa < 0 ? 99 : pa) - (pb < 0 ? 99 : pb); }
        return self.label(a).localeCompare(self.label(b), "es");
      });
      this.select.innerHTML = "";
      variables.forEach(function (v) { self.select.add(new Option(self.label(v), v)); });
      this.select.disabled = variables.length === 0;
    },

    ageSeconds: function (reading) {
      var age = numberOrNull(reading.age_seconds);
      if (age === null) { age = numberOrNull(reading.age); }
      var observed = Date.parse(reading.observed_at);
      return isNaN(observed) ? age : Math.max(0, (Date.now() - observed) / 1000);
    },

    /* {category id or "none"/"stale"/"missing", colour, text} of a station for ``variable`` */
    state: function (station, variable) {
      var reading = station.readings[variable];
      var value = reading ? numberOrNull(reading.value) : null;
      if (!reading || value === null) { return {kind: "missing", colour: NO_READING}; }
      var age = this.ageSeconds(reading);
      if (age !== null && age > this.cfg.stale_hours * 3600) {
        return {kind: "stale", colour: STALE, reading: reading, value: value, age: age};
      }
      var index = this.cfg.air_quality.indices[variable];
      var unit = String(reading.unit || "").trim();
      if (!index || index.units.indexOf(unit) < 0) {
        return {kind: "none", colour: NO_INDEX, reading: reading, value: value, age: age};
      }
      var category = index.levels[0][0];
      var whole = Math.round(value);
      index.levels.forEach(function (level) { if (whole >= level[1]) { category = level[0]; } });
      var found = this.category(category);
      return {kind: category, colour: found.colour, label: found.label, reading: reading, value: value, age: age};
    },

    category: function (id) {
      var list = this.cfg.air_quality.categories;
      for (var i = 0; i < list.length; i++) { if (list[i].id === id) { return list[i]; } }
      return {id: id, label: id, colour: NO_INDEX};
    },

    draw: function () {
      var self = this;
      var variable = this.select.value;
      var counts = {fresh: 0, stale: 0, total: 0};
      this.layer.clearLayers();
      Object.keys(this.stations).forEach(function (id) {
        var station = self.stations[id];
        if (station.lat === undefined || isNaN(station.lat) || isNaN(station.lon)) { return; }
        var state = self.state(station, variable);
        counts.total += 1;
        counts[state.kind === "stale" || state.kind === "missing" ? "stale" : "fresh"] += 1;
        var marker = L.circleMarker([station.lat, station.lon], {
          radius: 10,
          color: state.kind === "stale" || state.kind === "missing" ? "#495057" : "#212529",
          weight: state.kind === "missing" ? 2 : 1,
          dashArray: state.kind === "stale" || state.kind === "missing" ? "3 3" : null,
          fillColor: state.colour,
          fillOpacity: 0.9,
          className: "territorio-station territorio-station-" + state.kind
        });
        marker.bindPopup(self.popup(station, variable, state), {maxWidth: 260});
        marker.bindTooltip(station.name);
        marker.addTo(self.layer);
        var path = marker.getElement && marker.getElement();
        if (path) {
          path.setAttribute("data-station", station.id);
          path.setAttribute("data-category", state.kind);
        }
      });
      var hours = this.cfg.stale_hours;
      if (!counts.total) {
        V.show(this.summary, "");
        this.say(this.t.no_stations);
      } else {
        var text = counts.total === 1 ? this.t.summary_one : this.t.summary;
        V.show(this.summary, V.fill(text, {n: counts.total, fresh: counts.fresh, stale: counts.stale, hours: hours}));
      }
      this.root.setAttribute("data-stations", String(counts.total));
      this.drawLegend(variable);
    },

    popup: function (station, variable, state) {
      var box = document.createElement("div");
      box.className = "territorio-popup";
      var title = document.createElement("strong");
      title.textContent = station.name;
      box.appendChild(title);
      var line = document.createElement("div");
      if (state.kind === "missing") {
        line.textContent = V.fill(this.t.no_reading, {variable: this.label(variable)});
        box.appendChild(line);
        return box;
      }
      var unit = state.reading.unit ? " " + state.reading.unit : "";
      line.textContent = this.label(variable) + ": " + V.number(this.cfg.lang, state.value) + unit;
      line.className = "territorio-popup-value";
      box.appendChild(line);
      if (state.label) {
        var category = document.createElement("div");
        category.innerHTML = '<span class="territorio-swatch"></span>';
        category.firstChild.style.background = state.colour;
        category.appendChild(document.createTextNode(" " + this.t.category + ": " + state.label));
        box.appendChild(category);
      } else if (state.kind === "stale") {
        var stale = document.createElement("div");
        stale.textContent = V.fill(this.t.stale, {hours: this.cfg.stale_hours});
        stale.className = "territorio-popup-stale";
        box.appendChild(stale);
      }
      var when = document.createElement("div");
      when.className = "territorio-popup-time";
      var observed = new Date(state.reading.observed_at);
      when.textContent = (state.age !== null ? V.ago(this.cfg.lang, state.age) : "") +
        (isNaN(observed.getTime()) ? "" : " (" + this.timeFormat.format(observed) + ")");
      box.appendChild(when);
      return box;
    },

    drawLegend: function (variable) {
      var self = this;
      var index = this.cfg.air_quality.indices[variable];
      var list = document.createElement("ul");
      list.className = "territorio-legend-list";
      function item(colour, text, kind) {
        var li = document.createElement("li");
        li.setAttribute("data-kind", kind);
        var swatch = document.createElement("span");
        swatch.className = "territorio-swatch" + (kind === "stale" || kind === "missing" ? " territorio-swatch-dashed" : "");
        swatch.style.background = colour;
        li.appendChild(swatch);
        li.appendChild(document.createTextNode(" " + text));
        list.appendChild(li);
      }
      if (index) {
        var unit = index.units.indexOf("µg/m³") >= 0 ? "µg/m³" : index.units[0];
        index.levels.forEach(function (level, i) {
          var next = index.levels[i + 1];
          var range = next
            ? V.fill(self.t.range, {from: level[1], to: next[1] - 1})
            : V.fill(self.t.range_from, {from: level[1]});
          var category = self.category(level[0]);
          item(category.colour, category.label + " (" + range + " " + unit + ")", level[0]);
        });
      } else {
        item(NO_INDEX, this.t.no_index, "none");
      }
      item(STALE, V.fill(this.t.stale, {hours: this.cfg.stale_hours}), "stale");
      item(NO_READING, V.fill(this.t.no_reading, {variable: this.label(variable)}), "missing");
      this.legend.innerHTML = "";
      var heading = document.createElement("h3");
      heading.className = "territorio-legend-title";
      heading.textContent = this.t.legend + (variable ? " · " + this.label(variable) : "");
      this.legend.appendChild(heading);
      this.legend.appendChild(list);
      if (index) {
        var note = document.createElement("p");
        note.className = "territorio-legend-source text-muted";
        note.textContent = V.fill(this.t.source, {source: index.source, averaging: index.averaging});
        this.legend.appendChild(note);
      }
    },

    fit: function () {
      var bounds = this.layer.getBounds();
      if (!bounds.isValid()) { return; }
      if (this.layer.getLayers().length === 1) {
        this.map.setView(bounds.getCenter(), 13);
      } else {
        this.map.fitBounds(bounds, {padding: [24, 24], maxZoom: 14});
      }
    },

    say: function (text) {
      V.show(this.message, text);
    }
  };
});
