/* The dataset form, progressively: without JavaScript the selects and the GeoJSON textarea
 * work as they are and the validators check everything on the server.
 *
 * territorio-comuna-filter: on the comuna select; offers only the comunas of the regions
 *   chosen in the region select (its id in data-module-region-field). No region, or
 *   national coverage (CL), offers them all; chosen comunas are never dropped.
 * territorio-spatial-draw: on the spatial textarea; a Leaflet map (ckanext-spatial's Leaflet
 *   and Leaflet.draw bundle) where a drawn rectangle becomes the GeoJSON of the textarea, and
 *   GeoJSON typed in the textarea is shown on the map.
 */
this.ckan.module('territorio-comuna-filter', function ($) {
  'use strict';
  return {
    options: {regionField: 'field-region', national: 'CL'},

    initialize: function () {
      this.all = this.el.children('option').toArray();
      this.region = $(document.getElementById(this.options.regionField));
      if (!this.region.length) return;
      this.region.on('change', this._filter.bind(this));
      this._filter();
    },

    _chosenRegions: function () {
      return this.region.val() || [];
    },

    _filter: function () {
      var regions = this._chosenRegions();
      var everything = !regions.length || regions.indexOf(this.options.national) !== -1;
      var offered = this.all.filter(function (option) {
        return everything || option.selected ||
          regions.indexOf(option.getAttribute('data-region')) !== -1;
      });
      // select2 reads the options of the select each time it searches
      this.el.children('option').detach();
      this.el.append(offered);
      this.el.attr('data-territorio-offered', String(offered.length));
      this.el.trigger('change.select2');
    }
  };
});

this.ckan.module('territorio-spatial-draw', function ($) {
  'use strict';
  var CHILE = [[-56.0, -76.0], [-17.4, -66.0]];
  return {
    options: {
      tilesUrl: '', tilesAttribution: '',
      drawLabel: 'Dibujar un rectángulo en el mapa', clearLabel: 'Borrar',
      mapLabel: 'Mapa para dibujar la cobertura espacial'
    },

    initialize: function () {
      if (typeof L === 'undefined' || !L.Draw) return;  // no map bundle: the textarea alone
      var o = this.options;
      // an empty data-module-* attribute reads as true: no tiles configured
      var tiles = typeof o.tilesUrl === 'string' ? o.tilesUrl : '';
      var box = $('<div class="territorio-spatial-map" role="application"></div>')
        .attr('aria-label', o.mapLabel);
      var tools = $('<div class="territorio-spatial-tools"></div>');
      this.drawButton = $('<button type="button" class="btn btn-secondary btn-sm"></button>')
        .text(o.drawLabel);
      this.clearButton = $('<button type="button" class="btn btn-link btn-sm"></button>')
        .text(o.clearLabel);
      tools.append(this.drawButton, ' ', this.clearButton);
      this.el.after(tools).after(box);

      this.map = L.map(box[0], {scrollWheelZoom: false, attributionControl: Boolean(tiles)});
      if (tiles) {
        L.tileLayer(tiles, {maxZoom: 18, attribution: o.tilesAttribution}).addTo(this.map);
      }
      this.layer = L.featureGroup().addTo(this.map);
      this.rectangle = new L.Draw.Rectangle(this.map, {shapeOptions: {color: '#0f69b4'}});
      this.map.on(L.Draw.Event.CREATED, this._onDrawn.bind(this));
      this.drawButton.on('click', this._onDraw.bind(this));
      this.clearButton.on('click', this._onClear.bind(this));
      this.el.on('change input', this._showTyped.bind(this));
      this._showTyped();
    },

    _onDraw: function () {
      this.rectangle.enable();
    },

    _onClear: function () {
      this.layer.clearLayers();
      this.el.val('').trigger('change');
    },

    _onDrawn: function (event) {
      this.layer.clearLayers();
      this.layer.addLayer(event.layer);
      var b = event.layer.getBounds();
      var round = function (n) { return Math.round(n * 1e5) / 1e5; };
      var w = round(b.getWest()), e = round(b.getEast());
      var s = round(b.getSouth()), n = round(b.getNorth());
      var geometry = {type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]]};
      this.el.val(JSON.stringify(geometry));
    },

    _showTyped: function () {
      var text = $.trim(this.el.val() || '');
      var geometry = null;
      try { geometry = text ? JSON.parse(text) : null; } catch (err) { geometry = null; }
      this.layer.clearLayers();
      if (geometry) {
        try { this.layer.addLayer(L.geoJSON(geometry, {style: {color: '#0f69b4'}})); }
        catch (err) { geometry = null; }
      }
      var bounds = this.layer.getBounds();
      this.map.fitBounds(bounds.isValid() ? bounds.pad(0.3) : CHILE);
    }
  };
});
