package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/url"
	"regexp"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// smtpTimeout bounds connecting to the SMTP server and each command.
const smtpTimeout = 30 * time.Second

// SMTP sends messages through an SMTP server, one connection per message.
type SMTP struct {
	from    string
	logger  *slog.Logger
	host    string
	options []gomail.Option
}

// NewSMTP returns a sender for rawURL, which has one of these forms:
//
//	smtp://user:pass@host:587    STARTTLS, required
//	smtps://user:pass@host:465   TLS from the first byte
//	smtp://host:25?tls=off       no TLS; allowed only for a loopback host
//
// The user and password are optional and may be percent-encoded. tlsConfig
// sets the trusted roots; nil uses the system's roots.
func NewSMTP(rawURL, from string, logger *slog.Logger, tlsConfig *tls.Config) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("mail: SMTP_URL is not a valid URL; write it as smtp://user:pass@host:587")
	}
	host := u.Hostname()
	if host == "" {
		return nil, fmt.Errorf("mail: SMTP_URL %s has no host; write it as smtp://user:pass@host:587", u.Redacted())
	}
	query := u.Query()
	for key := range query {
		if key != "tls" {
			return nil, fmt.Errorf("mail: SMTP_URL %s has the unknown option %q; only tls=off is known", u.Redacted(), key)
		}
	}
	tlsOff := false
	switch v := query.Get("tls"); v {
	case "":
	case "off":
		tlsOff = true
	default:
		return nil, fmt.Errorf("mail: SMTP_URL %s has tls=%q; the only value is off", u.Redacted(), v)
	}

	var defaultPort int
	opts := []gomail.Option{gomail.WithTimeout(smtpTimeout)}
	switch u.Scheme {
	case "smtp":
		defaultPort = 587
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case "smtps":
		if tlsOff {
			return nil, fmt.Errorf("mail: SMTP_URL %s asks for smtps with tls=off; use smtp:// for a plain connection", u.Redacted())
		}
		defaultPort = 465
		opts = append(opts, gomail.WithSSL())
	default:
		return nil, fmt.Errorf("mail: SMTP_URL scheme %q is not supported; use smtp:// or smtps://", u.Scheme)
	}
	if tlsOff {
		if !isLoopback(host) {
			return nil, fmt.Errorf("mail: SMTP_URL %s turns TLS off for %s, which is not a loopback address; tls=off is only for a server on this machine", u.Redacted(), host)
		}
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}

	port := defaultPort
	if p := u.Port(); p != "" {
		port, err = strconv.Atoi(p)
		if err != nil || port < 1 || port > 65535 {
			return nil, fmt.Errorf("mail: SMTP_URL %s has port %q; use a number from 1 to 65535", u.Redacted(), p)
		}
	}
	opts = append(opts, gomail.WithPort(port))

	if tlsConfig == nil {
		tlsConfig = &tls.Config{}
	}
	tlsConfig = tlsConfig.Clone()
	tlsConfig.ServerName = host
	tlsConfig.MinVersion = tls.VersionTLS12
	opts = append(opts, gomail.WithTLSConfig(tlsConfig))

	if u.User != nil && u.User.Username() != "" {
		password, _ := u.User.Password()
		// Over TLS, go-mail picks the strongest mechanism the server offers.
		// Without TLS, which only a loopback host allows, PLAIN is used.
		auth := gomail.SMTPAuthAutoDiscover
		if tlsOff {
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(u.User.Username()), gomail.WithPassword(password))
	}
	return &SMTP{from: from, logger: logger, host: host, options: opts}, nil
}

// withoutAddress returns text with every occurrence of the address in to
// replaced by "(recipient)", ignoring case.
func withoutAddress(text, to string) string {
	addr := to
	if a, err := netmail.ParseAddress(to); err == nil {
		addr = a.Address
	}
	if addr == "" {
		return text
	}
	re := regexp.MustCompile("(?i)" + regexp.QuoteMeta(addr))
	return re.ReplaceAllString(text, "(recipient)")
}

// isLoopback reports whether host is localhost or a loopback IP address.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send implements Sender. It opens one connection for m.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := build(s.from, m, time.Now())
	if err != nil {
		return err
	}
	client, err := gomail.NewClient(s.host, s.options...)
	if err != nil {
		return fmt.Errorf("mail: SMTP client for %s: %w", s.host, err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		// go-mail's error lists the affected recipients, and a server reply
		// may repeat the address, so the address is cut out before the
		// error reaches a log.
		return fmt.Errorf("mail: send %q through %s: %s", m.Kind, s.host, withoutAddress(err.Error(), m.To))
	}
	s.logger.LogAttrs(ctx, slog.LevelInfo, "email sent",
		slog.String("kind", m.Kind), slog.String("smtp_host", s.host), slog.String("user_id", m.UserID))
	return nil
}
