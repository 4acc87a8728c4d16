/* Gráfico de series de tiempo de una tabla de observaciones (vista territorio_timeseries_view).

   Estaciones y variables: las de territorio_latest del conjunto (con sus nombres del recurso de
   estaciones GeoJSON). Lecturas: territorio_readings con from/to según el periodo elegido:
   24 h cada lectura (aggregate=none), 7 días promedios por hora (hour), 30 días promedios por
   día (day), estos dos con mínimo y máximo como banda. Dibuja uPlot (npm, assets/vendor). */
ckan.module("territorio-timeseries", function () {
  "use strict";
  var V = window.territorioViews;
  var PRESETS = {
    "24h": {hours: 24, aggregate: "none"},
    "7d": {hours: 24 * 7, aggregate: "hour"},
    "30d": {hours: 24 * 30, aggregate: "day"}
  };
  var PAGE = 5000;
  var MAX_POINTS = 20000;
  var LINE = "#1c5d99";
  var BAND = "rgba(28, 93, 153, 0.15)";

  return {
    initialize: function () {
      var el = this.el[0];
      this.root = el;
      this.cfg = V.readJSON(el, ".territorio-view-config");
      this.t = V.readJSON(el, ".territorio-view-strings");
      this.station = el.querySelector("select[name=station]");
      this.variable = el.querySelector("select[name=variable]");
      this.summary = el.querySelector(".territorio-view-summary");
      this.chartBox = el.querySelector(".territorio-chart");
      this.message = el.querySelector(".territorio-view-message");
      this.preset = "24h";
      this.series = {};   // station -> {variable -> latest record}
      this.names = {};    // station -> name
      this.plot = null;
      this.request = 0;
      this.timeFormat = V.dateFormat(this.cfg.lang, this.cfg.timezone, true);

      var self = this;
      el.querySelectorAll("[data-preset]").forEach(function (button) {
        button.addEventListener("click", function () { self.choosePreset(button.getAttribute("data-preset")); });
      });
      this.station.addEventListener("change", function () { self.fillVariables(); self.load(); });
      this.variable.addEventListener("change", function () { self.load(); });
      if (window.ResizeObserver) {
        new ResizeObserver(function () { self.resize(); }).observe(this.chartBox.parentNode);
      }
      this.start();
    },

    start: function () {
      var self = this;
      V.show(this.summary, this.t.loading);
      var names = this.cfg.stations_url
        ? fetch(this.cfg.stations_url, {credentials: "same-origin"})
          .then(function (r) { return r.ok ? r.json() : null; })
          .catch(function () { return null; })
        : Promise.resolve(null);
      var latest = V.action("territorio_latest", {id: this.cfg.dataset});
      Promise.all([names, latest]).then(function (both) {
        self.readNames(both[0]);
        self.readLatest(both[1]);
        if (!Object.keys(self.series).length) {
          V.show(self.summary, "");
          self.say(self.t.no_stations, "info");
          return;
        }
        self.fillStations();
        self.fillVariables();
        self.load();
      }).catch(function (error) {
        V.show(self.summary, "");
        self.say(V.fill(self.t.error, {message: error.message || self.t.error_unknown}), "danger");
      });
    },

    readNames: function (collection) {
      var self = this;
      ((collection && collection.features) || []).forEach(function (feature) {
        var props = feature.properties || {};
        var id = props.id || feature.id;
        if (id) { self.names[id] = props.nombre || props.name || id; }
      });
    },

    readLatest: function (result) {
      var self = this;
      (result && result.records || []).forEach(function (record) {
        var station = record.station || record.station_id;
        if (!station || !record.variable) { return; }
        (self.series[station] = self.series[station] || {})[record.variable] = record;
        var name = record.name || record.station_name;
        if (name && !self.names[station]) { self.names[station] = name; }
      });
    },

    label: function (variable) {
      return this.cfg.variables[variable] || variable;
    },

    fillStations: function () {
      var self = this;
      var ids = Object.keys(this.series).sort(function (a, b) {
        return (self.names[a] || a).localeCompare(self.names[b] || b, "es");
      });
      this.station.innerHTML = "";
      ids.forEach(function (id) {
        self.station.add(new Option(self.names[id] || id, id));
      });
      this.station.disabled = false;
    },

    fillVariables: function () {
      var self = this;
      var previous = this.variable.value;
      var variables = Object.keys(this.series[this.station.value] || {}).sort(function (a, b) {
        return self.label(a).localeCompare(self.label(b), "es");
      });
      this.variable.innerHTML = "";
      variables.forEach(function (v) { self.variable.add(new Option(self.label(v), v)); });
      if (variables.indexOf(previous) >= 0) { this.variable.value = previous; }
      this.variable.disabled = false;
    },

    choosePreset: function (preset) {
      this.preset = preset;
      this.root.querySelectorAll("[data-preset]").forEach(function (button) {
        var on = button.getAttribute("data-preset") === preset;
        button.classList.toggle("active", on);
        button.setAttribute("aria-pressed", on ? "true" : "false");
      });
      this.load();
    },

    load: function () {
      var self = this;
      var preset = PRESETS[this.preset];
      var station = this.station.value;
      var variable = this.variable.value;
      if (!station || !variable) { return; }
      var to = new Date();
      var from = new Date(to.getTime() - preset.hours * 3600 * 1000);
      var request = ++this.request;
      V.show(this.summary, this.t.loading);
      this.say("");
      this.root.setAttribute("aria-busy", "true");
      this.fetchAll({
        resource_id: this.cfg.resource_id,
        station: station,
        variable: variable,
        from: from.toISOString(),
        to: to.toISOString(),
        aggregate: preset.aggregate,
        limit: PAGE
      }).then(function (found) {
        if (request !== self.request) { return; }
        self.root.removeAttribute("aria-busy");
        self.draw(found.records, found.truncated, preset, station, variable);
      }).catch(function (error) {
        if (request !== self.request) { return; }
        self.root.removeAttribute("aria-busy");
        self.clear();
        V.show(self.summary, "");
        self.say(V.fill(self.t.error, {message: error.message || self.t.error_unknown}), "danger");
      });
    },

    /* every page of the answer, following its cursor, up to MAX_POINTS records */
    fetchAll: function (params) {
      var records = [];
      function page(cursor) {
        var query = Object.assign({}, params);
        if (cursor) { query.cursor = cursor; }
        return V.action("territorio_readings", query).then(function (result) {
          records = records.concat(result.records || []);
          if (result.next && records.length < MAX_POINTS) { return page(result.next); }
          return {records: records, truncated: Boolean(result.next)};
        });
      }
      return page(null);
    },

    draw: function (records, truncated, preset, station, variable) {
      var name = this.names[station] || station;
      var label = this.label(variable);
      if (!records.length) {
        this.clear();
        V.show(this.summary, "");
        var text = V.fill(this.t.empty, {variable: label, station: name, range: this.t["range_" + this.preset]});
        var latest = (this.series[station] || {})[variable];
        if (latest && latest.observed_at) {
          text += " " + V.fill(this.t.last_seen, {time: this.timeFormat.format(new Date(latest.observed_at))});
        }
        this.say(text, "info");
        return;
      }
      records = records.slice().sort(function (a, b) { return Date.parse(a.observed_at) - Date.parse(b.observed_at); });
      var xs = [], ys = [], mins = [], maxs = [];
      records.forEach(function (r) {
        xs.push(Date.parse(r.observed_at) / 1000);
        ys.push(r.value === null || r.value === undefined ? null : Number(r.value));
        mins.push(r.min === undefined || r.min === null ? null : Number(r.min));
        maxs.push(r.max === undefined || r.max === null ? null : Number(r.max));
      });
      var unit = records[0].unit || ((this.series[station] || {})[variable] || {}).unit || "";
      var aggregated = preset.aggregate !== "none";
      var data = aggregated ? [xs, ys, mins, maxs] : [xs, ys];
      var seriesName = this.t["series_" + preset.aggregate];
      var lang = this.cfg.lang;
      // without the cursor on the chart the legend shows the newest point, not dashes
      var last = xs.length - 1;
      var value = function (u, v, si, idx) {
        if (idx === null || idx === undefined) { v = u.data[si][last]; }
        return v === null || v === undefined ? "–" : V.number(lang, v) + (unit ? " " + unit : "");
      };
      var series = [
        {label: this.t.time, value: function (u, ts, si, idx) { return self.timeValue(u, idx === null || idx === undefined ? xs[last] : ts); }},
        {label: seriesName, stroke: LINE, width: 2, value: value, points: {show: xs.length <= 200}}
      ];
      if (aggregated) {
        series.push({label: this.t.series_min, stroke: "rgba(28, 93, 153, 0.5)", width: 1, dash: [4, 4], value: value});
        series.push({label: this.t.series_max, stroke: "rgba(28, 93, 153, 0.5)", width: 1, dash: [4, 4], value: value});
      }
      var timezone = this.cfg.timezone;
      var axisLabel = unit ? label + " (" + unit + ")" : label;
      var self = this;
      var dayFormat = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "es-CL", {timeZone: timezone, day: "numeric", month: "short"});
      var hourFormat = V.dateFormat(lang, timezone, false);
      var ticks = function (u, splits, axis, space, incr) {
        return splits.map(function (ts) {
          var when = new Date(ts * 1000);
          return incr >= 86400 ? dayFormat.format(when) : hourFormat.format(when);
        });
      };
      var options = {
        width: this.width(),
        height: this.height(),
        series: series,
        bands: aggregated ? [{series: [3, 2], fill: BAND}] : [],
        tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), timezone); },
        scales: {x: {time: true}},
        axes: [
          {values: ticks},
          {label: axisLabel, size: 60, labelSize: 20}
        ],
        legend: {live: true},
        cursor: {points: {size: 8}}
      };
      this.chartBox.hidden = false;
      if (this.plot) { this.plot.destroy(); }
      this.chartBox.innerHTML = "";
      this.plot = new uPlot(options, data, this.chartBox);
      this.chartBox.setAttribute("data-points", String(xs.length));
      this.chartBox.setAttribute("data-aggregate", preset.aggregate);
      this.chartBox.setAttribute("data-axis-label", axisLabel);  // drawn on the canvas, not in the DOM
      this.chartBox.setAttribute("aria-label", V.fill(this.t.chart_label, {variable: label, station: name}));
      var count = xs.length === 1 && preset.aggregate === "none"
        ? this.t.count_one
        : V.fill(this.t["count_" + preset.aggregate], {n: xs.length});
      var span = this.timeFormat.format(new Date(xs[0] * 1000)) + " – " + this.timeFormat.format(new Date(xs[xs.length - 1] * 1000));
      V.show(this.summary, count + " · " + span + (truncated ? " " + V.fill(this.t.truncated, {n: xs.length}) : ""));
    },

    timeValue: function (u, ts) {
      return ts === null || ts === undefined ? "–" : this.timeFormat.format(new Date(ts * 1000));
    },

    clear: function () {
      if (this.plot) { this.plot.destroy(); this.plot = null; }
      this.chartBox.innerHTML = "";
      this.chartBox.hidden = true;
      this.chartBox.removeAttribute("data-points");
    },

    say: function (text, kind) {
      this.message.className = "territorio-view-message alert alert-" + (kind || "info");
      V.show(this.message, text);
    },

    width: function () {
      return Math.max(260, Math.floor(this.chartBox.parentNode.clientWidth));
    },

    height: function () {
      return this.width() < 576 ? 260 : 340;
    },

    resize: function () {
      if (this.plot) { this.plot.setSize({width: this.width(), height: this.height()}); }
    }
  };
});
