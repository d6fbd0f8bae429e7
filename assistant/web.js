() => {
  // The chat's copy buttons copy a message as stored: HTML with Markdown escapes. Hand the
  // clipboard the answer as a reader sees it instead: its text, then "[n] source: quote" lines.
  const clip = navigator.clipboard;
  if (!clip || !clip.writeText) return;
  const write = clip.writeText.bind(clip);
  const unmd = (s) => s.replace(/\\([\\`*_{}\[\]#|~])/g, "$1");
  clip.writeText = (text) => {
    if (typeof text !== "string" || !/class="(sources|not-found|error)"/.test(text)) {
      return write(text);
    }
    const doc = new DOMParser().parseFromString(text, "text/html");
    const cites = [...doc.querySelectorAll(".cite")].map((c) => {
      const head = c.querySelector(".cite-head b")?.textContent || "";
      const where = (c.querySelector(".cite-head")?.textContent || "").split("·")[0]
        .replace(head, "").trim();
      return `${head} ${unmd(where)}: “${unmd(c.querySelector("mark")?.textContent || "")}”`;
    });
    doc.querySelectorAll(".sources, .reader-note").forEach((s) => s.remove());
    const body = unmd(doc.body.textContent.trim());
    return write(cites.length ? `${body}\n\n${cites.join("\n")}` : body);
  };
}
