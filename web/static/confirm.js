// Asks before a form marked with data-confirm is submitted, for actions
// that cannot be undone. Without JavaScript the form submits at once.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
