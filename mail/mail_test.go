package mail_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/chatalott/chatalott/certs"
	"github.com/chatalott/chatalott/mail"
)

var testMessage = mail.Message{
	To:      "Zoë Example <zoe@example.test>",
	Subject: "Réinitialisez votre mot de passe ✓",
	Text:    "Hello Zoë,\r\nopen https://localhost:8443/reset-password?token=abc=def to continue.\r\n",
	Kind:    "password_reset",
	UserID:  "user-123",
}

// readBody returns the decoded plain-text body of a single-part message.
func readBody(t *testing.T, msg *netmail.Message) string {
	t.Helper()
	var r io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		r = quotedprintable.NewReader(r)
	}
	body, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return string(body)
}

func TestOutboxWritesEML(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox")
	var logs bytes.Buffer
	outbox, err := mail.NewOutbox(dir, "Chatalott <no-reply@crm.example.test>", slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := outbox.Send(context.Background(), testMessage); err != nil {
		t.Fatalf("Send: %v", err)
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || !strings.HasSuffix(entries[0].Name(), ".eml") {
		t.Fatalf("outbox holds %v, want one .eml file", entries)
	}
	info, err := entries[0].Info()
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != 0o600 {
		t.Errorf("file mode = %o, want 600", got)
	}
	dirInfo, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := dirInfo.Mode().Perm(); got != 0o700 {
		t.Errorf("outbox folder mode = %o, want 700", got)
	}

	raw, err := os.ReadFile(filepath.Join(dir, entries[0].Name()))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse .eml: %v", err)
	}
	h := msg.Header
	// People open the outbox in a text editor and copy links from it, so
	// the body is stored unencoded, each link whole on its line.
	if got := h.Get("Content-Transfer-Encoding"); got != "8bit" {
		t.Errorf("Content-Transfer-Encoding = %q, want 8bit", got)
	}
	if link := "https://localhost:8443/reset-password?token=abc=def"; !bytes.Contains(raw, []byte(link)) {
		t.Errorf("outbox file does not contain the link %s as it is", link)
	}
	if got, err := (&mime.WordDecoder{}).DecodeHeader(h.Get("Subject")); err != nil || got != testMessage.Subject {
		t.Errorf("Subject = %q (err %v), want %q", got, err, testMessage.Subject)
	}
	if raw := h.Get("Subject"); !strings.HasPrefix(raw, "=?UTF-8?") {
		t.Errorf("raw Subject header %q is not RFC 2047 encoded", raw)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "zoe@example.test" {
		t.Errorf("To = %v (err %v), want zoe@example.test", to, err)
	}
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Address != "no-reply@crm.example.test" {
		t.Errorf("From = %v (err %v), want no-reply@crm.example.test", from, err)
	}
	if date, err := h.Date(); err != nil || time.Since(date) > time.Minute {
		t.Errorf("Date = %v (err %v), want the time of sending", date, err)
	}
	if id := h.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@crm.example.test>") {
		t.Errorf("Message-ID = %q, want <random@crm.example.test>", id)
	}
	if got := h.Get("Mime-Version"); got != "1.0" {
		t.Errorf("MIME-Version = %q, want 1.0", got)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || !strings.Contains(strings.ToLower(ct), "charset=utf-8") {
		t.Errorf("Content-Type = %q, want text/plain with charset UTF-8", ct)
	}
	if body := readBody(t, msg); !strings.Contains(body, "Hello Zoë") || !strings.Contains(body, "token=abc=def") {
		t.Errorf("body = %q, want the text with the link intact", body)
	}

	line := logs.String()
	if !strings.Contains(line, "kind=password_reset") || !strings.Contains(line, entries[0].Name()) || !strings.Contains(line, "user_id=user-123") {
		t.Errorf("log %q lacks the kind, file name or user id", line)
	}
	for _, secret := range []string{"zoe@example.test", "abc=def", "Hello", "mot de passe"} {
		if strings.Contains(line, secret) {
			t.Errorf("log contains %q, want no address, subject or body", secret)
		}
	}
}

func TestOutboxRejectsInvalidRecipient(t *testing.T) {
	outbox, err := mail.NewOutbox(t.TempDir(), mail.DefaultFrom, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	m := testMessage
	m.To = "victim@example.test\r\nBcc: other@example.test"
	if err := outbox.Send(context.Background(), m); err == nil {
		t.Error("Send with a line break in the recipient succeeded, want an error")
	}
}

// captured is one message that the test SMTP server received.
type captured struct {
	from, username, password string
	rcpts                    []string
	data                     []byte
}

// smtpBackend is a go-smtp backend that keeps every message in memory.
type smtpBackend struct {
	mu       sync.Mutex
	messages []captured
}

func (b *smtpBackend) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &smtpSession{backend: b}, nil
}

func (b *smtpBackend) received() []captured {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]captured(nil), b.messages...)
}

type smtpSession struct {
	backend *smtpBackend
	current captured
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != "mailer" || password != "s3cret pass" {
			return errors.New("invalid credentials")
		}
		s.current.username, s.current.password = username, password
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.current.from = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.current.rcpts = append(s.current.rcpts, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.current.data = data
	s.backend.mu.Lock()
	s.backend.messages = append(s.backend.messages, s.current)
	s.backend.mu.Unlock()
	return nil
}

func (s *smtpSession) Reset() {
	s.current = captured{username: s.current.username, password: s.current.password}
}
func (s *smtpSession) Logout() error { return nil }

// startSMTP starts an SMTP server on 127.0.0.1 that stops with the test.
// With tlsConfig it offers STARTTLS.
func startSMTP(t *testing.T, tlsConfig *tls.Config) (*smtpBackend, string) {
	t.Helper()
	backend := &smtpBackend{}
	server := smtp.NewServer(backend)
	server.Domain = "localhost"
	server.ReadTimeout = 10 * time.Second
	server.WriteTimeout = 10 * time.Second
	server.TLSConfig = tlsConfig
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go server.Serve(ln)
	t.Cleanup(func() { server.Close() })
	return backend, ln.Addr().String()
}

// checkReceived checks the one message the server received.
func checkReceived(t *testing.T, backend *smtpBackend) captured {
	t.Helper()
	got := backend.received()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	c := got[0]
	if len(c.rcpts) != 1 || c.rcpts[0] != "zoe@example.test" {
		t.Errorf("RCPT TO = %q, want [zoe@example.test]", c.rcpts)
	}
	if c.from != "no-reply@localhost" {
		t.Errorf("MAIL FROM = %q, want no-reply@localhost", c.from)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(c.data))
	if err != nil {
		t.Fatalf("parse received message: %v", err)
	}
	if subject, _ := (&mime.WordDecoder{}).DecodeHeader(msg.Header.Get("Subject")); subject != testMessage.Subject {
		t.Errorf("Subject = %q, want %q", subject, testMessage.Subject)
	}
	if body := readBody(t, msg); !strings.Contains(body, "token=abc=def to continue.") {
		t.Errorf("body = %q, want the message text", body)
	}
	return c
}

func TestSMTPSendsWithoutTLSOnLoopback(t *testing.T) {
	backend, addr := startSMTP(t, nil)
	var logs bytes.Buffer
	sender, err := mail.Open(mail.Config{SMTPURL: "smtp://" + addr + "?tls=off", Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := sender.Send(ctx, testMessage); err != nil {
		t.Fatalf("Send: %v", err)
	}
	checkReceived(t, backend)
	if strings.Contains(logs.String(), "zoe@example.test") || strings.Contains(logs.String(), "abc=def") {
		t.Errorf("log %q contains the address or the body", logs.String())
	}
}

func TestSMTPSendsOverSTARTTLSWithAuth(t *testing.T) {
	cert, _, err := certs.LoadOrCreateSelfSigned(t.TempDir(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	backend, addr := startSMTP(t, &tls.Config{Certificates: []tls.Certificate{cert}})
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)

	sender, err := mail.NewSMTP("smtp://mailer:s3cret%20pass@"+addr, mail.DefaultFrom, slog.New(slog.DiscardHandler), &tls.Config{RootCAs: roots})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := sender.Send(ctx, testMessage); err != nil {
		t.Fatalf("Send: %v", err)
	}
	c := checkReceived(t, backend)
	if c.username != "mailer" || c.password != "s3cret pass" {
		t.Errorf("AUTH user %q password %q, want mailer and the decoded password", c.username, c.password)
	}
}

func TestSMTPRequiresSTARTTLS(t *testing.T) {
	backend, addr := startSMTP(t, nil) // offers no STARTTLS
	sender, err := mail.NewSMTP("smtp://"+addr, mail.DefaultFrom, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = sender.Send(ctx, testMessage)
	if err == nil {
		t.Fatal("Send to a server without STARTTLS succeeded, want an error")
	}
	if got := len(backend.received()); got != 0 {
		t.Errorf("server received %d messages in plain text, want 0", got)
	}
	if strings.Contains(err.Error(), "zoe@example.test") {
		t.Errorf("error %q contains the recipient's address", err)
	}
}

func TestNewSMTPRejectsBadURL(t *testing.T) {
	cases := map[string]string{
		"tls off on a remote host": "smtp://mail.example.test:25?tls=off",
		"smtps with tls off":       "smtps://127.0.0.1:465?tls=off",
		"unknown scheme":           "http://127.0.0.1:25",
		"unknown option":           "smtp://127.0.0.1:25?insecure=1",
		"bad tls value":            "smtp://127.0.0.1:25?tls=maybe",
		"no host":                  "smtp://:25",
		"bad port":                 "smtp://127.0.0.1:99999",
	}
	for name, raw := range cases {
		if _, err := mail.NewSMTP(raw, mail.DefaultFrom, slog.New(slog.DiscardHandler), nil); err == nil {
			t.Errorf("%s: NewSMTP(%q) succeeded, want an error", name, raw)
		}
	}
	if _, err := mail.NewSMTP("smtp://user:pw@[::1]:2525?tls=off", mail.DefaultFrom, slog.New(slog.DiscardHandler), nil); err != nil {
		t.Errorf("tls=off on ::1: %v, want it accepted", err)
	}
}

func TestOpenRejectsBadFrom(t *testing.T) {
	if _, err := mail.Open(mail.Config{From: "not an address", OutboxDir: t.TempDir()}); err == nil {
		t.Error("Open with an invalid From succeeded, want an error")
	}
}
