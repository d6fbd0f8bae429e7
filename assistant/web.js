() => {
  // The chat's copy buttons copy a message as stored: HTML with Markdown escapes. Hand the
  // clipboard the answer as a reader sees it instead: its text, then "[n] source: quote" lines.
  const clip = navigator.clipboard;
  const write = clip && clip.writeText ? clip.writeText.bind(clip) : null;
  const unmd = (s) => s.replace(/\\([\\`*_{}\[\]#|~])/g, "$1");
  if (write) clip.writeText = (text) => {
    if (typeof text !== "string" || !/class="(answer|not-found|error)"/.test(text)) {
      return write(text);
    }
    const doc = new DOMParser().parseFromString(text, "text/html");
    const cites = [...doc.querySelectorAll(".cite-link")].map((c) => {
      const where = c.textContent.trim().replace(/^(\[\d+\])\s*/, "$1 ");
      return `${where}: “${c.dataset.quote || ""}”`;
    });
    const answer = doc.querySelector(".answer-text");
    const body = answer ? answer.textContent.trim() :
      unmd((doc.querySelector(".not-found, .error") || doc.body).textContent.trim());
    return write(cites.length ? `${body}\n\n${cites.join("\n")}` : body);
  };

  // A new question brings the chat back to its end, even when an earlier answer was being
  // read: Gradio follows a streamed answer only while the view is already at the bottom.
  let questions = 0;
  new MutationObserver(() => {
    const chat = document.querySelector("#chatbot .bubble-wrap");
    const asked = document.querySelectorAll("#chatbot .user-row").length;
    if (chat && asked > questions) chat.scrollTop = chat.scrollHeight;
    questions = asked;
  }).observe(document.body, {childList: true, subtree: true});
}
