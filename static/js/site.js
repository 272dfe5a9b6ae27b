// The site's only script of its own (the Content Security Policy allows no inline script).
// A button with data-print prints the page.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
