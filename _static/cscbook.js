// Make a display equation that scrolls sideways (a wide equation on a phone) reachable
// with the keyboard, as the theme does for code blocks and outputs: a scrolling equation
// gets tabindex 0 (axe rule scrollable-region-focusable, WCAG 2.1.1). No landmark role:
// several equations with one name would be indistinct landmarks (axe landmark-unique).
(() => {
  const update = () => {
    document.querySelectorAll('mjx-container[display="true"]').forEach((el) => {
      if (el.scrollWidth > el.clientWidth + 1) {
        el.tabIndex = 0;
      } else if (el.hasAttribute("tabindex")) {
        el.removeAttribute("tabindex");
      }
    });
  };
  const ready = () => (window.MathJax?.startup?.promise || Promise.resolve()).then(update);
  window.addEventListener("load", ready);
  window.addEventListener("resize", update);
})();
