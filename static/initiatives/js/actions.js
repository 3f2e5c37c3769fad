// Initiative page actions: share (Web Share API, else copy the link) and print.
// Buttons are hidden without JavaScript; the link itself is printed on the page.
const share = document.querySelector(".js-share");
const status = document.querySelector(".share-status");
if (share && (navigator.share || navigator.clipboard)) {
  share.hidden = false;
  share.addEventListener("click", async () => {
    const { url, title, text, copied } = share.dataset;
    try {
      if (navigator.share) {
        await navigator.share({ url, title, text });
      } else {
        await navigator.clipboard.writeText(url);
        if (status) status.textContent = copied;
      }
    } catch (error) {
      // The visitor closed the share sheet: nothing to do.
    }
  });
}
const print = document.querySelector(".js-print");
if (print) {
  print.hidden = false;
  print.addEventListener("click", () => window.print());
}
