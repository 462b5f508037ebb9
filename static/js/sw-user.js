// Whose caches (imported by sw.js): who the server last said is signed in, and dropping the
// per-person caches when that changes or when an answer names nobody.
//
// Cache names (sw.js): mj-pages-<user>-<version> and mj-data-<user>, <user> being the opaque
// per-user key of the X-Journal-User header. The offline queue is not touched here: an entry
// is keyed to its account and sent only once that same account signs in again (queue.flush).

export const USER_CACHE = /^mj-(?:pages|data)-([0-9a-f]+)/;

let currentUser; // undefined: not known yet; null: nobody is signed in
// Bumped at sign-out: an answer fetched before it (a warm-up, a slow page) is not stored after.
let epochs = 0;

/** Return the sign-out counter (compare before and after a fetch). */
export const epoch = () => epochs;

/** Return the signed-in person's key; after a restart, read it from our cache names. */
export async function getUser() {
  if (currentUser === undefined) {
    const match = (await caches.keys()).map((name) => USER_CACHE.exec(name)).find(Boolean);
    currentUser = match ? match[1] : null;
  }
  return currentUser;
}

/** Delete the page and data caches of one person, or of everyone (user omitted). */
async function dropUserCaches(user) {
  const names = await caches.keys();
  const whose = (name) => USER_CACHE.exec(name)?.[1];
  await Promise.all(names.filter((n) => whose(n) && (user === undefined || whose(n) === user))
    .map((n) => caches.delete(n)));
}

/**
 * Nobody is signed in any more: on this device (sign-out), from another device ("sign out
 * every other device") or because the session expired. The server's answer says so, and no
 * private page or chart stays readable offline.
 */
export async function signedOut() {
  epochs += 1;
  currentUser = null;
  await dropUserCaches();
}

/** Follow who the server says is signed in; drop the previous person's caches on a change. */
export async function noteUser(user) {
  // An answer naming nobody: signed out, here or elsewhere (a 401, the sign-in page). Always
  // checked, not only on a change: a cache left from before a worker restart goes too.
  if (!user) {
    await signedOut();
    return;
  }
  const previous = await getUser();
  if (user === previous) return;
  currentUser = user;
  // A shared device: the next person must not be able to read the last one's pages offline.
  if (previous) await dropUserCaches(previous);
}

/** Read a network answer the worker passes through unstored: does it say nobody is signed in? */
export async function noteAnswer(response, userHeader) {
  // Opaque redirects name nobody; the sign-in page they lead to is a navigation of its own.
  if (response.type !== 'basic') return;
  if (!response.headers.get(userHeader)) await noteUser(null);
}
