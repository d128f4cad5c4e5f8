/* Live demos without a kernel (worldlab site). Each .wl-demo holds plain HTML controls over
   figures drawn in advance, one per setting: figure k is the setting whose control positions,
   read as the digits of a number (first control most significant), give k. Moving a control
   swaps the figure; nothing is computed and nothing is fetched from outside the site. */
(function () {
  "use strict";

  function setup(demo) {
    var controls = Array.prototype.slice.call(
      demo.querySelectorAll(".wl-demo-controls input[type=range], .wl-demo-controls select, .wl-fixed output")
    );
    var image = demo.querySelector("img.wl-demo-figure");
    var text = demo.querySelector("pre.wl-demo-text");
    var textsNode = demo.querySelector("script.wl-demo-texts");
    var texts = textsNode ? JSON.parse(textsNode.textContent) : [];
    var base = demo.getAttribute("data-base");
    var suffix = demo.getAttribute("data-suffix");
    var defaultIndex = image.getAttribute("data-default");

    function count(control) {
      if (control.tagName === "OUTPUT") return 1;
      if (control.tagName === "SELECT") return control.options.length;
      return Number(control.max) + 1;
    }
    function position(control) {
      return control.tagName === "OUTPUT" ? 0 : Number(control.value);
    }
    function label(control) {
      if (control.tagName === "SELECT") return control.options[control.selectedIndex].text;
      if (control.tagName === "OUTPUT") return control.textContent;
      return JSON.parse(control.getAttribute("data-labels"))[Number(control.value)];
    }
    function name(control) {
      var wrapper = control.closest(".wl-control");
      var tag = wrapper.querySelector("label, .wl-label");
      return tag ? tag.textContent.trim() : "";
    }
    function update() {
      var index = 0;
      var settings = [];
      controls.forEach(function (control) {
        index = index * count(control) + position(control);
        settings.push(name(control) + " = " + label(control));
        if (control.tagName === "INPUT") {
          var shown = control.parentNode.querySelector("output");
          if (shown) shown.textContent = label(control);
          control.setAttribute("aria-valuetext", label(control));
        }
      });
      image.src = base + index + suffix;
      image.alt = String(index) === defaultIndex
        ? image.getAttribute("data-default-alt")
        : "The demo's figure drawn with " + settings.join(", ") + ".";
      demo.setAttribute("data-index", String(index));
      if (text) {
        var printed = texts[index] || "";
        text.textContent = printed;
        text.hidden = !printed;
      }
    }
    controls.forEach(function (control) {
      control.addEventListener("input", update);
      control.addEventListener("change", update);
    });
    demo.setAttribute("data-index", defaultIndex);
    demo.classList.add("wl-demo-ready");
  }

  function all() {
    Array.prototype.forEach.call(document.querySelectorAll(".wl-demo"), setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all);
  else all();
})();
