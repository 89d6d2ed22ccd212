// Drag and drop within a role of a roster (SortableJS). The new order is posted with htmx, which
// swaps the roster back in; the ↑ ↓ buttons do the same without JavaScript.
(function () {
  function init(root) {
    if (typeof Sortable === "undefined" || typeof htmx === "undefined") return;
    root.querySelectorAll("tbody.sortable-role").forEach(function (body) {
      if (body.dataset.sortable) return;
      body.dataset.sortable = "1";
      Sortable.create(body, {
        handle: ".drag-handle",
        animation: 150,
        onEnd: function () {
          var ids = Array.prototype.map.call(body.querySelectorAll("tr[data-member-id]"), function (row) {
            return row.dataset.memberId;
          });
          htmx.ajax("POST", body.dataset.url, {
            source: body,
            target: "#roster",
            swap: "outerHTML",
            values: { role: body.dataset.role, member_ids: ids },
          });
        },
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
