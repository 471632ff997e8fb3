// Package e2e holds end-to-end tests that drive a real Chatalott server
// through headless Chromium, on SQLite and on PostgreSQL, the way a user
// would: sign up, add and find contacts, and log out.
//
// The tests need Chromium at /usr/bin/chromium (Debian package chromium) and
// the PostgreSQL server that sqlstoretest uses. Without Chromium they skip,
// except under CI=true, where a missing browser fails the test. The browser
// and the server talk over loopback (127.0.0.1) only.
package e2e
