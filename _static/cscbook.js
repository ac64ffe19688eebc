// Make a display equation that scrolls sideways (a wide equation on a phone) reachable
// with the keyboard, as the theme does for code blocks and outputs: a scrolling region
// gets tabindex 0 and a name (axe rule scrollable-region-focusable, WCAG 2.1.1).
(() => {
  const update = () => {
    document.querySelectorAll('mjx-container[display="true"]').forEach((el) => {
      if (el.scrollWidth > el.clientWidth + 1) {
        el.tabIndex = 0;
        el.setAttribute("role", "region");
        el.setAttribute("aria-label", "Equation, scrolls sideways");
      } else if (el.hasAttribute("tabindex")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("role");
        el.removeAttribute("aria-label");
      }
    });
  };
  const ready = () => (window.MathJax?.startup?.promise || Promise.resolve()).then(update);
  window.addEventListener("load", ready);
  window.addEventListener("resize", update);
})();
