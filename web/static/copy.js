// Shows the "Copy to clipboard" buttons of a page and copies the text of
// the element named by a button's data-copy attribute. Without JavaScript
// the buttons stay hidden and the text can be selected by hand.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(function () {
        button.textContent = "Copied";
      }, function () {
        button.textContent = "Copy failed: select the text and copy it by hand";
      });
    });
  });
})();
