// Enhancements for the timeline page; everything here also works without it.
(function () {
  "use strict";

  // Submit only the filters a reader set, so shared URLs stay short and readable.
  var form = document.getElementById("filters");
  if (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (field) {
        var unset = field.name && field.type !== "checkbox" && field.type !== "radio" && !field.value;
        var defaultLanes = field.name === "lanes" && field.value === "category";
        if (unset || defaultLanes) field.disabled = true;
      });
      // Disabled fields stay disabled when the browser restores this page from its cache.
      window.addEventListener("pageshow", function () {
        Array.prototype.forEach.call(form.elements, function (field) { field.disabled = false; });
      }, { once: true });
    });
  }

  // A tooltip for marks reached by keyboard as well as by mouse (SVG titles only show on hover).
  var tip = document.createElement("div");
  tip.className = "timeline-tip";
  tip.hidden = true;
  tip.setAttribute("aria-hidden", "true");
  document.body.appendChild(tip);
  function show(event) {
    var link = event.target.closest && event.target.closest("svg.timeline-chart a");
    if (!link) return;
    var box = link.getBoundingClientRect();
    tip.textContent = link.getAttribute("aria-label");
    tip.hidden = false;
    tip.style.left = Math.max(8, window.scrollX + box.left) + "px";
    tip.style.top = window.scrollY + box.bottom + 6 + "px";
  }
  function hide() { tip.hidden = true; }
  document.addEventListener("mouseover", show);
  document.addEventListener("focusin", show);
  document.addEventListener("mouseout", hide);
  document.addEventListener("focusout", hide);

  // Keyboard zoom: + and - zoom, [ and ] move a window's length earlier or later.
  var keys = { "+": "zoom-in", "=": "zoom-in", "-": "zoom-out", "[": "earlier", "]": "later" };
  document.addEventListener("keydown", function (event) {
    var typing = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName);
    if (typing || event.ctrlKey || event.metaKey || event.altKey || !keys[event.key]) return;
    var link = document.querySelector('nav.window a[rel~="' + keys[event.key] + '"], nav.window a.' + keys[event.key]);
    if (link) link.click();
  });
})();
