// Site-wide behaviour: the skip link moves keyboard focus to the main content.
const skip = document.querySelector(".skip-link");
const main = document.getElementById("main");
if (skip && main) {
  skip.addEventListener("click", () => main.focus());
}
