// Copy and download buttons for the backup codes, which the page shows
// once. Without JavaScript the codes stay on the page to copy by hand.
(function () {
  "use strict";
  var list = document.getElementById("backup-codes");
  if (!list) {
    return;
  }
  var codes = Array.prototype.map.call(list.querySelectorAll("code"), function (c) {
    return c.textContent;
  });
  var text = "Chatalott backup codes\nEach code works once.\n\n" + codes.join("\n") + "\n";
  var status = document.getElementById("codes-status");
  var copy = document.getElementById("copy-codes");
  var download = document.getElementById("download-codes");

  if (navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(text).then(function () {
        status.textContent = "Copied.";
      }, function () {
        status.textContent = "Copying failed; select the codes and copy them by hand.";
      });
    });
  }

  download.hidden = false;
  download.addEventListener("click", function () {
    var url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    var a = document.createElement("a");
    a.href = url;
    a.download = "chatalott-backup-codes.txt";
    document.body.appendChild(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(url);
  });
})();
