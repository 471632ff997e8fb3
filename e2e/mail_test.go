package e2e

import (
	"bytes"
	"io"
	"log/slog"
	"mime/quotedprintable"
	"net/http/httptest"
	netmail "net/mail"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/mail"
	"github.com/chatalott/chatalott/notify"
	"github.com/chatalott/chatalott/sessions"
	"github.com/chatalott/chatalott/sqlstore"
)

// testOutbox is where a test server's emails go.
type testOutbox struct {
	dir      string
	notifier *notify.Notifier
}

// outboxes maps a test server's URL to its outbox, so that the flow steps,
// which know only the URL, can read the emails.
var outboxes sync.Map

// newEmailFlows returns the email flows of a test server, writing emails
// into an outbox folder of the test, as "chatalott serve" does by default.
func newEmailFlows(t *testing.T, db *sqlstore.DB, svc *accounts.Service, sess *sessions.Manager, logger *slog.Logger) (*accounts.EmailService, *testOutbox) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "outbox")
	sender, err := mail.NewOutbox(dir, mail.DefaultFrom, logger)
	if err != nil {
		t.Fatalf("open outbox: %v", err)
	}
	n := &notify.Notifier{Sender: sender, Logger: logger}
	t.Cleanup(n.Wait)
	flows := &accounts.EmailService{Accounts: svc, Tokens: &sqlstore.EmailTokenStore{DB: db}, Mailer: n, Sessions: sess}
	return flows, &testOutbox{dir: dir, notifier: n}
}

// register sets the links' base to the server's URL, which its listener
// fixes before it starts, and records the outbox under that URL.
func (o *testOutbox) register(t *testing.T, srv *httptest.Server) {
	t.Helper()
	base := "https://" + srv.Listener.Addr().String()
	o.notifier.BaseURL = base
	outboxes.Store(base, o)
	t.Cleanup(func() { outboxes.Delete(base) })
}

// newestLink returns the link to path in the newest email of the server at
// base, after every delivery has ended.
func newestLink(t *testing.T, base, path string) string {
	t.Helper()
	v, ok := outboxes.Load(base)
	if !ok {
		t.Fatalf("no outbox is registered for %s", base)
	}
	o := v.(*testOutbox)
	o.notifier.Wait()

	entries, err := os.ReadDir(o.dir)
	if err != nil {
		t.Fatalf("read outbox: %v", err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".eml") {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		t.Fatal("the outbox is empty, want an email with a link")
	}
	sort.Strings(names)

	raw, err := os.ReadFile(filepath.Join(o.dir, names[len(names)-1]))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse email: %v", err)
	}
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	text, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}

	link := regexp.MustCompile(regexp.QuoteMeta(base+path+"?token=") + `[A-Za-z0-9_-]+`).FindString(string(text))
	if link == "" {
		t.Fatalf("newest email has no link to %s; body:\n%s", path, text)
	}
	return link
}
