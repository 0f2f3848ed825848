// fincase review screens: keyboard shortcuts and small conveniences. Written for fincase, no
// library. j / k: next / previous case (or row in the queue); Enter: open the row; a: approve the
// case on screen. Keys typed into a form field are left alone.
(function () {
  "use strict";
  function typing(e) {
    var t = e.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName));
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr.row[data-href]")); }
  function current() { return document.querySelector("tr.row.current"); }
  function move(step) {
    var rs = rows();
    if (!rs.length) { return false; }
    var i = rs.indexOf(current());
    var j = i < 0 ? 0 : Math.max(0, Math.min(rs.length - 1, i + step));
    if (i >= 0) { rs[i].classList.remove("current"); }
    rs[j].classList.add("current");
    rs[j].scrollIntoView({ block: "nearest" });
    return true;
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) { return; }
    var link;
    if (e.key === "j" || e.key === "k") {
      if (move(e.key === "j" ? 1 : -1)) { e.preventDefault(); return; }
      link = document.getElementById(e.key === "j" ? "next" : "prev");
      if (link) { e.preventDefault(); window.location.href = link.href; }
    } else if (e.key === "Enter" && current()) {
      e.preventDefault();
      window.location.href = current().getAttribute("data-href");
    } else if (e.key === "a") {
      var form = document.getElementById("approve-form");
      if (form) { e.preventDefault(); form.submit(); }
    }
  });
  document.addEventListener("click", function (e) {
    var tr = e.target.closest && e.target.closest("tr.row[data-href]");
    if (tr && !e.target.closest("a, button, input, select, textarea, form")) {
      window.location.href = tr.getAttribute("data-href");
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var hl = document.getElementById("hl");
    if (hl) { hl.scrollIntoView({ block: "center" }); }
  });
})();
