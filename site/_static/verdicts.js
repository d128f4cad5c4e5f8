/* The verdict explorer (worldlab site): menus that filter the course-wide verdict table by
   claim, camp, lesson and status. Without JavaScript the whole table shows. */
(function () {
  "use strict";
  var FILTERS = ["claim", "camp", "lesson", "status"];

  function setup(table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var box = document.createElement("div");
    box.className = "verdict-filters";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Filter the verdicts");
    var count = document.createElement("p");
    count.className = "verdict-count";
    count.setAttribute("aria-live", "polite");
    var menus = [];
    FILTERS.forEach(function (name) {
      var column = heads.indexOf(name);
      if (column < 0) return;
      var values = [];
      rows.forEach(function (row) {
        var text = row.cells[column].textContent.trim();
        if (values.indexOf(text) < 0) values.push(text);
      });
      values.sort();
      var id = "verdict-filter-" + name;
      var label = document.createElement("label");
      label.setAttribute("for", id);
      label.textContent = name + " ";
      var select = document.createElement("select");
      select.id = id;
      select.appendChild(new Option("all", ""));
      values.forEach(function (value) { select.appendChild(new Option(value, value)); });
      select.addEventListener("change", apply);
      label.appendChild(select);
      box.appendChild(label);
      menus.push({ column: column, select: select });
    });
    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var keep = menus.every(function (menu) {
          return !menu.select.value || row.cells[menu.column].textContent.trim() === menu.select.value;
        });
        row.hidden = !keep;
        if (keep) shown += 1;
      });
      count.textContent = shown + " of " + rows.length + " verdicts shown";
    }
    var wrapper = table.closest(".pst-scrollable-table-container") || table;
    wrapper.parentNode.insertBefore(box, wrapper);
    wrapper.parentNode.insertBefore(count, wrapper);
    apply();
  }

  function all() {
    Array.prototype.forEach.call(document.querySelectorAll("table.verdict-explorer"), setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all);
  else all();
})();
