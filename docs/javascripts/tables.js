/* Client-side filtering of the generated tables marked `yg-filterable` (targets, agencies): a free-text box and
   one drop-down per column whose header holds data-filter="select" data-key="KEY" (rows carry data-KEY).
   A link to page.html#KEY=VALUE (the charts use them) opens the page filtered. No server, no library. */
(function () {
  "use strict";

  function setUp(table) {
    if (table.dataset.ygReady) return;
    table.dataset.ygReady = "1";
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var bar = document.createElement("div");
    bar.className = "yg-filters";
    var box = document.createElement("input");
    box.type = "search";
    box.placeholder = "Filter 筛选…";
    box.setAttribute("aria-label", "Filter the table");
    bar.appendChild(box);
    var selects = {};
    table.querySelectorAll("th [data-filter=select]").forEach(function (head) {
      var key = head.dataset.key;
      var values = [];
      rows.forEach(function (row) {
        var value = row.dataset[key] || "";
        if (values.indexOf(value) < 0) values.push(value);
      });
      values.sort();
      var select = document.createElement("select");
      select.setAttribute("aria-label", key);
      select.dataset.key = key;
      [["", "all " + key]].concat(values.map(function (v) { return [v, v]; })).forEach(function (pair) {
        var option = document.createElement("option");
        option.value = pair[0];
        option.textContent = pair[1];
        select.appendChild(option);
      });
      selects[key] = select;
      bar.appendChild(select);
    });
    var count = document.createElement("span");
    count.className = "yg-count";
    bar.appendChild(count);
    var scroller = table.closest(".yg-scroll") || table;
    scroller.parentNode.insertBefore(bar, scroller);

    function apply() {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
        Object.keys(selects).forEach(function (key) {
          var wanted = selects[key].value;
          if (wanted && (row.dataset[key] || "") !== wanted) ok = false;
        });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = shown + " / " + rows.length;
    }

    function fromHash() {
      var found = /^#([a-z]+)=(.+)$/.exec(window.location.hash);
      if (!found || !selects[found[1]]) return;
      var value = decodeURIComponent(found[2]);
      Array.prototype.forEach.call(selects[found[1]].options, function (option) {
        if (option.value === value || option.value.split(" ").indexOf(value) >= 0) selects[found[1]].value = option.value;
      });
      apply();
      bar.scrollIntoView();
    }

    box.addEventListener("input", apply);
    Object.keys(selects).forEach(function (key) { selects[key].addEventListener("change", apply); });
    window.addEventListener("hashchange", fromHash);
    apply();
    fromHash();
  }

  function start() {
    document.querySelectorAll("table.yg-filterable").forEach(setUp);
  }
  if (typeof document$ !== "undefined") document$.subscribe(start);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
