package web

import (
	"net/http"

	"github.com/chatalott/chatalott/accounts"
)

// notifyTwoFactor emails the user that two-factor log-in was turned
// on or off.
func (s *Server) notifyTwoFactor(r *http.Request, userID string, enabled bool) {
	s.sendNotice(r, userID, "two_factor_changed", func(n accounts.SecurityNotifier, u *accounts.User) error {
		if enabled {
			return n.TwoFactorEnabled(r.Context(), u)
		}
		return n.TwoFactorDisabled(r.Context(), u)
	})
}

// notifyBackupCodeUsed emails the user that a backup code was used.
func (s *Server) notifyBackupCodeUsed(r *http.Request, userID string, remaining int) {
	s.sendNotice(r, userID, "backup_code_used", func(n accounts.SecurityNotifier, u *accounts.User) error {
		return n.BackupCodeUsed(r.Context(), u, remaining)
	})
}

// sendNotice loads the user and calls send with the server's notifier. The
// change it reports has already happened, so a failure is logged and not
// returned.
func (s *Server) sendNotice(r *http.Request, userID, kind string, send func(accounts.SecurityNotifier, *accounts.User) error) {
	if s.Email == nil {
		s.Logger.Warn("security notice not sent: email is not configured", "kind", kind, "user_id", userID)
		return
	}
	u, err := s.AccountStore.UserByID(r.Context(), userID)
	if err == nil {
		err = send(s.Email.Mailer, u)
	}
	if err != nil {
		s.Logger.Error("security notice failed", "kind", kind, "user_id", userID, "err", err)
	}
}
