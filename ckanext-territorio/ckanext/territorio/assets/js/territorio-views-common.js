/* Piezas comunes de las vistas de sensores (gráfico y mapa): leer la configuración que deja la
   plantilla, llamar a la API de acciones de CKAN y dar formato a fechas y números. */
(function (root) {
  "use strict";

  function readJSON(el, selector) {
    var node = el.querySelector(selector);
    return node ? JSON.parse(node.textContent) : {};
  }

  /* "{n} lecturas" con {n} = 3 → "3 lecturas" */
  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
    });
  }

  /* GET /api/3/action/<name>?...: la respuesta de la acción, o un Error con el mensaje del
     portal (los errores de validación de CKAN traen los campos y sus mensajes). */
  function action(name, params, signal) {
    var query = new URLSearchParams();
    Object.keys(params).forEach(function (key) {
      var value = params[key];
      if (value === undefined || value === null || value === "") { return; }
      (Array.isArray(value) ? value : [value]).forEach(function (v) { query.append(key, v); });
    });
    var base = (root.ckan && root.ckan.SITE_ROOT) || "";
    return fetch(base + "/api/3/action/" + name + "?" + query.toString(), {
      credentials: "same-origin",
      headers: {"Accept": "application/json"},
      signal: signal
    }).then(function (response) {
      return response.text().then(function (text) {
        var body = null;
        try { body = JSON.parse(text); } catch (e) { body = null; }
        if (response.ok && body && body.success !== false) {
          return Object.prototype.hasOwnProperty.call(body, "result") ? body.result : body;
        }
        var error = new Error(errorText(body) || (response.status + " " + response.statusText));
        error.status = response.status;
        throw error;
      });
    });
  }

  function errorText(body) {
    var error = body && body.error;
    if (!error) { return ""; }
    var parts = [];
    Object.keys(error).forEach(function (key) {
      if (key === "__type") { return; }
      var value = error[key];
      var text = Array.isArray(value) ? value.join(" ") : String(value);
      parts.push(key === "message" ? text : key + ": " + text);
    });
    return parts.join("; ");
  }

  function dateFormat(lang, timezone, withDate) {
    var options = {timeZone: timezone, hour: "2-digit", minute: "2-digit", hour12: false};
    if (withDate) { options.day = "2-digit"; options.month = "2-digit"; options.year = "numeric"; }
    try {
      return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "es-CL", options);
    } catch (e) {  // an unknown time zone: the browser's
      delete options.timeZone;
      return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "es-CL", options);
    }
  }

  function number(lang, value) {
    var digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
    return new Intl.NumberFormat(lang === "en" ? "en-GB" : "es-CL", {maximumFractionDigits: digits}).format(value);
  }

  /* "hace 2 horas" / "2 hours ago" */
  function ago(lang, seconds) {
    var rtf = new Intl.RelativeTimeFormat(lang === "en" ? "en" : "es", {numeric: "always"});
    var s = Math.max(0, seconds);
    if (s < 3600) { return rtf.format(-Math.max(1, Math.round(s / 60)), "minute"); }
    if (s < 48 * 3600) { return rtf.format(-Math.round(s / 3600), "hour"); }
    return rtf.format(-Math.round(s / 86400), "day");
  }

  function show(el, text) {
    el.textContent = text;
    el.hidden = !text;
  }

  root.territorioViews = {
    readJSON: readJSON, fill: fill, action: action, dateFormat: dateFormat,
    number: number, ago: ago, show: show
  };
})(window);
