/**
 * The notifications demo page: plain HTML and a script, no build step, served as a
 * string so it works on Deno and Workers alike. It logs in, trades the access
 * token for a single-use stream ticket, and opens an EventSource. Because a ticket
 * works once, the page reconnects itself (a fresh ticket plus `last_event_id`)
 * instead of letting EventSource retry the spent URL, so nothing is missed.
 * @module
 */
export const NOTIFICATIONS_DEMO_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Leopard · live notifications</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 42rem; padding: 0 1rem; color: #1d2330; }
  h1 { font-size: 1.3rem; }
  form { display: flex; gap: .5rem; flex-wrap: wrap; }
  input { flex: 1 1 12rem; padding: .45rem; }
  button { padding: .45rem 1rem; }
  #status { margin: 1rem 0; color: #555; }
  #status[data-state="live"] { color: #0a7d32; }
  #status[data-state="error"] { color: #b42318; }
  ol { list-style: none; padding: 0; }
  li { border: 1px solid #d8dce5; border-radius: 6px; padding: .6rem .8rem; margin: .5rem 0; }
  li small { color: #667; display: block; }
</style>
</head>
<body>
<h1>Leopard · live notifications</h1>
<p>Log in as any seeded user, then assign that user a task (or change one they created)
from another account, e.g. in <a href="/api/docs">the API docs</a>. Notifications appear
here as they happen; close the laptop lid and reopen it, and the missed ones arrive too.</p>
<form id="login">
  <input id="email" type="email" placeholder="email" autocomplete="username" required>
  <input id="password" type="password" placeholder="password" autocomplete="current-password" required>
  <button type="submit">Log in and listen</button>
</form>
<div id="status" data-state="idle">Not connected.</div>
<ol id="events"></ol>
<script>
(() => {
  const api = "/api/v1";
  const status = document.getElementById("status");
  const list = document.getElementById("events");
  let token = null;
  let lastId = null;
  let source = null;

  const show = (state, text) => { status.dataset.state = state; status.textContent = text; };

  async function post(path, body) {
    const res = await fetch(api + path, {
      method: "POST",
      headers: Object.assign({ "content-type": "application/json" },
        token ? { authorization: "Bearer " + token } : {}),
      body: JSON.stringify(body || {}),
    });
    const json = await res.json();
    if (!res.ok) throw Object.assign(new Error(json.message || res.statusText), { status: res.status });
    return json;
  }

  function render(n) {
    const item = document.createElement("li");
    item.dataset.seq = n.seq;
    const title = document.createElement("strong");
    title.textContent = n.title;
    const meta = document.createElement("small");
    meta.textContent = "#" + n.seq + " · " + n.type + " · " + new Date(n.created_at).toLocaleString();
    item.append(title, meta);
    if (n.body) item.append(document.createTextNode(n.body));
    list.prepend(item);
  }

  async function listen() {
    if (source) source.close();
    try {
      const { stream_url } = await post("/notifications/stream-ticket");
      const url = stream_url + (lastId === null ? "" : "&last_event_id=" + lastId);
      source = new EventSource(url);
      source.onopen = () => show("live", "Live: waiting for notifications.");
      source.addEventListener("notification", (event) => {
        lastId = event.lastEventId;
        render(JSON.parse(event.data));
      });
      source.onerror = () => {
        // The ticket is spent: reconnect with a new one, resuming after lastId.
        source.close();
        show("error", "Disconnected; reconnecting…");
        setTimeout(listen, 2000);
      };
    } catch (error) {
      // An expired or revoked login cannot get tickets: ask for a new login, don't loop.
      if (error.status === 401) return show("error", "Your session ended; log in again.");
      show("error", "Could not open the stream: " + error.message);
      setTimeout(listen, 5000);
    }
  }

  document.getElementById("login").addEventListener("submit", async (event) => {
    event.preventDefault();
    show("idle", "Logging in…");
    try {
      const session = await post("/auth/login", {
        email: document.getElementById("email").value,
        password: document.getElementById("password").value,
      });
      token = session.access_token;
      lastId = null; // another user's position means nothing to this one
      list.replaceChildren();
      show("idle", "Logged in as " + session.user.email + "; opening the stream…");
      listen();
    } catch (error) {
      show("error", "Login failed: " + error.message);
    }
  });
})();
</script>
</body>
</html>
`;
